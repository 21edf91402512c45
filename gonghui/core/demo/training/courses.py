"""Demo courses and their sessions (training `courses` area).

Courses of every programme and delivery mode, organised by the district, town1 (城厢), town2
(北干), union1 and a few other towns (district scale: every town and about one union in forty of
town1/town2), in last year and this year (the year of the day the demo is seeded):

- last year: FINISHED courses with past sessions, and a CANCELLED one per organiser;
- this year: FINISHED (past sessions), CLOSED (sessions from a week ago to next week), OPEN
  (future sessions, enrolment window around today) and DRAFT (future sessions) courses.

Sessions of 3 hours (mornings 09–12, afternoons 14–17); a teacher of the pool (schools area) is
given to a session only when free then, so the "no teacher in two places" rule holds. Worker
schools come from the schools area; when it wrote none, four schools are created here so every
mode has data. Numbers are PX<year>-<nnnn>, and the year counters are set after them. Bulk
writes (a few thousand rows at district scale).
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from gonghui.orgs.models import Enterprise, Org, OrgLevel
from gonghui.training.models.courses import Course, CourseNumberCounter, CourseSession, CourseStatus, Programme
from gonghui.training.models.schools import DeliveryMode, SchoolStatus, Teacher, WorkerSchool
from gonghui.training.rules.courses import rules

MODELS = (CourseNumberCounter, Course, CourseSession)
DAY = datetime.timedelta(days=1)

TITLES = {
    Programme.MASTER_APPRENTICE: ["名师带徒结对班", "师徒结对传技班"],
    Programme.LECTURE: ["技能大讲堂：精益生产", "技能大讲堂：数字化车间", "技能大讲堂：质量管理"],
    Programme.TECHNICIAN: ["技师研修班（数控）", "高级技师研修班（电工）"],
    Programme.SKILLS: ["数控车工技能提升班", "焊工技能培训班", "电工上岗培训班", "叉车司机培训班", "育婴员培训班"],
    Programme.SAFETY: ["安全生产知识培训", "消防安全培训", "有限空间作业安全培训"],
    Programme.LEGAL: ["劳动法律知识讲座", "职工维权知识培训"],
    Programme.OTHER: ["职工心理健康讲座", "职工书法兴趣班"],
}
TRADES = {
    Programme.MASTER_APPRENTICE: ["数控车工", "钳工"], Programme.TECHNICIAN: ["数控车工", "电工"],
    Programme.SKILLS: ["焊工", "电工", "叉车司机"], Programme.SAFETY: ["电工", "焊工"],
}
PROVIDERS = ["杭州市萧山技工学校", "浙江省职业技能培训中心", "萧山区安全生产培训中心", "杭州职业技术学院继续教育学院"]
FALLBACK_SCHOOLS = [("红山职工学校", "红山农场红山路1号"), ("衙前职工学校", "衙前镇衙前路88号"),
                    ("临浦职工学校", "临浦镇人民路12号"), ("河上职工学校", "河上镇河上路6号")]
SLOTS = ((9, 12), (14, 17))


class CoursesDemo:
    def __init__(self, gen):
        self.gen = gen
        self.rng = random.Random(gen.seed * 104729 + 8)
        self.small = gen.scale.name == "small"
        self.today = timezone.localdate()
        self.year = self.today.year
        self.codes = {}
        self.teacher_busy = set()

    # --- what the courses need -------------------------------------------------------------------
    def organisers(self):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        gen = self.gen
        town1, town2 = gen.town_by_name[TOWN1], gen.town_by_name[TOWN2]
        orgs = [(gen.root.id, None, 3), (town1.id, town1.id, 4), (town2.id, town2.id, 3),
                (gen.union1.id, gen.union1.town.id, 3)]
        towns = [t for t in gen.towns if t.id not in (town1.id, town2.id) and t.level == OrgLevel.TOWN]
        others = towns if not self.small else self.rng.sample(towns, min(3, len(towns)))
        orgs += [(t.id, t.id, 2 if self.small else 3) for t in others]
        anchored = [u for u in gen.unions if u is not gen.union1 and u.town is not None
                    and u.town.id in (town1.id, town2.id)]
        step = 1 if self.small else 40
        orgs += [(u.id, u.town.id, 1) for u in anchored[:4 if self.small else len(anchored)][::step]]
        return orgs

    @staticmethod
    def org_paths(ids):
        ids = list(ids)
        paths = dict(Org.objects.filter(pk__in=set(ids)).values_list("pk", "path"))
        return [paths[i] for i in ids]

    def schools(self):
        schools = list(WorkerSchool.objects.filter(status=SchoolStatus.ACTIVE).order_by("pk"))
        if schools:
            return schools
        district = Org.objects.get(pk=self.gen.root.id)
        return [WorkerSchool.objects.create(org=district, name=name, address=address, capacity=120,
                                            modes=list(DeliveryMode.values), contact_name="王老师")
                for name, address in FALLBACK_SCHOOLS]

    def enterprises(self, town_ids):
        by_town = {}
        rows = (Enterprise.objects.filter(town_id__in=town_ids).order_by("town_id", "pk")
                .values_list("town_id", "pk"))
        for town_id, pk in rows.iterator(chunk_size=5000):
            got = by_town.setdefault(town_id, [])
            if len(got) < 20:
                got.append(pk)
        return by_town

    def code(self, year):
        n = self.codes.get(year, 0) + 1
        self.codes[year] = n
        return f"{rules().code_prefix}{year}-{n:04d}"

    # --- plan ----------------------------------------------------------------------------------
    def plans(self):
        """(year, status, kind of dates) for one organiser's courses."""
        last, this = self.year - 1, self.year
        return [(last, CourseStatus.FINISHED, "past"), (last, CourseStatus.FINISHED, "past"),
                (last, CourseStatus.CANCELLED, "past"), (this, CourseStatus.FINISHED, "past"),
                (this, CourseStatus.FINISHED, "past"), (this, CourseStatus.CLOSED, "around"),
                (this, CourseStatus.OPEN, "future"), (this, CourseStatus.OPEN, "future"),
                (this, CourseStatus.DRAFT, "future")]

    def session_days(self, year, kind, n):
        start_of_year, end_of_year = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if kind == "past":
            latest = min(self.today - 2 * DAY, end_of_year)
            first = max(start_of_year + 20 * DAY, latest - self.rng.randint(10, 300) * DAY)
        elif kind == "around":
            first = max(start_of_year, self.today - self.rng.randint(3, 8) * DAY)
        else:
            first = self.today + self.rng.randint(2, 20) * DAY
        days, day = [], first
        for _ in range(n):
            days.append(day)
            day += self.rng.choice([1, 2, 7]) * DAY
        if kind == "past":  # keep every session before today
            days = [d for d in days if d < self.today] or [first]
        return [d for d in days if d.year == days[0].year]

    def seed(self) -> dict:
        orgs = self.organisers()
        schools = self.schools()
        school_paths = {sc.pk: path for sc, path in zip(schools, self.org_paths(sc.org_id for sc in schools),
                                                          strict=True)}
        teacher_rows = list(Teacher.objects.filter(is_active=True).order_by("pk").values_list("pk", "org__path")[:200])
        org_paths = dict(zip([o for o, _t, _n in orgs], self.org_paths(o for o, _t, _n in orgs), strict=True))

        def related(a, b):  # the same subtree or an ancestor: what a course of `a` may use (services)
            return a.startswith(b) or b.startswith(a)
        hosts = self.enterprises({town for _o, town, _n in orgs if town})
        all_hosts = [pk for pks in hosts.values() for pk in pks]
        programmes, modes = list(Programme.values), list(DeliveryMode.values)
        courses, sessions_of = [], []
        i = 0
        for org_id, town_id, rounds in orgs:
            here = org_paths[org_id]
            usable_schools = [sc for sc in schools if related(here, school_paths[sc.pk])] or schools
            teachers = [pk for pk, path in teacher_rows if related(here, path)]
            for _round in range(rounds):
                for year, status, kind in self.plans():
                    if self.rng.random() < 0.35 and rounds > 1:
                        continue
                    programme, mode = programmes[i % len(programmes)], modes[(i // len(programmes) + i) % len(modes)]
                    i += 1
                    host = None
                    if mode == DeliveryMode.IN_ENTERPRISE:
                        choices = hosts.get(town_id) if town_id else all_hosts
                        if not choices:
                            mode = DeliveryMode.COMMISSIONED
                        else:
                            host = self.rng.choice(choices)
                    school = self.rng.choice(usable_schools)
                    if mode != DeliveryMode.INDEPENDENT and self.rng.random() < 0.4:
                        school = None
                    n_sessions = 1 if programme == Programme.LECTURE else self.rng.randint(2, 6)
                    days = self.session_days(year, kind, n_sessions)
                    year = days[0].year
                    capacity = min(self.rng.choice([20, 30, 40, 50, 60]), school.capacity if school else 500)
                    opens = days[0] - self.rng.randint(20, 40) * DAY
                    closes = days[0] - DAY
                    if status == CourseStatus.OPEN:
                        opens, closes = min(opens, self.today - 3 * DAY), max(closes, self.today + DAY)
                    c = Course(
                        org_id=org_id, town_id=town_id, code=self.code(year),
                        title=self.rng.choice(TITLES[programme]), programme=programme, mode=mode,
                        school=school, host_enterprise_id=host,
                        provider=self.rng.choice(PROVIDERS) if mode == DeliveryMode.COMMISSIONED else "",
                        year=year, description="面向区内职工，理论与实操结合。",
                        target_trades=TRADES.get(programme, []),
                        capacity=capacity, waitlist_limit=self.rng.choice([0, 5, 10]),
                        fee=Decimal(self.rng.choice([0, 0, 200, 500])),
                        subsidy=Decimal(self.rng.choice([0, 150, 300])),
                        enrol_opens_on=opens, enrol_closes_on=closes, members_only=self.rng.random() < 0.8,
                        min_skill_level="LEVEL3" if programme == Programme.TECHNICIAN else "",
                        self_enrolment=self.rng.random() < 0.7, assessment_required=programme != Programme.LECTURE,
                        pass_mark=Decimal("60"), status=status,
                        cancel_reason="报名人数不足，课程取消" if status == CourseStatus.CANCELLED else "")
                    courses.append(c)
                    sessions_of.append(self._sessions(days, teachers, school))
        Course.objects.bulk_create(courses, batch_size=1000)
        rows = []
        for c, sessions in zip(courses, sessions_of, strict=True):
            for s in sessions:
                s.course_id = c.pk
                rows.append(s)
        CourseSession.objects.bulk_create(rows, batch_size=2000)
        CourseNumberCounter.objects.bulk_create([CourseNumberCounter(year=y, last=n) for y, n in self.codes.items()])
        return {"courses": len(courses), "sessions": len(rows)}

    def _sessions(self, days, teachers, school):
        out = []
        place = school.address if school else "企业培训室"
        for day in days:
            start_h, end_h = self.rng.choice(SLOTS)
            starts = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, start_h))
            teacher = None
            if teachers:
                for _ in range(3):
                    t = self.rng.choice(teachers)
                    if (t, day, start_h) not in self.teacher_busy:
                        self.teacher_busy.add((t, day, start_h))
                        teacher = t
                        break
            ends = starts + datetime.timedelta(hours=end_h - start_h)
            out.append(CourseSession(title="", starts_at=starts, ends_at=ends, place=place, teacher_id=teacher,
                                     hours=Decimal(end_h - start_h), checkin_token=f"{self.rng.getrandbits(192):048x}"))
        return out


def seed(gen) -> dict:
    return CoursesDemo(gen).seed()
