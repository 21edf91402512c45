"""Demo model-worker registry (honours `modelworkers` area).

Model workers are live members of a sample of unions: union1 (two of them, one a provincial model
worker with a published story) and unions of town1 and town2 at `small`; at `district` about one
union in fifteen across every town, at most 400 people. Each has one to three titles (district,
then sometimes city, province or national, years in order, highest kept on the entry) with the
person's honour record (category MODEL_WORKER, source `honours.ModelWorkerTitle:<pk>`, as
`services.modelworkers.add_title` writes it); care records of the last years (health check and
visit most years, a subsidy now and then); this year about one in four still misses the health
check or the visit, so the yearly-care line has something to show. About a third have a story,
most of those published.

Dates are relative to the day the demo is seeded (nothing after it), so "this year" is the
current year whenever the demo is built.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from gonghui.honours.models.awards import HolderKind, HonourCategory, HonourRecord
from gonghui.honours.models.modelworkers import (
    MODEL_WORKER_LEVEL_RANK,
    ModelWorker,
    ModelWorkerCare,
    ModelWorkerTitle,
)
from gonghui.members.models import Membership

MODELS = (ModelWorker, ModelWorkerTitle, ModelWorkerCare)

TITLE_NAMES = {
    "DISTRICT": ("区劳动模范", "区委、区政府"),
    "CITY": ("杭州市劳动模范", "杭州市人民政府"),
    "PROVINCE": ("浙江省劳动模范", "浙江省人民政府"),
    "NATIONAL": ("全国劳动模范", "中共中央、国务院"),
}
VISITORS = ["区总工会 王建国", "街道总工会 李晓燕", "企业工会 陈志明", "区总工会 张丽华"]
VISIT_TEXT = ["春节走访慰问，送上慰问品", "五一前夕上门看望，了解生活和工作情况", "住院期间探望", "夏季送清凉走访"]
CHECK_TEXT = ["区劳模年度健康体检（区第一人民医院）", "年度体检，结果正常", "劳模疗休养期间体检"]
SUBSIDY_TEXT = ["困难劳模帮扶补助", "劳模节日慰问金", "劳模疗休养补贴"]
STORIES = [
    ("扎根一线的技术能手", "{name}从一名普通操作工做起，二十年如一日扎根生产一线，先后攻克多项工艺难题，"
     "牵头完成的技术改造每年为企业节约成本数百万元。\n\n他带出的徒弟中已有多人成长为技师、高级技师，"
     "所在班组多次被评为“工人先锋号”。"),
    ("匠心筑梦的领路人", "{name}长期从事一线生产和技术革新工作，以“职工名字命名先进操作法”推广到全行业。"
     "\n\n她坚持“传帮带”，创建劳模创新工作室，带领团队取得国家专利十余项。"),
    ("平凡岗位上的不平凡", "{name}在平凡的岗位上兢兢业业，安全生产无事故，服务群众零投诉。"
     "\n\n他常说：“把每一件小事做好，就是不平凡。”"),
]


class ModelWorkersDemo:
    def __init__(self, gen, *, on=None):
        self.gen = gen
        self.on = on or timezone.localdate()
        self.rng = random.Random(gen.seed * 7919 + 29)
        self.small = gen.scale.name == "small"

    def unions(self):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        gen = self.gen
        town_ids = {gen.town_by_name[name].id for name in (TOWN1, TOWN2)}
        anchored = [u for u in gen.unions if u is not gen.union1 and u.town is not None and u.town.id in town_ids]
        others = [u for u in gen.unions if u is not gen.union1 and u not in anchored]
        if self.small:
            return [gen.union1, *anchored[:10], *self.rng.sample(others, min(3, len(others)))]
        return [gen.union1, *anchored[:30], *[u for u in others if self.rng.randrange(15) == 0]]

    def people(self, unions):
        """[(union id, person id, person name)]: two live members of union1, one of each other union."""
        ids = [u.id for u in unions]
        taken = set(ModelWorker.objects.values_list("person_id", flat=True))  # e.g. conferred by the awards demo
        rows = (Membership.objects.filter(union_id__in=ids, ended_on__isnull=True).order_by("union_id", "id")
                .values_list("union_id", "person_id", "person_name"))
        per_union, chosen = {}, []
        limit = 400
        for union_id, person_id, name in rows.iterator(chunk_size=5000):
            want = 2 if union_id == self.gen.union1.id else 1
            if person_id in taken or per_union.get(union_id, 0) >= want:
                continue
            per_union[union_id] = per_union.get(union_id, 0) + 1
            taken.add(person_id)
            chosen.append((union_id, person_id, name))
            if len(chosen) >= limit:
                break
        return chosen

    def _levels(self, first_of_union1):
        if first_of_union1:
            return ["DISTRICT", "CITY", "PROVINCE"]
        x = self.rng.random()
        if x < 0.55:
            return ["DISTRICT"]
        if x < 0.85:
            return ["DISTRICT", "CITY"]
        if x < 0.97:
            return ["DISTRICT", "CITY", "PROVINCE"]
        return ["DISTRICT", "PROVINCE", "NATIONAL"]

    def write(self):
        on = self.on
        chosen = self.people(self.unions())
        workers, plans = [], []
        for n, (union_id, person_id, name) in enumerate(chosen):
            levels = self._levels(n == 0)
            year = on.year - self.rng.randint(len(levels) + 1, 15)
            years = []
            for _level in levels:
                years.append(min(year, on.year - 1))
                year += self.rng.randint(2, 5)
            story = ""
            title, published, published_on = "", False, None
            if n == 0 or self.rng.random() < 0.33:
                title, text = STORIES[self.rng.randrange(len(STORIES))] if n else STORIES[0]
                story = text.format(name=name)
                published = n == 0 or self.rng.random() < 0.7
                published_on = on - datetime.timedelta(days=self.rng.randint(3, 300)) if published else None
            top = max(zip(levels, years, strict=True), key=lambda p: (MODEL_WORKER_LEVEL_RANK[p[0]], p[1]))
            workers.append(ModelWorker(person_id=person_id, org_id=union_id, level=top[0], year=top[1],
                                       story_title=title, story=story, story_published=published,
                                       story_published_on=published_on))
            plans.append((levels, years, name))
        ModelWorker.objects.bulk_create(workers, batch_size=500)

        titles = []
        for w, (levels, years, _name) in zip(workers, plans, strict=True):
            for level, year in zip(levels, years, strict=True):
                label, body = TITLE_NAMES[level]
                conferred = datetime.date(year, 4, self.rng.randint(20, 29))
                titles.append(ModelWorkerTitle(worker_id=w.pk, level=level, year=year, title=f"{year}年度{label}",
                                               conferred_on=min(conferred, on), conferred_by=body))
        ModelWorkerTitle.objects.bulk_create(titles, batch_size=1000)
        worker_of = {w.pk: w for w in workers}
        records = [HonourRecord(org_id=worker_of[t.worker_id].org_id, holder_kind=HolderKind.PERSON,
                                person_id=worker_of[t.worker_id].person_id, title=t.title,
                                category=HonourCategory.MODEL_WORKER, level=t.level, year=t.conferred_on.year,
                                conferred_on=t.conferred_on, conferred_by=t.conferred_by,
                                source_key=f"honours.ModelWorkerTitle:{t.pk}", source_label="劳模名册")
                   for t in titles]
        HonourRecord.objects.bulk_create(records, batch_size=1000)
        for t, r in zip(titles, records, strict=True):
            t.honour_record_id = r.pk
        ModelWorkerTitle.objects.bulk_update(titles, ["honour_record"], batch_size=1000)

        care = []
        missing = 0
        for n, w in enumerate(workers):
            first_year = max(w.year, on.year - 3)
            for year in range(first_year, on.year + 1):
                current = year == on.year
                skip = current and n != 0 and self.rng.random() < 0.25
                missing += skip
                last = on if current else datetime.date(year, 12, 31)
                if not skip or self.rng.random() < 0.5:
                    care.append(self._care(w, "HEALTH_CHECK", year, last))
                if not skip:
                    care.append(self._care(w, "VISIT", year, last))
                if self.rng.random() < 0.3:
                    care.append(self._care(w, "SUBSIDY", year, last))
        ModelWorkerCare.objects.bulk_create(care, batch_size=2000)
        self.gen.writer.reset_sequences(list(MODELS))
        return {"model_workers": len(workers), "titles": len(titles), "care_records": len(care),
                "stories_published": sum(1 for w in workers if w.story_published),
                "missing_care_this_year": missing}

    def _care(self, w, kind, year, last):
        start = datetime.date(year, 1, 1)
        day = start + datetime.timedelta(days=self.rng.randint(0, max(0, (last - start).days)))
        if kind == "SUBSIDY":
            return ModelWorkerCare(worker_id=w.pk, kind=kind, happened_on=day,
                                   amount=Decimal(self.rng.choice([500, 800, 1000, 2000, 3000])),
                                   description=self.rng.choice(SUBSIDY_TEXT), handled_by=self.rng.choice(VISITORS))
        text = VISIT_TEXT if kind == "VISIT" else CHECK_TEXT
        return ModelWorkerCare(worker_id=w.pk, kind=kind, happened_on=day, description=self.rng.choice(text),
                               handled_by=self.rng.choice(VISITORS) if kind == "VISIT" else "")


def seed(gen) -> dict:
    return ModelWorkersDemo(gen).write()
