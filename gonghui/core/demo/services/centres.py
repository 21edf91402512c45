"""Demo rows of the `centres` area of services: a worker service centre in the district and in
towns (small: town1 城厢, town2 北干 and two others; district: every town and platform), the
catalogue (district items of every category, two items of each town), orders of grassroots
unions in every status over the last year and this year (a few overdue for town1's cadres, several
of union1's), and projects of each centre with deliveries to unions and their ratings.

Rows the services would accept: numbers FW<year>-NNNN per year with the counters set after them,
acceptance due in working days, delivery dates between submission and today, ratings 1–5 only
on rated orders, deliveries inside the project's period. Bulk writes."""

import datetime
import random

from django.utils import timezone

from gonghui.core import workdays
from gonghui.orgs.models import Enterprise, Org, OrgLevel
from gonghui.services.models.centres import (
    DeliveredBy,
    Delivery,
    OrderStatus,
    ProjectDelivery,
    ProjectRating,
    ProjectStatus,
    ServiceCategory,
    ServiceCentre,
    ServiceItem,
    ServiceOrder,
    ServiceOrderCounter,
    ServiceProject,
)
from gonghui.services.rules.centres import rules

MODELS = (ServiceOrderCounter, ServiceCentre, ServiceItem, ServiceOrder, ServiceProject, ProjectDelivery,
          ProjectRating)
DAY = datetime.timedelta(days=1)

DISTRICT_ITEMS = [
    ("劳动法律咨询进企业", ServiceCategory.LEGAL, Delivery.BOTH),
    ("劳动争议调解指导", ServiceCategory.LEGAL, Delivery.ORDER),
    ("职工心理健康讲座", ServiceCategory.PSYCHOLOGY, Delivery.BOTH),
    ("一对一心理疏导", ServiceCategory.PSYCHOLOGY, Delivery.ORDER),
    ("春风行动招聘会", ServiceCategory.EMPLOYMENT, Delivery.PROJECT),
    ("职业指导进车间", ServiceCategory.EMPLOYMENT, Delivery.ORDER),
    ("职工健康体检进企业", ServiceCategory.HEALTH, Delivery.BOTH),
    ("送文艺演出进企业", ServiceCategory.CULTURE, Delivery.BOTH),
    ("职工趣味运动会", ServiceCategory.CULTURE, Delivery.PROJECT),
    ("技能培训送教上门", ServiceCategory.SKILLS, Delivery.BOTH),
    ("困难职工走访慰问", ServiceCategory.HARDSHIP, Delivery.PROJECT),
    ("职工子女暑期托管", ServiceCategory.OTHER, Delivery.PROJECT),
]
TOWN_ITEMS = [("%s职工法律服务站坐诊", ServiceCategory.LEGAL, Delivery.ORDER),
              ("%s职工书屋流动服务", ServiceCategory.CULTURE, Delivery.BOTH)]
PLACES = ["企业会议室", "职工食堂", "生产车间", "职工之家", "厂区广场"]
PARTNERS = ["浙江某律师事务所", "萧山区第一人民医院", "区心理咨询协会", "萧山人力资源市场", "区职工艺术团"]
COMMENTS = ["服务很及时，职工反映好", "内容实用", "希望多来几次", "时间安排稍紧", ""]


class CentresDemo:
    def __init__(self, gen):
        self.gen = gen
        self.rng = random.Random(gen.seed * 7919 + 91)
        self.small = gen.scale.name == "small"
        self.today = timezone.localdate()
        self.numbers = {}

    def number(self, year):
        n = self.numbers.get(year, 0) + 1
        self.numbers[year] = n
        return f"{rules().order_prefix}{year}-{n:04d}"

    def towns(self):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        gen = self.gen
        first = [gen.town_by_name[TOWN1].id, gen.town_by_name[TOWN2].id]
        others = [t.id for t in gen.towns if t.id not in first]
        if self.small:
            others = self.rng.sample(others, min(2, len(others)))
        ids = first + others
        by_id = Org.objects.in_bulk(ids)
        return [by_id[i] for i in ids]

    def unions_of(self, town, n):
        ids = list(Org.objects.filter(path__startswith=town.path, level=OrgLevel.GRASSROOTS, is_active=True)
                   .order_by("path").values_list("pk", flat=True)[:400])
        picked = self.rng.sample(ids, min(n, len(ids)))
        return list(Org.objects.filter(pk__in=picked).order_by("path"))

    def seed(self) -> dict:
        district = Org.objects.get(pk=self.gen.root.id)
        towns = self.towns()
        centres = [ServiceCentre(org=district, name="萧山区职工服务中心", address="萧山区市心中路1号",
                                 phone="0571-82610000", hours="工作日 8:30–17:00", manager="陈主任",
                                 description="法律援助、心理咨询、就业服务、困难帮扶等一站式服务。")]
        for t in towns:
            short = t.short_name or t.name.replace("总工会", "")
            centres.append(ServiceCentre(org=t, name=f"{short}职工服务中心",
                                         address=f"{short}人民路{self.rng.randint(1, 200)}号",
                                         phone=f"0571-8{self.rng.randint(1000000, 9999999)}",
                                         hours="工作日 8:30–17:00，周六上午", manager=self.gen.person_name("M"),
                                         description="为辖区企业职工提供法律、心理、就业、文体等服务。"))
        ServiceCentre.objects.bulk_create(centres)
        centres = list(ServiceCentre.objects.filter(org__in=[district, *towns]).select_related("org").order_by("pk"))
        district_centre = centres[0]
        items = [ServiceItem(org=district, name=n, category=c, delivery=d) for n, c, d in DISTRICT_ITEMS]
        for centre in centres[1:]:
            short = centre.name.replace("职工服务中心", "")
            items += [ServiceItem(org=centre.org, centre=centre, name=n % short, category=c, delivery=d)
                      for n, c, d in TOWN_ITEMS]
        items.append(ServiceItem(org=district, name="职工婚恋交友活动（暂停）", category=ServiceCategory.OTHER,
                                 delivery=Delivery.ORDER, is_active=False))
        ServiceItem.objects.bulk_create(items)
        items = list(ServiceItem.objects.filter(is_active=True).order_by("pk"))
        order_items = [i for i in items if i.delivery != Delivery.PROJECT]
        project_items = [i for i in items if i.delivery != Delivery.ORDER]

        def offered(centre, pool):
            return [i for i in pool if i.centre_id == centre.pk or (i.centre_id is None and i.org_id == district.pk)]

        union1 = Org.objects.get(pk=self.gen.union1.id)
        orders, deliveries, ratings, projects = [], [], [], []
        per_town = 12 if self.small else 30
        statuses = [OrderStatus.RATED] * 4 + [OrderStatus.DELIVERED] * 2 + [OrderStatus.ACCEPTED] * 2 + [
            OrderStatus.SUBMITTED] * 2 + [OrderStatus.DECLINED, OrderStatus.CANCELLED]
        by_town_centre = {c.org_id: c for c in centres}
        for t in towns:
            unions = self.unions_of(t, per_town)
            if not unions:
                continue
            unions = [unions[j % len(unions)] for j in range(per_town)]  # small towns: unions order again
            if union1.path.startswith(t.path):  # the demo union orders in every status
                unions = [u for u in unions if u.pk != union1.pk]
                for k in (0, 4, 6, 8, 11):
                    unions.insert(k, union1)
            firms = {}
            for pk, union_id in Enterprise.objects.filter(union__in=unions).values_list("pk", "union_id"):
                firms.setdefault(union_id, pk)
            for k, union in enumerate(unions):
                centre = by_town_centre[t.pk] if self.rng.random() < 0.85 else district_centre
                status = statuses[k % len(statuses)]
                orders.append(self.order(union, centre, offered(centre, order_items), status, firms.get(union.pk),
                                         overdue=(t.pk == towns[0].pk and k % 12 == 9)))
        for centre in centres:
            pool = offered(centre, project_items)
            unions = self.unions_of(centre.org, 4) if centre.org_id != district.pk else self.unions_of(towns[0], 4)
            for k, status in enumerate((ProjectStatus.DONE, ProjectStatus.RUNNING, ProjectStatus.PLANNED,
                                        ProjectStatus.DONE if not self.small else ProjectStatus.CANCELLED)):
                projects.append((self.project(centre, pool[k % len(pool)], status, k), unions))
        for o in orders:
            o.accept_due_on = workdays.add_working_days(o.submitted_on, rules().accept_within_working_days)
        ServiceOrder.objects.bulk_create(orders, batch_size=1000)
        ServiceProject.objects.bulk_create([p for p, _u in projects])
        for p, unions in projects:
            if p.status not in (ProjectStatus.RUNNING, ProjectStatus.DONE) or not unions:
                continue
            last = min(p.ends_on, self.today)
            span = max((last - p.starts_on).days, 0)
            served = set()
            for j in range(3):
                u = unions[j % len(unions)]
                served.add(u.pk)
                deliveries.append(ProjectDelivery(
                    project=p, union=u, delivered_on=p.starts_on + self.rng.randint(0, span) * DAY,
                    place=self.rng.choice(PLACES), people_served=self.rng.randint(15, 120)))
            if p.status == ProjectStatus.DONE:
                ratings += [ProjectRating(project=p, union_id=u, rating=self.rng.choice([3, 4, 4, 5, 5]),
                                          comment=self.rng.choice(COMMENTS)) for u in sorted(served)]
        ProjectDelivery.objects.bulk_create(deliveries)
        ProjectRating.objects.bulk_create(ratings)
        ServiceOrderCounter.objects.bulk_create([ServiceOrderCounter(year=y, last=n) for y, n in self.numbers.items()])
        return {"centres": len(centres), "items": len(items), "orders": len(orders), "projects": len(projects),
                "deliveries": len(deliveries), "ratings": len(ratings)}

    def order(self, union, centre, pool, status, firm, overdue=False):
        rng, today = self.rng, self.today
        if status == OrderStatus.SUBMITTED:
            submitted = today - (rng.randint(6, 12) if overdue else rng.randint(0, 1)) * DAY
        elif status == OrderStatus.ACCEPTED:
            submitted = today - rng.randint(2, 20) * DAY
        else:
            submitted = today - rng.randint(15, 420) * DAY
        wanted = submitted + rng.randint(5, 20) * DAY
        o = ServiceOrder(number=self.number(submitted.year), org=union, centre=centre, item=rng.choice(pool),
                         enterprise_id=firm, place=rng.choice(PLACES), wanted_on=wanted,
                         headcount=rng.randint(10, 150), status=status, submitted_on=submitted,
                         accept_due_on=submitted, note="")
        if status in (OrderStatus.ACCEPTED, OrderStatus.DELIVERED, OrderStatus.RATED):
            partner = rng.random() < 0.4
            o.delivered_by = DeliveredBy.PARTNER if partner else DeliveredBy.STAFF
            o.partner = rng.choice(PARTNERS) if partner else ""
            o.scheduled_on = max(wanted, today) if status == OrderStatus.ACCEPTED else min(wanted, today - DAY)
        if status in (OrderStatus.DELIVERED, OrderStatus.RATED):
            o.delivered_on = min(max(o.scheduled_on, submitted), today)
            o.people_served = max(1, o.headcount - rng.randint(0, 10))
            o.summary = "服务按计划完成。"
        if status == OrderStatus.RATED:
            o.rating = rng.choice([3, 4, 4, 5, 5, 5])
            o.rating_comment = rng.choice(COMMENTS)
        if status == OrderStatus.DECLINED:
            o.decline_reason = "该时段人员已排满，请改期后再下单。"
        if status == OrderStatus.CANCELLED:
            o.cancel_reason = "企业生产任务调整。"
        return o

    def project(self, centre, item, status, k):
        today, rng = self.today, self.rng
        if status == ProjectStatus.DONE:
            starts = today - rng.randint(120, 360) * DAY
            ends = starts + rng.randint(30, 90) * DAY
        elif status == ProjectStatus.RUNNING:
            starts, ends = today - rng.randint(10, 60) * DAY, today + rng.randint(20, 120) * DAY
        else:
            starts = today + rng.randint(5, 40) * DAY
            ends = starts + rng.randint(30, 90) * DAY
        done = status == ProjectStatus.DONE
        return ServiceProject(org=centre.org, centre=centre, item=item,
                              title=f"{item.name}（{starts.year}年第{k + 1}期）", starts_on=starts, ends_on=ends,
                              targets="辖区规上企业及新就业形态劳动者", planned_beneficiaries=rng.randint(100, 800),
                              budget=rng.randint(2, 30) * 5000, status=status,
                              summary="项目按计划完成，职工参与度高。" if done else "",
                              cancel_reason="经费调整" if status == ProjectStatus.CANCELLED else "")


def seed(gen) -> dict:
    return CentresDemo(gen).seed()
