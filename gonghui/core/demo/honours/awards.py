"""Demo awards (honours app): the six built-in award types, this year's and last year's quotas for
every town, and nominations in every stage, each written the way the services would have (dates
in order, none after `ON`; the 公示 end on the working-day calendar; a place of the town's quota
per live nomination; 工人先锋号 teams only where the records make the enterprise eligible):
waiting for the town, waiting for the district, under public notice (running, over and waiting
for conferral, one with an open objection), conferred (with the honour record), rejected
(one by an upheld objection) and withdrawn. Last year's conferred awards fill the records.

`small`: union1 and every union of town1 and town2; `district`: about one union in fifteen
across every town (the quotas cap each town). 劳动模范 is nominated here but its conferrals are the
registry's (the modelworkers demo)."""

import datetime
import random

from gonghui.core import workdays
from gonghui.honours.models.awards import (
    LIVE_NOMINATION_STATUSES,
    HonourNomination,
    HonourObjection,
    HonourQuota,
    HonourRecord,
    HonourType,
    NominationStatus,
    ObjectionStatus,
)
from gonghui.honours.rules.awards import DEFAULT_TYPES, rules
from gonghui.members.models import Membership
from gonghui.members.models import MembershipStatus as MS

ON = datetime.date(2026, 11, 30)
MODELS = (HonourType, HonourQuota, HonourRecord, HonourNomination, HonourObjection)
DAY = datetime.timedelta(days=1)
PLACES = {"GOLD_GEAR": 3, "SILVER_GEAR": 5, "PIONEER_TEAM": 2, "INNOVATION": 2, "NAMED_METHOD": 2,
          "MODEL_WORKER": 1}
# (scenario, weight) for this year's nominations
SCENARIOS = [("SUBMITTED", 5), ("FORWARDED", 4), ("NOTICE", 3), ("NOTICE_OVER", 2), ("NOTICE_OBJECTION", 1),
             ("CONFERRED", 6), ("REJECTED", 2), ("UPHELD", 1), ("WITHDRAWN", 1)]
DEEDS = ["扎根一线二十年，带领班组攻克多项技术难题，年节约成本逾百万元。",
         "总结提炼的操作法在全厂推广，产品一次合格率提升至99.6%。",
         "牵头技术革新项目三项，获国家实用新型专利两项。",
         "在G20保障工程中连续奋战，所在标段获安全文明施工示范工地。",
         "热心传帮带，培养技师、高级工十余名。"]
TEAMS = ["质检班组", "机修车间", "一号生产线", "项目部钢筋班", "物流调度中心"]
OBJECTIONS = ["反映该同志事迹材料中的专利数量与实际不符", "反映所在班组年内发生过安全事故"]
REJECTS = ["事迹材料不够具体，请补充量化成果", "本年度名额已由镇街统筹安排", "不符合评选条件"]
DISTRICT = "区总工会"


class AwardsDemo:
    def __init__(self, gen, *, on=ON):
        self.gen = gen
        self.on = on
        self.rng = random.Random(gen.seed * 3571 + 29)
        self.small = gen.scale.name == "small"

    def _weighted(self, pairs):
        total = sum(w for _v, w in pairs)
        x = self.rng.random() * total
        for value, weight in pairs:
            x -= weight
            if x < 0:
                return value
        return pairs[-1][0]

    def types(self):
        rows = [HonourType(kind=k, name=n, holder_kind=h, level=lv) for k, n, h, lv in DEFAULT_TYPES]
        HonourType.objects.bulk_create(rows)
        self.by_kind = {t.kind: t for t in HonourType.objects.all()}

    def quotas(self):
        rows = [HonourQuota(honour_type=t, org_id=town.id, year=year, places=PLACES[t.kind])
                for year in (self.on.year - 1, self.on.year) for town in self.gen.towns for t in self.by_kind.values()]
        HonourQuota.objects.bulk_create(rows, batch_size=1000)
        self.quota = {(q.honour_type_id, q.org_id, q.year): q for q in HonourQuota.objects.all()}
        self.used = {key: 0 for key in self.quota}

    def unions(self):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        anchors = {self.gen.town_by_name[TOWN1].id, self.gen.town_by_name[TOWN2].id}
        chosen = [self.gen.union1]
        for n, u in enumerate(self.gen.unions):
            if u is self.gen.union1:
                continue
            if (self.small and u.town is not None and u.town.id in anchors) or (not self.small and n % 15 == 0):
                chosen.append(u)
        return chosen

    def people(self, union, k):
        return list(Membership.objects.filter(union_id=union.id, status__in=(MS.ACTIVE, MS.TRANSFER_PENDING))
                    .order_by("id").values_list("person_id", flat=True)[:k])

    def _take(self, kind, town_id, year):
        key = (self.by_kind[kind].pk, town_id, year)
        if key not in self.quota or self.used[key] >= self.quota[key].places:
            return None
        self.used[key] += 1
        return self.quota[key]

    def plan(self):
        from gonghui.honours.selectors.awards import team_eligibility
        from gonghui.orgs.models import Enterprise, Org

        self.rows, self.objections, self.records = [], [], []
        seen = set()
        for union in self.unions():
            persons = self.people(union, 4)
            org = None
            for person_id, year in zip(persons, (self.on.year, self.on.year, self.on.year - 1, self.on.year),
                                       strict=False):
                kind = self._weighted([("GOLD_GEAR", 3), ("SILVER_GEAR", 5), ("INNOVATION", 2), ("NAMED_METHOD", 2),
                                       ("MODEL_WORKER", 1)])
                if (kind, year, person_id) in seen:
                    continue
                quota = self._take(kind, union.town.id, year)
                if quota is None:
                    continue
                seen.add((kind, year, person_id))
                scenario = "CONFERRED" if year < self.on.year else self._weighted(SCENARIOS)
                if kind == "MODEL_WORKER" and scenario in ("CONFERRED",):
                    scenario = "NOTICE"
                self.rows.append(self._nomination(union, quota, year, scenario, person_id=person_id))
            if union.enterprises and self.rng.random() < 0.5:
                org = org or Org.objects.get(pk=union.id)
                firm = Enterprise.objects.select_related("union").get(pk=union.enterprises[0].id)
                checks = team_eligibility(enterprise=firm, union=org, on=self.on - 60 * DAY)
                if all(c.ok for c in checks):
                    quota = self._take("PIONEER_TEAM", union.town.id, self.on.year)
                    if quota is not None:
                        n = self._nomination(union, quota, self.on.year, self._weighted(SCENARIOS[:6]),
                                             team_name=self.rng.choice(TEAMS), enterprise_id=firm.pk)
                        n.eligibility = [{"code": c.code, "ok": c.ok, "text": c.text} for c in checks]
                        self.rows.append(n)

    def _nomination(self, union, quota, year, scenario, *, person_id=None, team_name="", enterprise_id=None):
        rng = self.rng
        last = self.on if year == self.on.year else datetime.date(year, 12, 20)
        if scenario in ("SUBMITTED",):
            submitted = last - rng.randint(1, 20) * DAY
        elif scenario in ("NOTICE",):
            submitted = last - rng.randint(12, 20) * DAY
        else:
            submitted = last - rng.randint(30, 90) * DAY
        n = HonourNomination(honour_type_id=quota.honour_type_id, year=year, org_id=union.id, quota=quota,
                             person_id=person_id, team_name=team_name, enterprise_id=enterprise_id,
                             deeds=rng.choice(DEEDS), submitted_on=submitted, status=NominationStatus.SUBMITTED)
        n._scenario = scenario
        if scenario == "SUBMITTED":
            return n
        if scenario == "WITHDRAWN":
            n.status, n.withdrawn_on = NominationStatus.WITHDRAWN, submitted + rng.randint(1, 5) * DAY
            return n
        n.town_reviewed_on = submitted + rng.randint(2, 6) * DAY
        if scenario == "REJECTED":
            n.status, n.rejected_on = NominationStatus.REJECTED, n.town_reviewed_on
            n.reject_reason = rng.choice(REJECTS)
            return n
        n.status, n.town_comments = NominationStatus.FORWARDED, "材料齐全，同意推荐"
        if scenario == "FORWARDED":
            return n
        n.district_reviewed_on = n.town_reviewed_on + rng.randint(1, 4) * DAY
        if scenario == "NOTICE":
            n.district_reviewed_on = min(n.district_reviewed_on, self.on - 2 * DAY)
        n.notice_starts_on = n.district_reviewed_on
        n.notice_ends_on = workdays.add_working_days(n.notice_starts_on - DAY, rules().notice_working_days)
        n.status = NominationStatus.NOTICE
        if scenario in ("NOTICE_OBJECTION", "UPHELD"):
            o = HonourObjection(received_on=n.notice_starts_on + DAY, objector="", content=rng.choice(OBJECTIONS))
            if scenario == "UPHELD":
                o.status, o.decided_on = ObjectionStatus.UPHELD, n.notice_ends_on
                o.decision_note = "经核实，反映情况属实"
                n.status, n.rejected_on = NominationStatus.REJECTED, o.decided_on
                n.reject_reason = f"异议成立：{o.decision_note}"
            n._objection = o
        if scenario == "CONFERRED":
            n.conferred_on = min(n.notice_ends_on + rng.randint(1, 10) * DAY, last)
            if n.conferred_on <= n.notice_ends_on:
                n.status = NominationStatus.NOTICE
                n.conferred_on = None
            else:
                n.status = NominationStatus.CONFERRED
                n.certificate_no = f"区总奖{year}-{len(self.rows) + 1:04d}"
        return n

    def write(self):
        self.types()
        self.quotas()
        self.plan()
        for n in self.rows:
            _check(n, self.on)
        HonourNomination.objects.bulk_create(self.rows, batch_size=500)
        objections = []
        records = []
        names = {t.pk: t for t in self.by_kind.values()}
        for n in self.rows:
            if hasattr(n, "_objection"):
                n._objection.nomination_id = n.pk
                objections.append(n._objection)
            if n.status == NominationStatus.CONFERRED:
                t = names[n.honour_type_id]
                records.append(HonourRecord(
                    org_id=n.org_id, holder_kind="PERSON" if n.person_id else "TEAM", person_id=n.person_id,
                    team_name=n.team_name, title=t.name, category="AWARD", level=t.level, year=n.year,
                    conferred_on=n.conferred_on, conferred_by=DISTRICT, source_key=f"honours.HonourNomination:{n.pk}",
                    source_label=f"{t.name} {n.year}", note=f"证书编号 {n.certificate_no}"))
        HonourObjection.objects.bulk_create(objections, batch_size=500)
        HonourRecord.objects.bulk_create(records, batch_size=500)
        by_key = dict(HonourRecord.objects.filter(source_key__startswith="honours.HonourNomination:")
                      .values_list("source_key", "pk"))
        conferred = [n for n in self.rows if n.status == NominationStatus.CONFERRED]
        for n in conferred:
            n.record_id = by_key[f"honours.HonourNomination:{n.pk}"]
        HonourNomination.objects.bulk_update(conferred, ["record"], batch_size=500)
        self.gen.writer.reset_sequences(list(MODELS))
        by_status = {}
        for n in self.rows:
            by_status[str(n.status)] = by_status.get(str(n.status), 0) + 1
        return {"types": len(self.by_kind), "quotas": len(self.quota), "nominations": len(self.rows),
                "nominations_by_status": dict(sorted(by_status.items())), "objections": len(objections),
                "records": len(records)}


def _check(n, on):
    """What the services guarantee, asserted before anything is written."""
    days = [n.submitted_on, n.town_reviewed_on, n.district_reviewed_on, n.conferred_on]
    known = [d for d in days if d is not None]
    assert known == sorted(known) and all(d <= on for d in known), n.__dict__
    if n.status in (NominationStatus.NOTICE, NominationStatus.CONFERRED):
        assert n.notice_starts_on and n.notice_ends_on >= n.notice_starts_on
    if n.status == NominationStatus.CONFERRED:
        assert n.conferred_on > n.notice_ends_on
    assert n.status in LIVE_NOMINATION_STATUSES or n.status in (NominationStatus.REJECTED, NominationStatus.WITHDRAWN)


def seed(gen) -> dict:
    return AwardsDemo(gen).write()
