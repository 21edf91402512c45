"""Demo seasonal campaigns (welfare `campaigns` area) on top of the generated district.

Two years of the district's campaigns: 春风行动 (a fixed sum, closed), 高温慰问 (goods, closed, with
goods handed to sites and people), 金秋助学 (sums by school level, closed, most applications paid),
and, open today, 平安返乡 (ticket subsidies up to a cap, migrant workers whose hometown is outside
the province) and an ad-hoc 冬季送温暖 campaign members may apply to themselves. Each campaign has
a budget for the district's pool and for every town; approvals consume the applicant's town's
budget without ever exceeding it (the same rule as the services). Applications come from unions in
every town (城厢街道 and 北干街道 first, union1 among them), in every status of the chain; member1's
person has a paid 金秋助学 application and an open 平安返乡 one, so the member page has data. Paid
applications have their payment (ledger) and the person's help record (on their hardship file when
they have one); goods have theirs. 金秋助学 requires a hardship file, as the real programme does: its
applicants are people with an active file (the hardship demo runs before this one).

Bulk writes: a few queries per campaign (well under a few seconds at district scale).
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from gonghui.members.models import LIVE_STATUSES, Membership, Person
from gonghui.welfare.models.campaigns import (
    ApplicationChannel,
    ApplicationCounter,
    ApplicationStatus,
    BenefitKind,
    Campaign,
    CampaignApplication,
    CampaignBudget,
    CampaignKind,
    CampaignPayment,
    CampaignStatus,
    GoodsDistribution,
    PaymentMethod,
    SchoolLevel,
)
from gonghui.welfare.models.hardship import HardshipFile, HardshipStatus, HelpKind, HelpRecord

MODELS = (Campaign, CampaignBudget, CampaignApplication, CampaignPayment, GoodsDistribution, ApplicationCounter)

SCHOOL = {"HIGH_SCHOOL": "3000.00", "COLLEGE": "4000.00", "UNDERGRADUATE": "5000.00"}
SCHOOLS = {"HIGH_SCHOOL": ["萧山中学", "萧山三中", "萧山第一中等职业学校"],
           "COLLEGE": ["浙江机电职业技术学院", "杭州职业技术学院"],
           "UNDERGRADUATE": ["浙江大学", "浙江工业大学", "杭州师范大学", "安徽大学"]}
CHILD_NAMES = ["子涵", "欣怡", "浩然", "梓萱", "宇轩", "雨桐", "俊杰", "诗琪", "博文", "佳怡"]
ROUTES = ["萧山—贵阳", "萧山—合肥", "萧山—南昌", "萧山—成都", "萧山—信阳", "萧山—重庆"]
REJECTS = ["家庭收入超过标准", "材料不全，请补充后重新申请", "子女已获其他助学资助"]


def _money(x):
    return Decimal(x).quantize(Decimal("0.01"))


def seed(gen) -> dict:
    rng = random.Random(gen.seed * 7919 + 409)
    today = timezone.localdate()
    district_scale = getattr(gen.scale, "name", "small") == "district"
    per_town = 30 if district_scale else 5
    root_id = gen.root.id
    towns = [t for t in gen.towns]
    first = [t for t in towns if t.short_name in ("城厢街道", "北干街道")]
    towns = first + [t for t in towns if t not in first]
    unions_of = {}
    for u in gen.unions:
        if getattr(u, "town", None) is not None:
            unions_of.setdefault(u.town.id, []).append(u.id)
    union_town = {u.id: u.town.id for u in gen.unions if getattr(u, "town", None) is not None}
    member1 = getattr(gen, "member1", None)

    year = today.year
    defs = []
    for y in (year - 1, year):
        defs += [
            dict(kind=CampaignKind.SPRING_BREEZE, year=y, title=f"{y}年春风行动困难职工帮扶",
                 opens_on=datetime.date(y, 1, 10), closes_on=datetime.date(y, 3, 31), benefit=BenefitKind.FIXED,
                 fixed_amount=_money(1000), status=CampaignStatus.CLOSED,
                 description="春节前后走访慰问困难职工，发放帮扶金，举办春风行动招聘会。"),
            dict(kind=CampaignKind.SUMMER_COOLING, year=y, title=f"{y}年夏季高温慰问", opens_on=datetime.date(y, 7, 1),
                 closes_on=datetime.date(y, 8, 31), benefit=BenefitKind.GOODS, fixed_amount=_money(200),
                 goods="防暑降温用品（绿豆、凉茶、毛巾）", status=CampaignStatus.CLOSED,
                 description="走进建筑工地、物流园区、环卫站点，送清凉、送健康。"),
            dict(kind=CampaignKind.GOLDEN_AUTUMN, year=y, title=f"{y}年金秋助学", opens_on=datetime.date(y, 8, 1),
                 closes_on=datetime.date(y, 10, 15), benefit=BenefitKind.BY_SCHOOL_LEVEL, school_amounts=SCHOOL,
                 hardship_required=True, status=CampaignStatus.CLOSED,
                 description="资助困难职工子女就读高中（中职）、大专、本科。"),
        ]
    defs += [
        dict(kind=CampaignKind.SAFE_HOMECOMING, year=year, title=f"{year + 1}年春节平安返乡",
             opens_on=today - datetime.timedelta(days=20), closes_on=today + datetime.timedelta(days=45),
             benefit=BenefitKind.TICKET, fixed_amount=_money(600), migrant_required=True,
             outside_province_required=True, members_apply=True, status=CampaignStatus.OPEN,
             description="外省籍来萧务工人员春节返乡车票补贴，每人最高600元。"),
        dict(kind=CampaignKind.AD_HOC, year=year, title=f"{year}年冬季送温暖",
             opens_on=today - datetime.timedelta(days=7), closes_on=today + datetime.timedelta(days=30),
             benefit=BenefitKind.FIXED, fixed_amount=_money(800),
             members_apply=True, status=CampaignStatus.OPEN, description="入冬送温暖专项慰问。"),
    ]
    campaigns = Campaign.objects.bulk_create([
        Campaign(org_id=root_id, unions_apply=True, member_required=True, **d) for d in defs])

    # Live memberships by town: (person id, union id), people used once per (kind, year).
    live = {}
    wanted = per_town * 6
    for t in towns:
        ids = unions_of.get(t.id, [])
        if not ids:
            continue
        rows = list(Membership.objects.filter(union_id__in=ids, status__in=LIVE_STATUSES)
                    .order_by("person_id").values_list("person_id", "union_id")[: wanted])
        if t.id == getattr(gen.union1, "town", gen.union1).id and member1:
            m1 = Membership.objects.filter(person_id=member1, status__in=LIVE_STATUSES).values_list(
                "person_id", "union_id").first()
            if m1:
                rows = [m1] + [r for r in rows if r[0] != member1]
        live[t.id] = rows
    # 金秋助学 requires a hardship file on record (the hardship demo ran first): its applicants are the
    # people with an ACTIVE file, by town (member1's first when on file).
    files = dict(HardshipFile.objects.filter(status=HardshipStatus.ACTIVE).values_list("person_id", "pk"))
    hard = {}
    for person_id, union_id in (Membership.objects.filter(person_id__in=list(files), status__in=LIVE_STATUSES,
                                                          union_id__in=list(union_town))
                                .order_by("person_id").values_list("person_id", "union_id")):
        rows = hard.setdefault(union_town[union_id], [])
        if all(p != person_id for p, _u in rows):
            rows.insert(0, (person_id, union_id)) if person_id == member1 else rows.append((person_id, union_id))
    migrants = set(Person.objects.filter(pk__in=[p for rows in live.values() for p, _u in rows], is_migrant=True)
                   .exclude(hometown_province__in=("", "浙江省")).values_list("pk", flat=True))

    counters = {}
    budgets, apps, payments, goods, helps = [], [], [], [], []
    n_budget = {}
    for c in campaigns:
        per_person = c.fixed_amount if c.benefit != BenefitKind.BY_SCHOOL_LEVEL else Decimal("5000")
        pool = CampaignBudget(campaign=c, org_id=root_id, allocated=_money(per_person * 10))
        budgets.append(pool)
        town_budgets = {}
        for t in towns:
            share = Decimal(str(round(rng.uniform(0.8, 1.1), 2)))
            b = CampaignBudget(campaign=c, org_id=t.id, allocated=_money(per_person * per_town * share))
            town_budgets[t.id] = b
            budgets.append(b)
        n_budget[c.pk] = town_budgets
        for t in towns:
            rows = hard.get(t.id, []) if c.hardship_required else live.get(t.id, [])
            if not rows:
                continue
            b = town_budgets[t.id]
            count = 0
            for person_id, union_id in rows:
                if count >= per_town:
                    break
                if c.benefit == BenefitKind.TICKET and person_id not in migrants:
                    continue
                is_member1 = person_id == member1
                if c.kind == CampaignKind.SPRING_BREEZE and is_member1:
                    continue
                count += 1
                details = {}
                amount = c.fixed_amount
                if c.benefit == BenefitKind.BY_SCHOOL_LEVEL:
                    level = rng.choice(list(SCHOOL))
                    details = {"child_name": rng.choice("王李张刘陈杨黄赵周吴") + rng.choice(CHILD_NAMES),
                               "child_school": rng.choice(SCHOOLS[level]), "school_level": level}
                    amount = _money(SCHOOL[level])
                if c.benefit == BenefitKind.TICKET:
                    cost = _money(rng.randint(250, 900))
                    details = {"route": rng.choice(ROUTES), "ticket_cost": cost}
                    amount = min(cost, c.fixed_amount)
                if c.status == CampaignStatus.CLOSED:
                    status = rng.choices([ApplicationStatus.PAID, ApplicationStatus.REJECTED,
                                          ApplicationStatus.WITHDRAWN], [85, 10, 5])[0]
                else:
                    status = rng.choices([ApplicationStatus.SUBMITTED, ApplicationStatus.TOWN_REVIEWED,
                                          ApplicationStatus.APPROVED, ApplicationStatus.PAID, ApplicationStatus.DRAFT,
                                          ApplicationStatus.REJECTED], [30, 25, 15, 15, 10, 5])[0]
                if is_member1:
                    status = (ApplicationStatus.PAID if c.status == CampaignStatus.CLOSED
                              else ApplicationStatus.SUBMITTED)
                consumes = status in (ApplicationStatus.APPROVED, ApplicationStatus.PAID)
                if consumes and b.approved + amount > b.allocated:
                    status = ApplicationStatus.TOWN_REVIEWED if c.status == CampaignStatus.OPEN else \
                        ApplicationStatus.REJECTED
                    consumes = False
                counters[c.year] = counters.get(c.year, 0) + 1
                submitted = datetime.datetime.combine(
                    min(c.opens_on + datetime.timedelta(days=rng.randint(0, 20)), today), datetime.time(9, 30),
                    tzinfo=datetime.UTC)
                x = CampaignApplication(
                    number=f"JZ{c.year}-{counters[c.year]:04d}", campaign=c, kind=c.kind, year=c.year,
                    person_id=person_id, union_id=union_id, town_id=union_town.get(union_id),
                    channel=ApplicationChannel.SELF if (c.members_apply and rng.random() < 0.3)
                    else ApplicationChannel.UNION, status=status, amount=amount,
                    submitted_at=None if status == ApplicationStatus.DRAFT else submitted, **details)
                if status in (ApplicationStatus.TOWN_REVIEWED, ApplicationStatus.APPROVED, ApplicationStatus.PAID):
                    x.reviewed_at = submitted + datetime.timedelta(days=rng.randint(1, 6))
                    x.review_note = rng.choice(["情况属实", "经核实符合条件", ""])
                if consumes:
                    x.approved_at = submitted + datetime.timedelta(days=rng.randint(7, 14))
                    x.budget = b
                    b.approved += amount
                if status == ApplicationStatus.REJECTED:
                    x.rejected_at = submitted + datetime.timedelta(days=rng.randint(2, 10))
                    x.reject_reason = rng.choice(REJECTS)
                if status == ApplicationStatus.WITHDRAWN:
                    x.withdrawn_at = submitted + datetime.timedelta(days=2)
                apps.append((x, b, status == ApplicationStatus.PAID))

    CampaignBudget.objects.bulk_create(budgets)
    for x, _b, _paid in apps:
        x.budget_id = x.budget.pk if x.budget is not None else None
    CampaignApplication.objects.bulk_create([x for x, _b, _p in apps])
    for x, b, paid in apps:
        if not paid:
            continue
        given_on = min((x.approved_at + datetime.timedelta(days=rng.randint(3, 10))).date(), today)
        b.paid += x.amount
        if x.campaign.benefit == BenefitKind.GOODS:
            goods.append(GoodsDistribution(campaign=x.campaign, org_id=b.org_id, application=x, person_id=x.person_id,
                                           items=x.campaign.goods, quantity=1, value=x.amount, given_on=given_on,
                                           budget=b))
        else:
            payments.append(CampaignPayment(application=x, amount=x.amount, paid_on=given_on,
                                            method=rng.choice([PaymentMethod.BANK] * 3 + [PaymentMethod.CARD,
                                                                                          PaymentMethod.CASH]),
                                            reference=f"ZH{x.year}{rng.randint(100000, 999999)}"))
    # 高温慰问 visits to sites: goods to enterprises and building sites, from each town's budget.
    sites = ["建筑工地", "物流园区", "环卫站", "快递网点", "公交场站"]
    for c in campaigns:
        if c.benefit != BenefitKind.GOODS:
            continue
        for t in towns[: 8 if district_scale else 4]:
            b = n_budget[c.pk][t.id]
            value = _money(rng.randint(8, 20) * 100)
            if b.approved + value > b.allocated:
                continue
            b.approved += value
            b.paid += value
            goods.append(GoodsDistribution(campaign=c, org_id=t.id, site=f"{t.short_name}{rng.choice(sites)}",
                                           items="西瓜、绿豆汤、藿香正气水", quantity=rng.randint(30, 120), value=value,
                                           given_on=datetime.date(c.year, 7, rng.randint(5, 28)), budget=b))
    CampaignBudget.objects.bulk_update(budgets, ["approved", "paid"])
    payments = CampaignPayment.objects.bulk_create(payments)
    goods = GoodsDistribution.objects.bulk_create(goods)
    for p in payments:
        x = p.application
        helps.append(HelpRecord(person_id=x.person_id, file_id=files.get(x.person_id), org_id=x.budget.org_id,
                                kind=HelpKind.CAMPAIGN,
                                source_key=f"welfare.CampaignPayment:{p.pk}", source_label=x.campaign.title[:120],
                                amount=p.amount, given_on=p.paid_on))
    for g in goods:
        if g.person_id:
            helps.append(HelpRecord(person_id=g.person_id, file_id=files.get(g.person_id), org_id=g.org_id,
                                    kind=HelpKind.CAMPAIGN,
                                    source_key=f"welfare.GoodsDistribution:{g.pk}", source_label=g.campaign.title[:120],
                                    amount=g.value, goods=g.items[:200], given_on=g.given_on))
    HelpRecord.objects.bulk_create(helps, batch_size=2000)
    ApplicationCounter.objects.bulk_create([ApplicationCounter(year=y, last=n) for y, n in counters.items()])
    return {"campaigns": len(campaigns), "budgets": len(budgets), "applications": len(apps),
            "payments": len(payments), "goods": len(goods), "help_records": len(helps),
            "levels": len(SchoolLevel.values)}
