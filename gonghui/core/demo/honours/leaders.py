"""Demo skill leaders (职业技能带头人) and a year of their allowance runs (honours `leaders` area).

Selections of 2024, 2025 and 2026 (titles held from the selection in May, for three years), some
titles ended early (revoked, or the holder left), nominations not selected or withdrawn, and the
2027 nominations waiting for the district. Every selected title has its honour record (category
SKILL_LEADER, `source_key` "honours.SkillLeader:<pk>", as `services.leaders.select_leader` writes
it). The allowance ledger holds the twelve monthly runs December 2025 – November 2026, paid by the
month boundary rule the service applies (held on the month's first day → paid).

`small`: union1 (a title held, one of 2026, a 2027 nomination) and unions of town1 and town2;
`district`: about one union in fifteen across every town (a few hundred leaders, a few thousand
payments: well under a second). Honour records are deleted with the awards area's models.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from gonghui.honours.models.awards import HolderKind, HonourCategory, HonourLevel, HonourRecord
from gonghui.honours.models.leaders import LeaderAllowance, LeaderAllowanceRun, LeaderStatus, SkillLeader
from gonghui.honours.rules.leaders import rules
from gonghui.members.models import LIVE_STATUSES, Membership

ON = datetime.date(2026, 11, 30)
MODELS = (SkillLeader, LeaderAllowanceRun, LeaderAllowance)
DAY = datetime.timedelta(days=1)

TRADES = [("数控车工", "AUTO_PARTS"), ("汽车维修工", "AUTO_PARTS"), ("钳工", "AUTO_PARTS"), ("电工", "CONSTRUCTION"),
          ("焊工", "CONSTRUCTION"), ("砌筑工", "CONSTRUCTION"), ("纺织挡车工", "TEXTILES"),
          ("化纤纺丝工", "TEXTILES"), ("物流服务师", "LOGISTICS"), ("叉车司机", "LOGISTICS"),
          ("中式烹调师", "SERVICES"), ("育婴员", "SERVICES")]
SCENARIOS = [("HELD_2024", 5), ("HELD_2025", 6), ("HELD_2026", 6), ("ENDED", 2), ("NOT_SELECTED", 2),
             ("WITHDRAWN", 1), ("NOMINATED", 3)]
ACHIEVEMENTS = ["带领班组完成技术革新3项，培养高级工5名", "主持攻关项目获区职工技术创新成果奖",
                "师带徒10名，其中2人获市级技能比武前三名", "总结先进操作法在全公司推广", ""]
END_REASONS = {"REVOKED": ["违反企业规章制度，经研究撤销称号"], "LEFT": ["调离本区", "离开技能岗位", "退休"]}


def _months(first, last):
    m = first
    while m <= last:
        yield m
        m = (m.replace(day=28) + 4 * DAY).replace(day=1)


class LeadersDemo:
    def __init__(self, gen, *, on=ON):
        self.gen, self.on = gen, on
        self.rng = random.Random(gen.seed * 7919 + 41)
        self.small = gen.scale.name == "small"

    def unions(self):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        gen = self.gen
        town_ids = {gen.town_by_name[name].id for name in (TOWN1, TOWN2)}
        anchored = [u for u in gen.unions if u is not gen.union1 and u.town is not None and u.town.id in town_ids]
        others = [u for u in gen.unions if u is not gen.union1 and u not in anchored]
        if self.small:
            return [gen.union1, *anchored[:12], *self.rng.sample(others, min(4, len(others)))]
        return [gen.union1, *anchored[:30], *[u for u in others if self.rng.randrange(15) == 0]]

    def people(self, unions):
        """{union id: [person id]}: three live members of union1, one of each other union."""
        want = {u.id: (3 if u is self.gen.union1 else 1) for u in unions}
        rows = (Membership.objects.filter(union_id__in=list(want), status__in=LIVE_STATUSES)
                .order_by("union_id", "-id").values_list("union_id", "person_id"))
        chosen = {}
        for union_id, person_id in rows.iterator(chunk_size=5000):
            got = chosen.setdefault(union_id, [])
            if len(got) < want[union_id] and person_id not in got:
                got.append(person_id)
        return chosen

    def _weighted(self):
        total = sum(w for _s, w in SCENARIOS)
        x = self.rng.uniform(0, total)
        for s, w in SCENARIOS:
            x -= w
            if x <= 0:
                return s
        return SCENARIOS[-1][0]

    def _leader(self, union, person_id, scenario):
        trade, industry = self.rng.choice(TRADES)
        term = rules().term_years
        x = SkillLeader(org_id=union.id, town_id=union.town.id if union.town else None, person_id=person_id,
                        trade=trade, industry=industry, achievements=self.rng.choice(ACHIEVEMENTS))
        if scenario in ("NOMINATED",):
            x.year, x.nominated_on = self.on.year + 1, self.on - self.rng.randint(3, 25) * DAY
            return x
        year = {"HELD_2024": 2024, "HELD_2025": 2025, "HELD_2026": 2026}.get(scenario) or \
            self.rng.choice([2024, 2025, 2026] if scenario == "ENDED" else [2026])
        x.year = year
        x.nominated_on = datetime.date(year, 3, 1) + self.rng.randint(0, 30) * DAY
        x.decided_on = datetime.date(year, 5, 10) + self.rng.randint(0, 15) * DAY
        if scenario == "NOT_SELECTED":
            x.status, x.decision_note = LeaderStatus.NOT_SELECTED, "本年度名额已满"
            return x
        if scenario == "WITHDRAWN":
            x.status, x.decided_on, x.decision_note = LeaderStatus.WITHDRAWN, None, "本人申请撤回"
            return x
        x.status = LeaderStatus.SELECTED
        x.starts_on = x.decided_on
        x.term_ends_on = x.ends_on = _add_years(x.starts_on, term) - DAY
        if scenario == "ENDED":
            kind = self.rng.choice(["LEFT", "LEFT", "REVOKED"])
            latest = min(self.on, x.term_ends_on - DAY)
            if latest <= x.starts_on:
                return x
            x.status, x.end_kind = LeaderStatus.ENDED, kind
            x.ends_on = x.starts_on + self.rng.randint(30, (latest - x.starts_on).days) * DAY \
                if (latest - x.starts_on).days > 30 else latest
            x.end_reason = self.rng.choice(END_REASONS[kind])
        return x

    def plan(self):
        unions = self.unions()
        people = self.people(unions)
        leaders = []
        for i, union in enumerate(unions):
            ids = people.get(union.id, [])
            if union is self.gen.union1:
                scenarios = ["HELD_2025", "HELD_2026", "NOMINATED"]
            elif self.small and i <= len(SCENARIOS):
                scenarios = [SCENARIOS[(i - 1) % len(SCENARIOS)][0]]
            else:
                scenarios = [self._weighted()]
            for person_id, scenario in zip(ids, scenarios, strict=False):
                leaders.append(self._leader(union, person_id, scenario))
        return leaders

    def write(self):
        leaders = self.plan()
        SkillLeader.objects.bulk_create(leaders, batch_size=1000)
        records = [HonourRecord(
            org_id=x.org_id, holder_kind=HolderKind.PERSON, person_id=x.person_id,
            title=f"{x.year}年度职业技能带头人（{x.trade}）", category=HonourCategory.SKILL_LEADER,
            level=HonourLevel.DISTRICT, year=x.decided_on.year, conferred_on=x.decided_on, conferred_by="区总工会",
            source_key=f"honours.SkillLeader:{x.pk}", source_label=f"{x.year}年度职业技能带头人评选")
            for x in leaders if x.status in (LeaderStatus.SELECTED, LeaderStatus.ENDED)]
        HonourRecord.objects.bulk_create(records, batch_size=1000)
        amount = rules().monthly_amount
        holders = [x for x in leaders if x.status in (LeaderStatus.SELECTED, LeaderStatus.ENDED)]
        last = self.on.replace(day=1)
        first = (last - 330 * DAY).replace(day=1)
        runs, payments = [], []
        for month in _months(first, last):
            paid = [x for x in holders if x.starts_on <= month <= x.ends_on]
            at = timezone.make_aware(datetime.datetime.combine(month, datetime.time(6, 0)))
            run = LeaderAllowanceRun(month=month, runs=1, paid_count=len(paid), paid_total=amount * len(paid),
                                     last_run_at=at)
            runs.append((run, paid))
        LeaderAllowanceRun.objects.bulk_create([r for r, _p in runs])
        for run, paid in runs:
            payments.extend(LeaderAllowance(leader_id=x.pk, run_id=run.pk, month=run.month, year=run.month.year,
                                            amount=amount, org_id=x.org_id, town_id=x.town_id) for x in paid)
        LeaderAllowance.objects.bulk_create(payments, batch_size=2000)
        for run, _paid in runs:  # "paid at" is the run's time, not the seed's (auto_now_add set it)
            LeaderAllowance.objects.filter(run_id=run.pk).update(created_at=run.last_run_at)
        self.gen.writer.reset_sequences([*MODELS, HonourRecord])
        by_status = {}
        for x in leaders:
            by_status[str(x.status)] = by_status.get(str(x.status), 0) + 1
        return {"leaders": len(leaders), "leaders_by_status": dict(sorted(by_status.items())),
                "honour_records": len(records), "allowance_runs": len(runs), "allowances": len(payments),
                "allowance_total": str(sum((p.amount for p in payments), Decimal("0.00")))}


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def seed(gen) -> dict:
    return LeadersDemo(gen).write()
