"""Demo suggestions (合理化建议 and the five smalls) and technical projects (技术攻关) on top of
the generated district.

Called by `generator.seed` after the org tree, enterprises and members are written; it reads the
generator's in-memory plan (unions, towns, enterprises with their ids). The one database read is
a handful of union1's current members, so the demo account `union1` sees suggestions linked to
real member records (every other submitter is a name, as when a member is not registered).

`small`: a few dozen suggestions and a few projects, always in union1's enterprise (every
status, a reward, a project with an overdue milestone) and in the enterprises of town1 and
town2. `district`: thousands of suggestions and a few hundred projects across the towns,
weighted towards larger enterprises.

Rows are written in bulk, but each is what the services (`innovation.services`) would have
written: statuses follow the workflow (adopted only after an evaluation whose scores are within
each criterion's maximum and whose total and grade come from `rules()`; benefit only when
implemented; a reward only once adopted, paid on or after the decision), dates are in order and
none lies after `ON`; a project's milestones fall between its start and planned end, a completed
project has every milestone done before its completion, and one leader per team.
"""

import bisect
import datetime
import random
from decimal import Decimal

from gonghui.innovation.models import (
    Milestone,
    ProjectStatus,
    Suggestion,
    SuggestionKind,
    SuggestionScore,
    SuggestionStatus,
    TeamMember,
    TechProject,
)
from gonghui.innovation.rules import rules
from gonghui.members.models import Membership, MembershipStatus

from . import vocab

ON = datetime.date(2026, 11, 30)
MODELS = (Suggestion, SuggestionScore, TechProject, TeamMember, Milestone)
DAY = datetime.timedelta(days=1)

TARGETS = {"small": (40, 5), "district": (6000, 300)}  # (suggestions, projects)
KIND_WEIGHTS = [(SuggestionKind.RATIONALISATION, 40), (SuggestionKind.MODIFICATION, 16),
                (SuggestionKind.INNOVATION, 14), (SuggestionKind.SMALL_SUGGESTION, 14),
                (SuggestionKind.INVENTION, 8), (SuggestionKind.DESIGN, 8)]
STATUS_WEIGHTS = [(SuggestionStatus.SUBMITTED, 12), (SuggestionStatus.EVALUATED, 8),
                  (SuggestionStatus.NOT_ADOPTED, 15), (SuggestionStatus.ADOPTED, 20),
                  (SuggestionStatus.IMPLEMENTED, 40), (SuggestionStatus.WITHDRAWN, 5)]
PROJECT_WEIGHTS = [(ProjectStatus.PLANNED, 10), (ProjectStatus.IN_PROGRESS, 45), (ProjectStatus.COMPLETED, 35),
                   (ProjectStatus.ABANDONED, 10)]

# (title, current problem, proposal, expected benefit)
IDEAS = [
    ("注塑机冷却水路改造", "模具冷却时间长，成型周期偏长，能耗高", "增加分流冷却水路并加装温控阀",
     "成型周期缩短约8%，年节电约2万度"),
    ("包装线自动输送改进", "成品人工搬运至包装工位，劳动强度大", "加装皮带输送线与自动称重", "每班减少搬运工2人"),
    ("空压机余热回收利用", "空压机运行热量直接排放", "加装余热回收装置为员工浴室供热水", "年节约燃气费约3万元"),
    ("纺机断纱自动检测", "断纱靠巡检发现，次品率高", "加装光电断纱检测报警器", "次品率下降约1个百分点"),
    ("仓库货位编码优化", "找货时间长，错发时有发生", "按ABC分类重新编码并贴二维码", "拣货效率提高20%"),
    ("焊接夹具快换设计", "换型调整夹具耗时约40分钟", "设计定位销快换夹具", "换型时间降至10分钟"),
    ("车间照明节能改造", "高压钠灯能耗高、照度不均", "更换LED灯并分区感应控制", "年节电约5万度"),
    ("废边角料再利用", "边角料直接作废品出售", "改制为小规格零件坯料", "年节约材料费约4万元"),
    ("设备点检表电子化", "纸质点检表易漏项、难追溯", "使用扫码点检并自动提醒", "设备故障停机时间减少"),
    ("叉车充电区安全改进", "充电区通风差、线缆杂乱", "增设排风扇与线槽、设置警示线", "消除安全隐患"),
    ("染色工序节水改进", "水洗次数多，用水量大", "逆流漂洗并回用末道水", "吨布节水约15%"),
    ("冲压模具寿命延长", "模具刃口磨损快，停机修模频繁", "改进刃口热处理与润滑方式", "模具寿命提高约30%"),
    ("食堂排队时间缩短", "就餐高峰排队超过15分钟", "增设自助取餐窗口与错峰安排", "排队时间减半"),
    ("质检取样工装改进", "取样需两人配合，效率低", "设计单人可用的取样支架", "节省人工"),
]
RESULTS = ["达到预期目标，已在车间推广", "不良率明显下降，形成作业指导书", "工艺参数固化，纳入标准"]
DECLINE_REASONS = ["与现行技改计划重复", "投入产出比不理想，暂不实施", "存在安全风险，需进一步论证",
                   "已有同类方案在实施"]
WITHDRAW_REASONS = ["本人申请撤回，方案需完善", "与同事建议合并提交"]
EVALUATOR_POOL = ["技术科", "生产部", "安全环保部", "工会", "财务部"]
PROJECT_TOPICS = [
    ("降低焊接不良率攻关", "焊接不良率由3%降至1%以下"),
    ("染整工序能耗攻关", "吨布综合能耗下降10%"),
    ("数控设备故障率攻关", "关键设备月故障停机时间减少50%"),
    ("新产品试制周期攻关", "试制周期由45天缩短至30天"),
    ("包装破损率攻关", "运输破损率降至0.3%以下"),
    ("化纤断头率攻关", "万锭时断头率降低20%"),
]
MILESTONE_TITLES = ["现状调研与数据分析", "确定攻关方案", "小批量试验", "工艺参数优化", "推广应用与总结"]
TEAM_ROLES = ["工程师", "技术员", "班组长", "设备维修工", "质检员", "操作工"]


class InnovationDemo:
    def __init__(self, gen, *, on=ON):
        self.gen = gen
        self.on = on
        self.rng = random.Random(gen.seed * 7919 + 5)  # its own stream: the rest of the demo stays as it was
        self.rules = rules()
        self.small = gen.scale.name == "small"
        self.suggestions: list[tuple[Suggestion, list]] = []
        self.projects: list[tuple[TechProject, list, list]] = []

    # --- helpers --------------------------------------------------------------------------------
    def _weighted(self, pairs):
        total = sum(w for _v, w in pairs)
        x = self.rng.random() * total
        for value, weight in pairs:
            x -= weight
            if x < 0:
                return value
        return pairs[-1][0]

    def _name(self):
        rng = self.rng
        cum = self.gen._surname_cum
        surname = self.gen._surnames[bisect.bisect_right(cum, rng.random() * cum[-1])]
        chars = vocab.GIVEN_MALE if rng.random() < 0.6 else vocab.GIVEN_FEMALE
        return surname + rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")

    def _days(self, low, high):
        return datetime.timedelta(days=self.rng.randint(low, high))

    def _money(self, low, high):
        """Log-uniform yuan between low and high, to the fen."""
        value = low * (high / low) ** self.rng.random()
        return Decimal(value).quantize(Decimal("0.01"))

    # --- suggestions ----------------------------------------------------------------------------
    def _scores(self, adopted):
        """Points per criterion: adopted ones score well (≥ 60, and the configured minimum)."""
        floor = max(60, self.rules.adopt_min_score or 0) if adopted else 0
        while True:
            rows = []
            for c in self.rules.criteria:
                share = self.rng.uniform(0.55, 1.0) if adopted else self.rng.uniform(0.2, 0.85)
                rows.append(SuggestionScore(criterion=c.code, label=str(c.label)[:64], max_points=c.max_points,
                                            points=min(c.max_points, round(c.max_points * share))))
            if sum(r.points for r in rows) >= floor:
                return rows

    def suggestion(self, union, firm, *, status=None, person=None):
        rng, on = self.rng, self.on
        status = status or self._weighted(STATUS_WEIGHTS)
        title, problem, proposal, benefit = rng.choice(IDEAS)
        kind = self._weighted(KIND_WEIGHTS)
        # the steps' gaps, so the chain ends on or before ON
        gaps = {"evaluate": self._days(7, 40), "decide": self._days(2, 20), "implement": self._days(10, 120),
                "measure": self._days(20, 90), "reward": self._days(5, 60)}
        span = sum(gaps.values(), datetime.timedelta())
        submitted = on - span - self._days(0, 3 * 365 if not self.small else 400)
        if status == SuggestionStatus.SUBMITTED:
            submitted = on - self._days(0, 40)
        name = person[1] if person else self._name()
        co = [self._name() for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))]
        row = Suggestion(org_id=union.id, enterprise_id=firm.id, kind=kind, title=title, problem=problem,
                         proposal=proposal, expected_benefit=benefit, submitter_person_id=person[0] if person else None,
                         submitter_name=name, co_authors="、".join(co), submitted_on=submitted, status=status)
        scores = []
        if status == SuggestionStatus.WITHDRAWN:
            row.withdrawn_on = submitted + self._days(1, 10)
            row.withdraw_reason = rng.choice(WITHDRAW_REASONS)
        evaluated = status in (SuggestionStatus.EVALUATED, SuggestionStatus.ADOPTED, SuggestionStatus.IMPLEMENTED) or (
            status == SuggestionStatus.NOT_ADOPTED and rng.random() < 0.6)
        if evaluated:
            scores = self._scores(adopted=status in (SuggestionStatus.ADOPTED, SuggestionStatus.IMPLEMENTED))
            row.evaluated_on = submitted + gaps["evaluate"]
            row.total_score = sum(s.points for s in scores)
            row.grade = self.rules.grade_for(row.total_score)
            row.evaluators = "、".join(rng.sample(EVALUATOR_POOL, 3))
            row.evaluation_comments = "建议可行，效益测算基本合理" if row.total_score >= 60 else "创新性和可行性不足"
        if status in (SuggestionStatus.NOT_ADOPTED, SuggestionStatus.ADOPTED, SuggestionStatus.IMPLEMENTED):
            row.decided_on = (row.evaluated_on or submitted + gaps["evaluate"]) + gaps["decide"]
            if status == SuggestionStatus.NOT_ADOPTED:
                row.decline_reason = rng.choice(DECLINE_REASONS)
        if status == SuggestionStatus.IMPLEMENTED:
            row.implemented_on = row.decided_on + gaps["implement"]
            row.benefit_measured_on = row.implemented_on + gaps["measure"]
            row.benefit_yuan = self._money(800, 600_000)
            row.benefit_note = "按实施前后三个月的能耗、人工和材料消耗对比测算"
        if status in (SuggestionStatus.ADOPTED, SuggestionStatus.IMPLEMENTED) and rng.random() < (
                0.75 if status == SuggestionStatus.IMPLEMENTED else 0.3):
            base = row.benefit_measured_on or row.decided_on
            row.reward_paid_on = min(base + gaps["reward"], on)
            row.reward_yuan = (min(row.benefit_yuan * Decimal("0.03"), Decimal("20000")).quantize(Decimal("1"))
                               if row.benefit_yuan else Decimal(rng.choice((200, 300, 500, 800))))
            row.reward_yuan = max(row.reward_yuan, Decimal("100")).quantize(Decimal("0.01"))
            row.reward_recipients = "、".join([name, *co])
        self.suggestions.append((row, scores))

    # --- projects -------------------------------------------------------------------------------
    def project(self, union, firm, *, status=None, overdue=False):
        rng, on = self.rng, self.on
        status = status or self._weighted(PROJECT_WEIGHTS)
        title, goal = rng.choice(PROJECT_TOPICS)
        length = self._days(120, 360)
        if status == ProjectStatus.PLANNED:
            started, planned_end = None, on + self._days(60, 300)
        elif status == ProjectStatus.IN_PROGRESS:
            started = on - self._days(20, 200)
            planned_end = max(started + length, on + self._days(10, 120))
        else:
            planned_end = on - self._days(10, 500)
            started = planned_end - length
        row = TechProject(org_id=union.id, enterprise_id=firm.id, title=title, goal=goal, status=status,
                          started_on=started, planned_end_on=planned_end)
        team = [TeamMember(name=union.chair_name if rng.random() < 0.2 and union.chair_name else self._name(),
                           role=rng.choice(TEAM_ROLES[:2]), is_leader=True)]
        names = {team[0].name}
        for _ in range(rng.randint(2, 6)):
            name = self._name()
            if name not in names:
                names.add(name)
                team.append(TeamMember(name=name, role=rng.choice(TEAM_ROLES)))
        milestones = []
        begin = started or on
        count = rng.randint(3, 5)
        step = (planned_end - begin) / count
        for k in range(count):
            due = begin + step * (k + 1) - self._days(0, 5) if k < count - 1 else planned_end
            milestones.append(Milestone(title=MILESTONE_TITLES[k % len(MILESTONE_TITLES)], due_on=max(due, begin)))
        if status == ProjectStatus.COMPLETED:
            last = started
            for m in milestones:
                m.done_on = max(last, min(m.due_on + self._days(-10, 12), planned_end + self._days(0, 20), on))
                last = m.done_on
            row.completed_on = min(last + self._days(0, 15), on)
            row.result = rng.choice(RESULTS) + f"：{goal}"
            row.benefit_yuan = self._money(20_000, 2_000_000)
        elif status in (ProjectStatus.IN_PROGRESS, ProjectStatus.ABANDONED):
            end = on if status == ProjectStatus.IN_PROGRESS else planned_end - self._days(20, 80)
            late_one = overdue or rng.random() < 0.3
            for m in milestones:
                if m.due_on > end:
                    break
                if late_one and status == ProjectStatus.IN_PROGRESS:
                    late_one = False  # left open: overdue
                    continue
                m.done_on = max(started, min(m.due_on + self._days(-7, 7), end))
            if status == ProjectStatus.ABANDONED:
                row.abandoned_on = max(end, started, *(m.done_on for m in milestones if m.done_on))
                row.abandon_reason = rng.choice(["企业产品转型，课题取消", "关键设备停产，攻关中止"])
        self.projects.append((row, team, milestones))

    # --- who -------------------------------------------------------------------------------------
    def plan(self):
        gen, rng = self.gen, self.rng
        n_suggestions, n_projects = TARGETS[gen.scale.name]
        organised = [f for f in gen.firms if f.union is not None]
        union1 = gen.union1
        flagship = gen.firms[0]
        members = self._union1_members(union1)
        # union1's enterprise: every status, some linked to real members, a reward, an overdue project
        for k, status in enumerate([*SuggestionStatus.values, SuggestionStatus.IMPLEMENTED,
                                    SuggestionStatus.ADOPTED, SuggestionStatus.SUBMITTED]):
            self.suggestion(union1, flagship, status=status, person=members[k] if k < len(members) else None)
        self.project(union1, flagship, status=ProjectStatus.IN_PROGRESS, overdue=True)
        self.project(union1, flagship, status=ProjectStatus.COMPLETED)
        # the demo towns' first enterprises (town1 and town2 alternate in gen.firms[1:9])
        demo_towns = [f for f in gen.firms[1:9] if f.union is not None]
        for firm in demo_towns:
            for _ in range(2):
                self.suggestion(firm.union, firm)
        for firm in demo_towns[:2]:
            self.project(firm.union, firm)
        # the rest, weighted towards larger enterprises
        weights = [f.headcount ** 0.5 for f in organised]
        for firm in rng.choices(organised, weights=weights, k=max(n_suggestions - len(self.suggestions), 0)):
            self.suggestion(firm.union, firm)
        large = [f for f in organised if f.headcount >= (25 if self.small else 100)] or organised
        for firm in rng.choices(large, weights=[f.headcount ** 0.5 for f in large],
                                k=max(n_projects - len(self.projects), 0)):
            self.project(firm.union, firm)

    def _union1_members(self, union1):
        """A few current members of union1 (by id, with their names) to link as submitters."""
        return list(Membership.objects.filter(union_id=union1.id, status=MembershipStatus.ACTIVE)
                    .order_by("id").values_list("person_id", "person_name")[:4])

    # --- writing ---------------------------------------------------------------------------------
    def write(self):
        on = self.on
        rows = sorted(self.suggestions, key=lambda item: (item[0].submitted_on, item[0].org_id))
        next_id = (Suggestion.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        scores = []
        for row, row_scores in rows:
            _check_suggestion(row, row_scores, on)
            row.id = next_id
            next_id += 1
            for score in row_scores:
                score.suggestion_id = row.id
                scores.append(score)
        Suggestion.objects.bulk_create([r for r, _s in rows], batch_size=1000)
        SuggestionScore.objects.bulk_create(scores, batch_size=2000)
        projects = sorted(self.projects, key=lambda item: (item[0].started_on or on, item[0].org_id))
        next_id = (TechProject.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        team, milestones = [], []
        for row, members, steps in projects:
            _check_project(row, steps, on)
            row.id = next_id
            next_id += 1
            for member in members:
                member.project_id = row.id
                team.append(member)
            for step in steps:
                step.project_id = row.id
                milestones.append(step)
        TechProject.objects.bulk_create([r for r, _t, _m in projects], batch_size=1000)
        TeamMember.objects.bulk_create(team, batch_size=2000)
        Milestone.objects.bulk_create(milestones, batch_size=2000)
        self.gen.writer.reset_sequences(list(MODELS))
        by_status = {}
        for row, _s in rows:
            by_status[row.status] = by_status.get(row.status, 0) + 1
        return {
            "suggestions": len(rows), "suggestions_by_status": dict(sorted(by_status.items())),
            "rewarded": sum(1 for r, _s in rows if r.reward_paid_on),
            "benefit_yuan": str(sum((r.benefit_yuan for r, _s in rows if r.benefit_yuan), Decimal("0.00"))),
            "tech_projects": len(projects), "milestones": len(milestones),
        }


def _check_suggestion(row, scores, on):
    """What the services guarantee, asserted before anything is written."""
    days = [row.submitted_on, row.evaluated_on, row.decided_on, row.implemented_on, row.benefit_measured_on,
            row.reward_paid_on, row.withdrawn_on]
    assert all(d is None or d <= on for d in days), row.title
    if row.evaluated_on:
        assert row.evaluated_on >= row.submitted_on
        assert all(0 <= s.points <= s.max_points for s in scores)
        assert row.total_score == sum(s.points for s in scores) <= 100
    if row.status in (SuggestionStatus.ADOPTED, SuggestionStatus.IMPLEMENTED):
        assert row.evaluated_on and row.decided_on >= row.evaluated_on
    if row.status == SuggestionStatus.IMPLEMENTED:
        assert row.implemented_on >= row.decided_on and row.benefit_measured_on >= row.implemented_on
        assert row.benefit_yuan >= 0
    if row.reward_paid_on:
        assert row.status in (SuggestionStatus.ADOPTED, SuggestionStatus.IMPLEMENTED)
        assert row.reward_paid_on >= row.decided_on and row.reward_yuan > 0


def _check_project(row, milestones, on):
    if row.started_on:
        assert row.started_on <= on and row.planned_end_on >= row.started_on
    for m in milestones:
        assert m.due_on <= row.planned_end_on and m.due_on >= (row.started_on or m.due_on)
        assert m.done_on is None or (row.started_on <= m.done_on <= on)
    if row.status == ProjectStatus.COMPLETED:
        assert all(m.done_on for m in milestones)
        assert max(m.done_on for m in milestones) <= row.completed_on <= on
    if row.abandoned_on:
        assert row.started_on <= row.abandoned_on <= on


def seed_innovation(gen, *, on=ON) -> dict:
    demo = InnovationDemo(gen, on=on)
    demo.plan()
    return demo.write()
