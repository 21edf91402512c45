"""Demo hardship files (welfare `hardship` area): files of union1 (member1's among them, on file
as 深度困难) and of unions of town1 (城厢街道) and town2 (北干街道), and at district scale of about
one union in ten of the other towns (five at small scale). Each file has a household (the worker
first), income lines and cost lines whose figures give the category through the real calculator
(`rules.hardship.assess`); statuses: mostly on file (some with a yearly review done, some overdue),
some awaiting the town, drafts, rejected and exited ones. Files on file get a 春节走访慰问 visit
record, and help records the earlier welfare areas wrote for these people are attached to them.

Dates are fixed around `ON` (2026-11-30). Bulk writes: a few queries per table.
"""

import datetime
import random
from decimal import Decimal

from gonghui.members.models import LIVE_STATUSES, Membership, Person
from gonghui.welfare.models.hardship import (
    CostLine,
    HardshipFile,
    HardshipNumberCounter,
    HardshipReview,
    HardshipStatus,
    HelpRecord,
    HouseholdMember,
    IncomeLine,
)
from gonghui.welfare.rules.hardship import assess, rules

ON = datetime.date(2026, 11, 30)
# Children first: wiping runs in reverse. HelpRecord rows of the other areas are wiped here too.
MODELS = (HardshipNumberCounter, HardshipFile, HouseholdMember, IncomeLine, CostLine, HardshipReview, HelpRecord)
DAY = datetime.timedelta(days=1)
CENT = Decimal("0.01")
REASONS = {
    "DEEP": ["本人患尿毒症长期透析，无法正常工作，配偶无业，子女在读",
             "配偶重度残疾需专人照料，家庭仅靠本人微薄工资维持",
             "本人因工伤致残，收入大幅下降，父母年迈多病"],
    "RELATIVE": ["子女同时就读高中和大学，教育支出大，家庭收入偏低", "夫妻一方下岗失业，另一方收入较低，租房居住",
                 "父母长期患病需赡养，医疗支出较大"],
    "ACCIDENT": ["家中突发火灾，房屋及财物损毁严重", "子女突发白血病，治疗费用高昂", "本人遭遇交通事故，医疗费用巨大"],
    "NONE": ["家庭收入尚可，申请材料不符合困难职工认定条件"],
}
HEALTH = ["健康", "健康", "慢性病", "重病", "残疾"]
WORK = {"SPOUSE": ["无业", "灵活就业", "企业职工", "务农"],
        "CHILD": ["小学在读", "初中在读", "高中在读", "大学在读", "学龄前"],
        "PARENT": ["退休", "务农", "无业"]}
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞", "平"]
# (scenario, weight): category on file (ACTIVE), SUBMITTED, DRAFT, REJECTED, EXITED.
SCENARIOS = [("ACTIVE", 12), ("SUBMITTED", 2), ("DRAFT", 1), ("REJECTED", 1), ("EXITED", 2)]


def add_months(day, months):
    from gonghui.welfare.services.hardship import add_months as add

    return add(day, months)


class HardshipDemo:
    def __init__(self, gen, *, on=ON):
        self.gen, self.on = gen, on
        self.rng = random.Random(gen.seed * 7919 + 97)
        self.small = gen.scale.name == "small"
        self.r = rules()

    def unions(self):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        gen = self.gen
        town_ids = {gen.town_by_name[name].id for name in (TOWN1, TOWN2)}
        anchored = [u for u in gen.unions if u is not gen.union1 and u.town is not None and u.town.id in town_ids]
        others = [u for u in gen.unions if u is not gen.union1 and u not in anchored]
        if self.small:
            return [gen.union1, *anchored[:12], *self.rng.sample(others, min(5, len(others)))]
        return [gen.union1, *anchored[:40], *[u for u in others if self.rng.randrange(10) == 0]]

    def people(self, unions):
        """{union id: [person id]}: up to seven live members of union1 (member1 first), two or three of
        each other union."""
        gen = self.gen
        want = {u.id: (7 if u is gen.union1 else self.rng.choice([2, 2, 3])) for u in unions}
        rows = (Membership.objects.filter(union_id__in=list(want), status__in=LIVE_STATUSES)
                .order_by("union_id", "-id").values_list("union_id", "person_id"))
        chosen, taken = {}, set()
        if gen.member1:
            chosen[gen.union1.id] = [gen.member1]
            taken.add(gen.member1)
        for union_id, person_id in rows.iterator(chunk_size=5000):
            got = chosen.setdefault(union_id, [])
            if len(got) < want[union_id] and person_id not in taken:
                got.append(person_id)
                taken.add(person_id)
        return chosen

    def _weighted(self):
        total = sum(w for _s, w in SCENARIOS)
        x = self.rng.uniform(0, total)
        for s, w in SCENARIOS:
            x -= w
            if x <= 0:
                return s
        return SCENARIOS[-1][0]

    def _name(self):
        return self.rng.choice(NAMES) + self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < .5
                                                                     else "")

    def _figures(self, target, persons):
        """(income lines, cost lines) [(kind, amount)] giving `target` (DEEP/RELATIVE/ACCIDENT/NONE)."""
        rng, line = self.rng, self.r.dibao_monthly
        ratio = {"DEEP": rng.uniform(0.45, 0.92), "RELATIVE": rng.uniform(1.1, 1.85),
                 "ACCIDENT": rng.uniform(2.3, 3.2), "NONE": rng.uniform(2.4, 3.5)}[target]
        rigid = Decimal(rng.choice([0, 3000, 6000, 8000, 12000]))
        income = (line * Decimal(str(round(ratio, 3))) * 12 * persons + rigid).quantize(Decimal("1"))
        split = (income * Decimal(str(round(rng.uniform(0.6, 1), 2)))).quantize(Decimal("1"))
        incomes = [("WAGES", split)] + ([(rng.choice(["PENSION", "BENEFITS", "BUSINESS"]), income - split)]
                                        if income - split > 0 else [])
        costs = []
        if rigid:
            kinds = ["MEDICAL", "EDUCATION", "RENT", "CARE"]
            first = (rigid * Decimal("0.6")).quantize(Decimal("1"))
            costs += [(rng.choice(kinds), first), (rng.choice(kinds), rigid - first)]
        if target == "ACCIDENT":
            costs.append((rng.choice(["ILLNESS", "ACCIDENT", "DISASTER"]),
                          (income * Decimal(str(round(rng.uniform(0.9, 1.6), 2)))).quantize(Decimal("1"))))
        return incomes, costs

    def write(self):
        gen, rng, on = self.gen, self.rng, self.on
        unions = self.unions()
        people = self.people(unions)
        persons = {p.pk: p for p in Person.objects.filter(pk__in=[i for ids in people.values() for i in ids])
                   .only("pk", "name", "birth_on")}
        plans, counters = [], {}
        for union in unions:
            ids = people.get(union.id, [])
            if union is gen.union1:
                scenarios = ["ACTIVE", "ACTIVE", "SUBMITTED", "DRAFT", "REJECTED", "EXITED", "ACTIVE"]
            else:
                scenarios = [self._weighted() for _ in ids]
            for person_id, scenario in zip(ids, scenarios, strict=False):
                p = persons.get(person_id)
                if p is None:
                    continue
                if person_id == gen.member1:
                    target = "DEEP"
                elif scenario == "REJECTED":
                    target = "NONE"
                else:
                    target = rng.choice(["DEEP", "RELATIVE", "RELATIVE", "ACCIDENT"])
                size = rng.choice([1, 2, 3, 3, 4, 4, 5])
                incomes, costs = self._figures(target, size)
                a = assess(income=sum(x for _k, x in incomes), persons=size,
                           rigid_costs=sum(x for k, x in costs if k not in ("ILLNESS", "ACCIDENT", "DISASTER")),
                           unexpected_costs=sum(x for k, x in costs if k in ("ILLNESS", "ACCIDENT", "DISASTER")))
                created = on - rng.randint(20, 700) * DAY if scenario in ("ACTIVE", "EXITED") else \
                    on - rng.randint(3, 60) * DAY
                counters[created.year] = counters.get(created.year, 0) + 1
                f = HardshipFile(number=f"{self.r.number_prefix}{created.year}-{counters[created.year]:05d}",
                                 person_id=person_id, org_id=union.id, reason=rng.choice(REASONS[target]),
                                 household_size=size, annual_income=a.income, annual_rigid_costs=a.rigid_costs,
                                 annual_unexpected_costs=a.unexpected_costs, per_capita_monthly=a.per_capita_monthly,
                                 computed_category=a.category)
                plans.append((f, scenario, a, created, p, incomes, costs))
        for f, scenario, a, created, _p, _i, _c in plans:
            if scenario in ("SUBMITTED", "REJECTED", "ACTIVE", "EXITED"):
                f.submitted_at = datetime.datetime.combine(created + 3 * DAY, datetime.time(10),
                                                           tzinfo=datetime.UTC)
            if scenario == "SUBMITTED":
                f.status = HardshipStatus.SUBMITTED
            elif scenario == "REJECTED":
                f.status, f.exit_reason = HardshipStatus.REJECTED, "家庭人均收入高于认定标准"
            elif scenario in ("ACTIVE", "EXITED"):
                f.status, f.category, f.accepted_on = HardshipStatus.ACTIVE, a.category, created + 10 * DAY
                f.review_due_on = add_months(f.accepted_on, self.r.review_months)
                if scenario == "EXITED":
                    f.status, f.review_due_on = HardshipStatus.EXITED, None
                    f.exited_on = min(f.accepted_on + rng.randint(90, 500) * DAY, on)
                    f.exit_kind = rng.choice(["NOT_ELIGIBLE", "NOT_ELIGIBLE", "LEFT", "OWN_REQUEST"])
                    f.exit_reason = {"NOT_ELIGIBLE": "家庭收入增加，不再符合条件", "LEFT": "调离本单位",
                                     "OWN_REQUEST": "本人申请退出"}[f.exit_kind]
        HardshipFile.objects.bulk_create([x[0] for x in plans], batch_size=1000)
        household, income_rows, cost_rows, reviews, helps, overdue = [], [], [], [], [], 0
        for f, scenario, a, created, p, incomes, costs in plans:
            household.append(HouseholdMember(file_id=f.pk, name=p.name, relation="SELF", birth_year=p.birth_on.year,
                                             health=rng.choice(HEALTH), work="企业职工"))
            for i in range(f.household_size - 1):
                relation = "SPOUSE" if i == 0 else rng.choice(["CHILD", "CHILD", "PARENT"])
                birth = {"SPOUSE": p.birth_on.year + rng.randint(-3, 3), "CHILD": rng.randint(2005, 2020),
                         "PARENT": p.birth_on.year - rng.randint(22, 32)}[relation]
                household.append(HouseholdMember(file_id=f.pk, name=self._name(), relation=relation,
                                                 birth_year=max(1920, birth), health=rng.choice(HEALTH),
                                                 work=rng.choice(WORK[relation])))
            income_rows += [IncomeLine(file_id=f.pk, kind=k, annual_amount=v) for k, v in incomes]
            cost_rows += [CostLine(file_id=f.pk, kind=k, annual_amount=v) for k, v in costs]
            if scenario == "REJECTED":
                reviews.append(HardshipReview(file_id=f.pk, outcome="REJECTED", reviewed_on=created + 10 * DAY,
                                              per_capita_monthly=a.per_capita_monthly, note=f.exit_reason))
            if f.accepted_on:
                reviews.append(HardshipReview(file_id=f.pk, outcome="ACCEPTED", reviewed_on=f.accepted_on,
                                              category=a.category, per_capita_monthly=a.per_capita_monthly))
                if f.status == HardshipStatus.ACTIVE and f.review_due_on < on and rng.random() < 0.6:
                    day = f.review_due_on + rng.randint(0, 20) * DAY
                    reviews.append(HardshipReview(file_id=f.pk, outcome="KEPT", reviewed_on=min(day, on),
                                                  category=a.category, per_capita_monthly=a.per_capita_monthly,
                                                  note="年度复核，家庭情况无明显变化"))
                    f.review_due_on = add_months(min(day, on), self.r.review_months)
                if f.status == HardshipStatus.EXITED:
                    reviews.append(HardshipReview(file_id=f.pk, outcome="EXITED", reviewed_on=f.exited_on,
                                                  note=f.exit_reason))
                if f.status == HardshipStatus.ACTIVE:
                    overdue += f.review_due_on < on
                    visit = datetime.date(on.year, 1, 20) + rng.randint(0, 15) * DAY
                    if visit >= f.accepted_on:
                        helps.append(HelpRecord(person_id=f.person_id, file_id=f.pk, org_id=f.org_id, kind="VISIT",
                                                source_key=f"welfare.HardshipFile:{f.pk}:demo-visit",
                                                source_label="春节走访慰问",
                                                amount=Decimal(rng.choice([300, 500, 800])),
                                                goods=rng.choice(["", "大米、食用油", "慰问品"]), given_on=visit))
        HardshipFile.objects.bulk_update([x[0] for x in plans], ["review_due_on"], batch_size=1000)
        HouseholdMember.objects.bulk_create(household, batch_size=2000)
        IncomeLine.objects.bulk_create(income_rows, batch_size=2000)
        CostLine.objects.bulk_create(cost_rows, batch_size=2000)
        HardshipReview.objects.bulk_create(reviews, batch_size=2000)
        HelpRecord.objects.bulk_create(helps, batch_size=2000)
        for year, last in counters.items():
            HardshipNumberCounter.objects.update_or_create(year=year, defaults={"last": last})
        # Help the earlier welfare areas recorded for these people belongs on their file.
        attached = 0
        for f, *_rest in plans:
            if f.status == HardshipStatus.ACTIVE:
                attached += HelpRecord.objects.filter(person_id=f.person_id, file__isnull=True).update(file_id=f.pk)
        self.gen.writer.reset_sequences([HardshipFile, HouseholdMember, IncomeLine, CostLine, HardshipReview,
                                         HelpRecord])
        by_status = {}
        for f, *_rest in plans:
            by_status[str(f.status)] = by_status.get(str(f.status), 0) + 1
        return {"files": len(plans), "files_by_status": dict(sorted(by_status.items())),
                "household_members": len(household), "income_lines": len(income_rows), "cost_lines": len(cost_rows),
                "reviews": len(reviews), "reviews_overdue": overdue, "visits": len(helps),
                "help_records_attached": attached}


def seed(gen) -> dict:
    return HardshipDemo(gen).write()
