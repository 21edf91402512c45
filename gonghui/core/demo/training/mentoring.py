"""Demo 名师带徒 pairs (training `mentoring` area): pairs of union1 and of unions of town1 and
town2 (and, at district scale, about one union in fifteen of the other towns), each with a master
from the union (or a pool teacher of builder `schools`' demo when one fits), progress reports
every three months, some overdue, terms ended without an assessment yet, pairs ended early, and
final assessments — most passed, raising the apprentice's skill level by one grade (the person's
`skill_level` in the registry is updated as `change_skill_level` would).

Dates are fixed around `ON` (2026-11-30) so the same seed gives the same rows; reports "overdue"
are those due before ON. Bulk writes: a few queries per table, none per member.
"""

import datetime
import random

from gonghui.members.models import LIVE_STATUSES, Membership, Person
from gonghui.training.models.courses import Course, Programme
from gonghui.training.models.mentoring import (
    AssessmentResult,
    Mentorship,
    MentorshipAssessment,
    MentorshipReport,
    MentorshipStatus,
)
from gonghui.training.models.schools import Teacher

ON = datetime.date(2026, 11, 30)
MODELS = (Mentorship, MentorshipReport, MentorshipAssessment)
DAY = datetime.timedelta(days=1)
LEVELS = ["NONE", "LEVEL5", "LEVEL4", "LEVEL3", "LEVEL2", "LEVEL1"]
TRADES = ["数控车工", "钳工", "电工", "焊工", "汽车维修工", "纺织挡车工", "化纤纺丝工", "叉车司机", "中式烹调师",
          "砌筑工", "模具工", "电梯安装维修工"]
GOALS = ["掌握本工种核心操作技能，独立完成典型零件加工，取得上一级职业技能等级证书",
         "熟悉设备原理与维护保养，能独立排除常见故障，参加区级技能比武",
         "学习师傅先进操作法，完成一项小改小革，带动班组提质增效",
         "系统掌握安全操作规程和工艺标准，考取上一级技能等级"]
PROGRESS = ["本期完成理论学习与跟岗实操，已能在指导下完成基本工序。",
            "本期独立完成典型工件加工，质量合格率达到95%以上。",
            "本期参与设备检修三次，掌握常见故障判断方法。",
            "本期在师傅指导下完成一项工艺改进，效率提升明显。",
            "本期参加企业内部技能比武，取得较好名次。"]
COMMENTS = ["学习态度端正，进步明显。", "动手能力强，需加强理论学习。", "能吃苦，肯钻研，继续保持。", ""]
END_REASONS = ["徒弟调岗", "师傅退休", "徒弟离职"]
# (scenario, weight): ACTIVE (reports up to date), OVERDUE (the latest report missing), DUE_ASSESS
# (term over, not assessed), PASS / FAIL (assessed), ENDED (ended early).
SCENARIOS = [("ACTIVE", 5), ("OVERDUE", 3), ("DUE_ASSESS", 1), ("PASS", 4), ("FAIL", 1), ("ENDED", 1)]


def add_months(day, months):
    from gonghui.training.services.mentoring import add_months as add

    return add(day, months)


def periods(starts_on, ends_on):
    from gonghui.training.services.mentoring import periods as p

    return p(starts_on, ends_on)


class MentoringDemo:
    def __init__(self, gen, *, on=ON):
        self.gen, self.on = gen, on
        self.rng = random.Random(gen.seed * 7919 + 83)
        self.small = gen.scale.name == "small"

    def unions(self):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        gen = self.gen
        town_ids = {gen.town_by_name[name].id for name in (TOWN1, TOWN2)}
        anchored = [u for u in gen.unions if u is not gen.union1 and u.town is not None and u.town.id in town_ids]
        others = [u for u in gen.unions if u is not gen.union1 and u not in anchored]
        if self.small:
            return [gen.union1, *anchored[:10], *self.rng.sample(others, min(5, len(others)))]
        return [gen.union1, *anchored[:30], *[u for u in others if self.rng.randrange(15) == 0]]

    def people(self, unions):
        """{union id: [person id]}: up to six live members of union1, four of each other union."""
        want = {u.id: (6 if u is self.gen.union1 else 4) for u in unions}
        rows = (Membership.objects.filter(union_id__in=list(want), status__in=LIVE_STATUSES)
                .order_by("union_id", "id").values_list("union_id", "person_id"))
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

    def _term(self, scenario):
        """(starts_on, ends_on) of a scenario, relative to ON."""
        rng = self.rng
        if scenario in ("ACTIVE", "OVERDUE"):
            months = rng.choice([12, 24, 24, 36])
            starts_on = add_months(self.on, -rng.randint(4, months - 2)) - rng.randint(0, 20) * DAY
        elif scenario == "DUE_ASSESS":
            months = 12
            starts_on = add_months(self.on, -13) - rng.randint(0, 20) * DAY
        elif scenario == "ENDED":
            months = rng.choice([12, 24])
            starts_on = add_months(self.on, -rng.randint(6, 11))
        else:  # assessed: the term ended 1–10 months before ON
            months = rng.choice([12, 24])
            starts_on = add_months(self.on, -months - rng.randint(1, 10))
        return starts_on, add_months(starts_on, months) - DAY

    def plan(self):
        gen, rng = self.gen, self.rng
        unions = self.unions()
        people = self.people(unions)
        levels = dict(Person.objects.filter(pk__in=[p for ids in people.values() for p in ids])
                      .values_list("pk", "skill_level"))
        teachers = list(Teacher.objects.filter(is_active=True, person__isnull=False).order_by("pk")
                        .values_list("pk", "person_id", "name"))
        names = dict(Person.objects.filter(pk__in=[p for ids in people.values() for p in ids])
                     .values_list("pk", "name"))
        courses = {}
        for pk, town_id in (Course.objects.filter(programme=Programme.MASTER_APPRENTICE).order_by("pk")
                            .values_list("pk", "town_id")):
            courses.setdefault(town_id, pk)
        plans = []
        for union in unions:
            ids = people.get(union.id, [])
            if len(ids) < 2:
                continue
            master_id, apprentices = ids[0], ids[1:]
            if union is gen.union1:
                scenarios = ["OVERDUE", "ACTIVE", "PASS", "PASS", "DUE_ASSESS"]
            else:
                scenarios = [self._weighted() for _ in apprentices]
            for apprentice_id, scenario in zip(apprentices, scenarios, strict=False):
                start_level = levels.get(apprentice_id, "NONE")
                if start_level == "LEVEL1":
                    continue
                starts_on, ends_on = self._term(scenario)
                target = LEVELS[LEVELS.index(start_level) + 1]
                m = Mentorship(org_id=union.id, town_id=union.town.id if union.town else None,
                               apprentice_id=apprentice_id, trade=rng.choice(TRADES), starts_on=starts_on,
                               ends_on=ends_on, goals=rng.choice(GOALS), start_skill_level=start_level,
                               target_skill_level=target, course_id=courses.get(union.town.id if union.town else None))
                fits = [t for t in teachers if t[1] != apprentice_id]
                if fits and rng.random() < 0.3:
                    t = rng.choice(fits)
                    m.master_teacher_id, m.master_person_id, m.master_name = t
                else:
                    m.master_person_id, m.master_name = master_id, names.get(master_id, "—")
                plans.append((m, scenario))
        return plans

    def _reports(self, m, scenario):
        """(reports written, due day of the first period left or None). ACTIVE: every report due by
        ON is written; OVERDUE: the latest one due by ON is missing; ENDED: those due by the end;
        assessed pairs: all of them."""
        all_periods = periods(m.starts_on, m.ends_on)
        if scenario in ("PASS", "FAIL"):
            upto = len(all_periods)
        elif scenario == "ENDED":
            upto = sum(1 for p in all_periods if p[3] <= m.ended_on)
        else:
            upto = sum(1 for p in all_periods if p[3] <= self.on)
            if scenario == "OVERDUE" and upto:
                upto -= 1
        rows = []
        for no, first, last, due in all_periods[:upto]:
            written_on = min(last + self.rng.randint(0, 18) * DAY, self.on)
            rows.append(MentorshipReport(mentorship_id=m.pk, period_no=no, period_starts_on=first,
                                         period_ends_on=last, due_on=due, content=self.rng.choice(PROGRESS),
                                         master_comment=self.rng.choice(COMMENTS), submitted_on=written_on))
        left = all_periods[upto][3] if upto < len(all_periods) else None
        return rows, left

    def write(self):
        plans = self.plan()
        assessments, reports, raised = [], [], {}
        for m, scenario in plans:
            if scenario == "ENDED":
                m.status = MentorshipStatus.ENDED
                m.ended_on = m.starts_on + self.rng.randint(60, 150) * DAY
                m.end_reason = self.rng.choice(END_REASONS)
            elif scenario in ("PASS", "FAIL"):
                m.status = MentorshipStatus.COMPLETED
        Mentorship.objects.bulk_create([m for m, _s in plans], batch_size=1000)
        due_updates = []
        for m, scenario in plans:
            rows, left = self._reports(m, scenario)
            reports.extend(rows)
            if m.status == MentorshipStatus.ACTIVE and left is not None:
                m.next_report_due_on = left
                due_updates.append(m)
            if scenario in ("PASS", "FAIL"):
                passed = scenario == "PASS"
                new_level = m.target_skill_level if passed and self.rng.random() < 0.9 else ""
                assessments.append(MentorshipAssessment(
                    mentorship_id=m.pk, assessed_on=min(m.ends_on + self.rng.randint(5, 25) * DAY, self.on),
                    result=AssessmentResult.PASS if passed else AssessmentResult.FAIL,
                    score=self.rng.randint(70, 96) if passed else self.rng.randint(38, 58),
                    skill_level_before=m.start_skill_level, new_skill_level=new_level,
                    assessors="区职业技能鉴定站、企业考评小组",
                    comment="理论与实操考核" + ("合格" if passed else "未达标")))
                if new_level:
                    raised.setdefault(new_level, []).append(m.apprentice_id)
        Mentorship.objects.bulk_update(due_updates, ["next_report_due_on"], batch_size=1000)
        MentorshipReport.objects.bulk_create(reports, batch_size=2000)
        MentorshipAssessment.objects.bulk_create(assessments, batch_size=1000)
        for level, ids in raised.items():  # the registry keeps the raised level (as change_skill_level does)
            Person.objects.filter(pk__in=ids).update(skill_level=level)
        self.gen.writer.reset_sequences(list(MODELS))
        by_status = {}
        for m, _s in plans:
            by_status[str(m.status)] = by_status.get(str(m.status), 0) + 1
        overdue = sum(1 for m in due_updates if m.next_report_due_on < self.on)
        return {"mentorships": len(plans), "mentorships_by_status": dict(sorted(by_status.items())),
                "reports": len(reports), "reports_overdue": overdue, "assessments": len(assessments),
                "skill_levels_raised": sum(len(v) for v in raised.values())}


def seed(gen) -> dict:
    return MentoringDemo(gen).write()
