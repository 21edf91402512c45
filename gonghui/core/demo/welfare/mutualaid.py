"""Demo 职工医疗互助保障 (welfare `mutualaid` area): the district's plans of 2025 (closed), 2026
(open: claims go on) and 2027 (open for enrolment now), batches of union1, of unions of town1
(城厢街道) and town2 (北干街道) and of unions of other towns (at district scale about one union in
twelve), most paid, a few unpaid; claims of the covered people at every stage (drafts, waiting for
the town, waiting for the district, approved, paid, rejected, withdrawn), amounts by the plan's
rules cut to the caps, the payout ledger and the people's help records (as `record_help` writes
them). member1 is covered in 2026 with a paid claim.

Rows are written in bulk as the services would have written them; dates are fixed around `ON`
(2026-11-30). Claims in review or paid carry a shared demo PDF (drafts have none).
"""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.welfare.models.hardship import HardshipFile, HelpRecord
from gonghui.welfare.models.mutualaid import (
    ClaimDocument,
    ClaimInvoice,
    ClaimPayout,
    MutualAidClaim,
    MutualAidCoverage,
    MutualAidEnrolment,
    MutualAidPlan,
)

ON = datetime.date(2026, 11, 30)
DAY = datetime.timedelta(days=1)
MODELS = (MutualAidPlan, MutualAidEnrolment, MutualAidCoverage, MutualAidClaim, ClaimInvoice, ClaimDocument,
          ClaimPayout)
CENT = Decimal("0.01")
HOSPITALS = ["杭州市萧山区第一人民医院", "杭州市萧山区中医院", "浙江大学医学院附属第二医院", "杭州市第一人民医院",
             "萧山区第三人民医院", "城厢街道社区卫生服务中心", "浙江省人民医院"]
DIAGNOSES_H = ["急性阑尾炎", "腰椎间盘突出症", "肺炎", "胆囊结石", "骨折（左桡骨远端）", "冠心病", "糖尿病酮症",
               "脑梗死", "高血压3级", "急性胰腺炎"]
DIAGNOSES_S = ["恶性肿瘤（肺）", "恶性肿瘤（乳腺）", "尿毒症", "急性心肌梗死", "脑中风后遗症"]
REJECTS = ["发票为门诊费用，不属于住院补助范围", "入院日期在保障期开始之前", "材料不全，经联系未补充"]
DOC_NAME = "welfare/mutualaid/demo/demo-discharge-summary.pdf"
DOC_BYTES = b"%PDF-1.4\n% demo discharge summary\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# (status, weight) of the 2026 claims
STAGES = [("DRAFT", 2), ("SUBMITTED", 4), ("REVIEWED", 3), ("APPROVED", 2), ("PAID", 8), ("REJECTED", 1),
          ("WITHDRAWN", 1)]


def _plans(district_id):
    def plan(year, status, enrol_from, enrol_until):
        return MutualAidPlan(
            org_id=district_id, year=year, name=f"{year}年度职工医疗互助保障", premium=Decimal("30.00"),
            enrol_from=enrol_from, enrol_until=enrol_until, coverage_starts=datetime.date(year, 1, 1),
            coverage_ends=datetime.date(year, 12, 31), hospital_deductible=Decimal("500.00"),
            hospital_ratio=Decimal("0.50"), hospital_cap=Decimal("20000.00"), serious_sum=Decimal("10000.00"),
            serious_cap=Decimal("10000.00"), overall_cap=Decimal("30000.00"), status=status,
            note="住院补助：合规费用扣除起付线后按50%补助；重大疾病一次性补助。")
    return [plan(2025, "CLOSED", datetime.date(2024, 11, 1), datetime.date(2025, 3, 31)),
            plan(2026, "OPEN", datetime.date(2025, 11, 1), datetime.date(2026, 3, 31)),
            plan(2027, "OPEN", datetime.date(2026, 11, 1), datetime.date(2027, 3, 31))]


class MutualAidDemo:
    def __init__(self, gen, *, on=ON):
        self.gen, self.on = gen, on
        self.rng = random.Random(gen.seed * 7907 + 97)
        self.small = gen.scale.name == "small"
        self.n = 0

    def unions(self):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        gen = self.gen
        town_ids = {gen.town_by_name[name].id for name in (TOWN1, TOWN2)}
        anchored = [u for u in gen.unions if u is not gen.union1 and u.town is not None and u.town.id in town_ids]
        others = [u for u in gen.unions if u is not gen.union1 and u not in anchored]
        if self.small:
            return [gen.union1, *anchored[:10], *others[:6]]
        return [gen.union1, *anchored[:40], *[u for i, u in enumerate(others) if i % 12 == 0]]

    def members(self, unions):
        cap = 60 if self.small else 150
        rows = (Membership.objects.filter(union_id__in=[u.id for u in unions], status__in=LIVE_STATUSES)
                .order_by("union_id", "id").values_list("union_id", "person_id"))
        chosen, seen = {}, set()
        for union_id, person_id in rows.iterator(chunk_size=5000):
            got = chosen.setdefault(union_id, [])
            if len(got) < cap and person_id not in seen:
                got.append(person_id)
                seen.add(person_id)
        member1 = self.gen.member1
        if member1 and member1 not in seen and self.gen.union1.id in chosen:
            chosen[self.gen.union1.id].append(member1)
        return chosen

    @staticmethod
    def _at(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))

    def _number(self, year):
        self.n += 1
        return f"MA{year}-{self.n:05d}"

    def _amount(self, plan, kind, eligible):
        if kind == "SERIOUS":
            return plan.serious_sum
        return (max(eligible - plan.hospital_deductible, Decimal(0)) * plan.hospital_ratio).quantize(
            CENT, rounding=ROUND_HALF_UP)

    def write(self):
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        gen, rng = self.gen, self.rng
        district_id = gen.root.id
        plans = _plans(district_id)
        MutualAidPlan.objects.bulk_create(plans)
        by_year = {p.year: p for p in plans}
        unions = self.unions()
        people = self.members(unions)
        # batches: 2025 and 2026 one per union (2026: one in eight unpaid), 2027 one union in three so far
        enrolments, cov_rows = [], []
        for u in unions:
            ids = people.get(u.id, [])
            if not ids:
                continue
            town_id = u.town.id if u.town else None
            for year in (2025, 2026, 2027):
                if year == 2027 and rng.random() > 0.35 and u is not gen.union1:
                    continue
                p = by_year[year]
                unpaid = (year == 2026 and u is not gen.union1 and rng.random() < 0.12) or \
                    (year == 2027 and rng.random() < 0.6)
                paid_on = None if unpaid else p.enrol_from + rng.randint(5, 100) * DAY
                if paid_on and paid_on > self.on:
                    paid_on = self.on
                e = MutualAidEnrolment(plan=p, union_id=u.id, town_id=town_id, people=len(ids),
                                       amount_due=(p.premium * len(ids)).quantize(CENT),
                                       status="UNPAID" if unpaid else "PAID", paid_on=paid_on,
                                       payment_reference="" if unpaid else f"ZH{year}{rng.randint(100000, 999999)}")
                enrolments.append(e)
                cov_rows.append((e, ids))
        MutualAidEnrolment.objects.bulk_create(enrolments, batch_size=1000)
        coverages = []
        for e, ids in cov_rows:
            start = max(e.plan.coverage_starts, e.paid_on) if e.paid_on else None
            coverages.extend(MutualAidCoverage(plan=e.plan, enrolment=e, person_id=pid, union_id=e.union_id,
                                               effective_from=start) for pid in ids)
        MutualAidCoverage.objects.bulk_create(coverages, batch_size=2000)
        covered = [c for c in coverages if c.effective_from and c.plan.year in (2025, 2026)]
        # claims: about 4 % of the covered people of 2025 and 2026 (30 % at small scale; member1 among them)
        share = 0.3 if self.small else 0.04
        union1_stages = [s for s, _w in STAGES] * 2  # union1 shows every stage
        chosen = [c for c in covered if rng.random() < share or (c.person_id == gen.member1 and c.plan.year == 2026)]
        town_of = {e.union_id: e.town_id for e in enrolments}
        claims, invoices, docs, payouts, helps, touched = [], [], [], [], [], {}
        if not default_storage.exists(DOC_NAME):
            default_storage.save(DOC_NAME, ContentFile(DOC_BYTES))
        for cov in chosen:
            plan = cov.plan
            if plan.year == 2025:
                stage = "PAID" if rng.random() < 0.9 else "REJECTED"
            elif cov.person_id == gen.member1:
                stage = "PAID"
            elif cov.union_id == gen.union1.id and union1_stages:
                stage = union1_stages.pop(0)
            else:
                total = sum(w for _s, w in STAGES)
                x, stage = rng.uniform(0, total), STAGES[-1][0]
                for s, w in STAGES:
                    x -= w
                    if x <= 0:
                        stage = s
                        break
            kind = "SERIOUS" if rng.random() < 0.12 else "HOSPITAL"
            last = min(plan.coverage_ends, self.on - 3 * DAY)
            span = (last - cov.effective_from).days
            if span < 10:
                continue
            admitted = cov.effective_from + rng.randint(0, span - 8) * DAY
            discharged = admitted if kind == "SERIOUS" else admitted + rng.randint(2, 14) * DAY
            if plan.year == 2026 and (self.on - discharged).days > 170 and stage in ("DRAFT", "SUBMITTED"):
                admitted = self.on - rng.randint(20, 60) * DAY
                discharged = admitted if kind == "SERIOUS" else admitted + rng.randint(2, 10) * DAY
            total_cost = Decimal(rng.randint(3000, 60000)).quantize(CENT)
            eligible = (total_cost * Decimal(rng.randint(55, 85)) / 100).quantize(CENT)
            number = self._number(plan.year)
            nums = [f"33{plan.year % 100}{self.n:06d}{i}{rng.randint(100, 999)}" for i in range(rng.randint(1, 3))]
            c = MutualAidClaim(number=number, plan=plan, coverage=cov, person_id=cov.person_id, union_id=cov.union_id,
                               town_id=town_of.get(cov.union_id), kind=kind, hospital=rng.choice(HOSPITALS),
                               admitted_on=admitted, discharged_on=discharged,
                               diagnosis=rng.choice(DIAGNOSES_S if kind == "SERIOUS" else DIAGNOSES_H),
                               invoice_numbers=" ".join(nums), total_cost=total_cost, eligible_cost=eligible,
                               status=stage)
            if stage in ("APPROVED", "PAID"):
                computed = self._amount(plan, kind, eligible)
                key = cov.pk
                t = touched.setdefault(key, cov)
                left = min((plan.hospital_cap - t.hospital_approved) if kind == "HOSPITAL" else
                           (plan.serious_cap - t.serious_approved), plan.overall_cap - t.total_approved)
                amount = min(computed, left)
                if amount <= 0:
                    c.status = stage = "REJECTED"
                    c.reject_reason = "本年度补助已达封顶线"
                else:
                    c.computed_amount, c.approved_amount = computed, amount
                    if kind == "HOSPITAL":
                        t.hospital_approved += amount
                    else:
                        t.serious_approved += amount
                    t.total_approved += amount
            if stage == "REJECTED" and not c.reject_reason:
                c.reject_reason = rng.choice(REJECTS)
            if stage != "DRAFT":  # the stage clocks (the dashboard's overdue line reads them)
                day = min(discharged + rng.randint(1, 6) * DAY, self.on)
                c.submitted_at = self._at(day)
                if stage in ("REVIEWED", "APPROVED", "PAID", "REJECTED"):
                    day = min(day + rng.randint(1, 5) * DAY, self.on)
                    c.reviewed_at = self._at(day) if stage != "REJECTED" or rng.random() < 0.5 else None
                if stage in ("APPROVED", "PAID", "REJECTED"):
                    c.decided_at = self._at(min(day + rng.randint(1, 5) * DAY, self.on))
            if stage not in ("DRAFT",):
                c.review_note = "材料齐全，情况属实" if stage in ("REVIEWED", "APPROVED", "PAID") else ""
            claims.append(c)
            invoices.extend((c, n) for n in nums)
        MutualAidClaim.objects.bulk_create(claims, batch_size=1000)
        invoices = [ClaimInvoice(claim=c, number=n, live=c.status not in ("REJECTED", "WITHDRAWN"))
                    for c, n in invoices]
        docs = [ClaimDocument(claim=c, file=DOC_NAME, name="出院小结及发票.pdf", kind="pdf", size=len(DOC_BYTES))
                for c in claims if c.status != "DRAFT"]
        ClaimInvoice.objects.bulk_create(invoices, batch_size=2000)
        ClaimDocument.objects.bulk_create(docs, batch_size=2000)
        MutualAidCoverage.objects.bulk_update(list(touched.values()),
                                              ["hospital_approved", "serious_approved", "total_approved"],
                                              batch_size=1000)
        for c in claims:
            if c.status == "PAID":
                paid_on = min(c.discharged_on + rng.randint(20, 60) * DAY, self.on)
                payouts.append(ClaimPayout(claim=c, amount=c.approved_amount, paid_on=paid_on,
                                           reference=f"FK{paid_on:%Y%m%d}{c.pk:05d}"))
        ClaimPayout.objects.bulk_create(payouts, batch_size=1000)
        files = dict(HardshipFile.objects.filter(status="ACTIVE", person_id__in=[p.claim.person_id for p in payouts])
                     .values_list("person_id", "pk"))  # when the hardship demo ran first
        for p in payouts:
            helps.append(HelpRecord(person_id=p.claim.person_id, file_id=files.get(p.claim.person_id),
                                    org_id=district_id, kind="MUTUAL_AID",
                                    source_key=f"welfare.ClaimPayout:{p.pk}",
                                    source_label=f"职工医疗互助保障 {p.claim.number}", amount=p.amount,
                                    given_on=p.paid_on))
        HelpRecord.objects.bulk_create(helps, batch_size=1000)
        self.gen.writer.reset_sequences(list(MODELS))
        by_status = {}
        for c in claims:
            by_status[c.status] = by_status.get(c.status, 0) + 1
        return {"plans": len(plans), "enrolments": len(enrolments), "coverages": len(coverages),
                "claims": len(claims), "claims_by_status": dict(sorted(by_status.items())), "payouts": len(payouts)}


def seed(gen) -> dict:
    return MutualAidDemo(gen).write()
