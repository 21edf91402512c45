"""Demo rows of the `facilities` area of services: facility requests of grassroots unions in
town1 (城厢), town2 (北干) and other towns (small: two more; district: every town), of every kind
and status — submitted (one overdue in town1), approved, rejected, being set up with a partner,
open (most rated), closed, withdrawn — over the last year and this year; union1 has several.
Numbers SS<year>-NNNN with the counters set after them; decision due in working days."""

import datetime
import random

from django.utils import timezone

from gonghui.core import workdays
from gonghui.orgs.models import Enterprise, Org, OrgLevel
from gonghui.services.models.facilities import FacilityCounter, FacilityKind, FacilityRequest, FacilityStatus
from gonghui.services.rules.facilities import rules

MODELS = (FacilityCounter, FacilityRequest)
DAY = datetime.timedelta(days=1)
TITLES = {
    FacilityKind.MINI_SHOP: ("职工爱心超市", "附近3公里内没有商店，夜班职工购物不便。", "浙江某连锁便利店"),
    FacilityKind.CANTEEN: ("园区职工食堂", "周边无餐饮，职工每天午餐需外出5公里。", "萧山某餐饮管理公司"),
    FacilityKind.BATH: ("职工浴室", "高温作业岗位多，宿舍无洗浴条件。", "企业后勤外包单位"),
    FacilityKind.BARBER: ("职工理发室", "外来务工人员集中居住，周边无理发店。", "个体理发师（签约）"),
    FacilityKind.ATM: ("园区ATM机", "最近的银行网点在5公里外，发薪日取款排长队。", "萧山农商银行"),
    FacilityKind.BUS_STOP: ("园区公交站点", "园区无公交线路，职工上下班依赖步行或电动车。", "萧山公交公司"),
    FacilityKind.OTHER: ("快递收发点", "园区偏远，快递无法送达。", "邮政速递萧山分公司"),
}
PLAN = [FacilityStatus.OPEN, FacilityStatus.OPEN, FacilityStatus.IN_PROGRESS, FacilityStatus.APPROVED,
        FacilityStatus.SUBMITTED, FacilityStatus.REJECTED, FacilityStatus.CLOSED, FacilityStatus.WITHDRAWN,
        FacilityStatus.SUBMITTED, FacilityStatus.OPEN]


def seed(gen) -> dict:
    from gonghui.core.demo.generator import TOWN1, TOWN2

    rng = random.Random(gen.seed * 6151 + 7)
    small = gen.scale.name == "small"
    today = timezone.localdate()
    first = [gen.town_by_name[TOWN1].id, gen.town_by_name[TOWN2].id]
    others = [t.id for t in gen.towns if t.id not in first]
    town_ids = first + (rng.sample(others, min(2, len(others))) if small else others)
    towns = Org.objects.in_bulk(town_ids)
    union1 = Org.objects.get(pk=gen.union1.id)
    kinds = list(FacilityKind.values)
    numbers, rows = {}, []
    for ti, town_id in enumerate(town_ids):
        town = towns[town_id]
        ids = list(Org.objects.filter(path__startswith=town.path, level=OrgLevel.GRASSROOTS, is_active=True)
                   .order_by("path").values_list("pk", flat=True)[:300])
        picked = rng.sample(ids, min(len(PLAN) if small else 12, len(ids)))
        unions = list(Org.objects.filter(pk__in=picked).order_by("path"))
        if not unions:
            continue
        unions = [unions[j % len(unions)] for j in range(len(PLAN) if small else 12)]
        if ti == 0:
            unions = [union1] * 3 + [u for u in unions if u.pk != union1.pk]
        firms = {}
        for pk, union_id, address in Enterprise.objects.filter(union__in=unions).values_list("pk", "union_id",
                                                                                          "address"):
            firms.setdefault(union_id, (pk, address))
        for k, union in enumerate(unions):
            status = PLAN[k % len(PLAN)]
            kind = kinds[(k + ti) % len(kinds)]
            title, why, partner = TITLES[kind]
            if status == FacilityStatus.SUBMITTED:
                submitted = today - (rng.randint(20, 30) if ti == 0 and k == 4 else rng.randint(0, 5)) * DAY
            else:
                submitted = today - rng.randint(60, 400) * DAY
            firm = firms.get(union.pk)
            r = FacilityRequest(org=union, town=town, enterprise_id=firm[0] if firm else None, kind=kind,
                                title=title, location=(firm[1] if firm and firm[1] else f"{town.name}工业园区"),
                                workers_served=rng.randint(40, 900), justification=why, status=status,
                                submitted_on=submitted,
                                decide_due_on=workdays.add_working_days(submitted, rules().decide_within_working_days))
            n = numbers.get(submitted.year, 0) + 1
            numbers[submitted.year] = n
            r.number = f"{rules().number_prefix}{submitted.year}-{n:04d}"
            if status not in (FacilityStatus.SUBMITTED, FacilityStatus.WITHDRAWN):
                r.decided_on = min(submitted + rng.randint(2, 12) * DAY, today)
            if status == FacilityStatus.REJECTED:
                r.reject_reason = "选址不符合规划要求，建议与园区管委会协调后重新申请。"
            if status == FacilityStatus.WITHDRAWN:
                r.reject_reason = "企业已自行解决。"
            if status in (FacilityStatus.IN_PROGRESS, FacilityStatus.OPEN, FacilityStatus.CLOSED):
                r.partner, r.partner_contact = partner, f"联系人 {gen.person_name('M')}"
                r.planned_open_on = (today + rng.randint(10, 90) * DAY if status == FacilityStatus.IN_PROGRESS
                                     else r.decided_on + rng.randint(20, 40) * DAY)
            if status in (FacilityStatus.OPEN, FacilityStatus.CLOSED):
                r.opened_on = min(r.planned_open_on, today - DAY)
                if rng.random() < 0.8:
                    r.rating, r.rating_comment = rng.choice([4, 5, 5, 3]), "方便了职工生活"
            if status == FacilityStatus.CLOSED:
                r.closed_on = min(r.opened_on + rng.randint(30, 200) * DAY, today)
                r.close_reason = "企业搬迁，设施撤除。"
            rows.append(r)
    FacilityRequest.objects.bulk_create(rows, batch_size=1000)
    FacilityCounter.objects.bulk_create([FacilityCounter(year=y, last=n) for y, n in numbers.items()])
    return {"requests": len(rows)}
