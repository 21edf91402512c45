"""Demo skill training reward claims (honours `rewards` area).

One to three claims for workers of about one union in ten (small: union1, the unions of town1
and town2 and a few others), each walked the way the services would have written it (dates in
order, none after `ON`; the amount of its level in `HONOURS_REWARDS_RULES`; review deadlines in
working days): being prepared, waiting for the town (some overdue), returned, waiting for the
district, approved, refused, withdrawn, and paid in monthly batches of the district's finance
office. Certificate numbers are unique; every submitted claim points at one shared demo scan.
"""

import datetime
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from gonghui.core import workdays
from gonghui.honours.models.rewards import RewardClaimStatus, SkillRewardBatch, SkillRewardClaim
from gonghui.honours.rules.rewards import amount_for, rules
from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.orgs.models import Org

ON = datetime.date(2026, 11, 30)
MODELS = (SkillRewardBatch, SkillRewardClaim)
DAY = datetime.timedelta(days=1)
SCAN = "honours/rewards/demo/certificate-demo.pdf"
PDF = b"%PDF-1.4\n% demo certificate scan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

SCENARIOS = [("DRAFT", 6), ("SUBMITTED", 10), ("SUBMITTED_OVERDUE", 5), ("RETURNED", 4), ("TOWN_PASSED", 8),
             ("APPROVED", 10), ("PAID", 30), ("REJECTED", 4), ("WITHDRAWN", 3)]
LEVELS = [("LEVEL5", 20), ("LEVEL4", 35), ("LEVEL3", 30), ("LEVEL2", 10), ("LEVEL1", 5)]
TRADES = ["电工", "焊工", "车工", "钳工", "数控车工", "汽车维修工", "育婴员", "中式烹调师", "美容师", "电子商务师",
          "纺织染色工", "化学检验员", "保安员", "养老护理员", "茶艺师"]
REVIEWERS = ["王建国", "李晓燕", "陈志明", "张丽华"]
RETURN_REASONS = ["证书扫描件不清晰，请重新上传", "证书等级与扫描件不符", "请补充发证机关"]
REJECT_REASONS = ["证书非本人所有", "该证书已在其他渠道获得补贴", "证书发证时间超过申领期限"]


class RewardsDemo:
    def __init__(self, gen, *, on=ON):
        self.gen = gen
        self.on = on
        self.rng = random.Random(gen.seed * 7919 + 29)
        self.small = gen.scale.name == "small"
        self.days = rules().review_working_days
        self.number = 0

    def _weighted(self, pairs):
        total = sum(w for _v, w in pairs)
        x = self.rng.random() * total
        for value, weight in pairs:
            x -= weight
            if x < 0:
                return value
        return pairs[-1][0]

    def unions(self):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        gen = self.gen
        town_ids = {gen.town_by_name[name].id for name in (TOWN1, TOWN2)}
        anchored = [u for u in gen.unions if u is not gen.union1 and u.town is not None and u.town.id in town_ids]
        others = [u for u in gen.unions if u is not gen.union1 and u not in anchored]
        if self.small:
            return [gen.union1, *anchored[:14], *self.rng.sample(others, min(4, len(others)))]
        return [gen.union1, *anchored[:30], *[u for u in others if self.rng.randrange(10) == 0]]

    def _next_no(self):
        self.number += 1
        return f"33{self.rng.randrange(10, 99)}{self.on.year % 100:02d}{self.number:07d}"

    def _claim(self, union, town_id, person_id, person_name, scenario):
        level = self._weighted(LEVELS)
        on = self.on
        cert_on = on - self.rng.randint(20, 300) * DAY
        c = SkillRewardClaim(org_id=union.id, town_id=town_id, person_id=person_id, person_name=person_name,
                             level=level, trade=self.rng.choice(TRADES), certificate_no=self._next_no(),
                             certificate_on=cert_on, issuer="杭州市萧山区人力资源和社会保障局",
                             year=on.year, amount=amount_for(level), status=scenario.replace("_OVERDUE", ""))
        c.scan, c.scan_name, c.scan_kind, c.scan_size = SCAN, "证书扫描件.pdf", "pdf", len(PDF)
        if scenario == "DRAFT":
            if self.rng.random() < 0.5:
                c.scan, c.scan_name, c.scan_kind, c.scan_size = "", "", "", 0
            return c
        window = {"SUBMITTED": (1, 6), "SUBMITTED_OVERDUE": (20, 40), "RETURNED": (15, 50), "TOWN_PASSED": (5, 30),
                  "WITHDRAWN": (10, 60)}.get(scenario, (30, 200))
        submitted = max(cert_on + 3 * DAY, on - self.rng.randint(*window) * DAY)
        if submitted > on:
            submitted = on
        c.submitted_on, c.year = submitted, submitted.year
        c.review_due_on = workdays.add_working_days(submitted, self.days)
        if scenario in ("SUBMITTED", "SUBMITTED_OVERDUE"):
            return c
        if scenario == "WITHDRAWN":
            c.review_due_on, c.withdrawn_on = None, min(submitted + self.rng.randint(1, 5) * DAY, on)
            return c
        town_on = min(submitted + self.rng.randint(1, 8) * DAY, on)
        c.town_reviewed_on, c.town_reviewer = town_on, self.rng.choice(REVIEWERS)
        if scenario == "RETURNED":
            c.review_due_on, c.returned_on, c.return_reason = None, town_on, self.rng.choice(RETURN_REASONS)
            return c
        if scenario == "REJECTED":
            c.review_due_on, c.decided_on, c.reject_reason = None, town_on, self.rng.choice(REJECT_REASONS)
            return c
        c.review_due_on = workdays.add_working_days(town_on, self.days)
        if scenario == "TOWN_PASSED":
            return c
        c.review_due_on = None
        c.decided_on, c.decided_by = min(town_on + self.rng.randint(1, 10) * DAY, on), "区总工会经审科"
        return c

    def write(self):
        if not default_storage.exists(SCAN):
            default_storage.save(SCAN, ContentFile(PDF))
        nodes = self.unions()
        town_of = {o.pk: (o.town().pk if o.town() else None) for o in Org.objects.filter(pk__in=[n.id for n in nodes])}
        claims = []
        for i, node in enumerate(nodes):
            people = list(Membership.objects.filter(union_id=node.id, status__in=LIVE_STATUSES)
                          .order_by("id").values_list("person_id", "person_name")[:3])
            count = 3 if node is self.gen.union1 else self.rng.randint(1, 3)
            for j, (pid, name) in enumerate(people[:count]):
                if node is self.gen.union1:
                    scenario = ("SUBMITTED", "PAID", "APPROVED")[j]
                elif self.small and i + j < len(SCENARIOS) * 2:
                    scenario = SCENARIOS[(i + j) % len(SCENARIOS)][0]
                else:
                    scenario = self._weighted(SCENARIOS)
                claims.append(self._claim(node, town_of.get(node.id), pid, name, scenario))
        root = Org.objects.get(depth=1, path=Org.objects.get(pk=self.gen.union1.id).path[:Org.steplen])
        paid = sorted((c for c in claims if c.status == RewardClaimStatus.PAID), key=lambda c: c.decided_on)
        batches, by_month = [], {}
        for c in paid:
            month = min(c.decided_on.replace(day=1) + 32 * DAY, self.on).replace(day=min(25, self.on.day))
            paid_on = max(month, c.decided_on)
            if paid_on > self.on:
                c.status, paid_on = RewardClaimStatus.APPROVED, None
                continue
            key = paid_on.strftime("%Y%m")
            by_month.setdefault(key, (paid_on, []))[1].append(c)
        for key, (paid_on, members) in sorted(by_month.items()):
            paid_on = max([paid_on, *[m.decided_on for m in members]])
            batch = SkillRewardBatch(org=root, reference=f"财付{key}-技能奖励", paid_on=paid_on,
                                     claims_count=len(members), total=sum(m.amount for m in members),
                                     note="区总工会财务科转账")
            batches.append((batch, members))
        SkillRewardBatch.objects.bulk_create([b for b, _m in batches])
        for batch, members in batches:
            for m in members:
                m.batch_id, m.paid_on = batch.pk, batch.paid_on
        for c in claims:
            _check(c, self.on)
        SkillRewardClaim.objects.bulk_create(claims, batch_size=1000)
        self.gen.writer.reset_sequences(list(MODELS))
        by_status = {}
        for c in claims:
            by_status[str(c.status)] = by_status.get(str(c.status), 0) + 1
        return {"claims": len(claims), "claims_by_status": dict(sorted(by_status.items())),
                "batches": len(batches)}


def _check(c, on):
    """What the services guarantee, asserted before anything is written."""
    for d in (c.certificate_on, c.submitted_on, c.town_reviewed_on, c.decided_on, c.returned_on, c.withdrawn_on,
              c.paid_on):
        assert d is None or d <= on, c
    assert c.submitted_on is None or c.submitted_on >= c.certificate_on
    if c.status in (RewardClaimStatus.APPROVED, RewardClaimStatus.PAID):
        assert c.decided_on and c.amount > 0
    assert (c.status == RewardClaimStatus.PAID) == (c.batch_id is not None and c.paid_on is not None)
    if c.status != RewardClaimStatus.DRAFT:
        assert c.scan


def seed(gen) -> dict:
    return RewardsDemo(gen).write()
