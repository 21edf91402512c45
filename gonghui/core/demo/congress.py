"""Demo workers' congresses, proposals and 厂务公开 (DOMAIN.md §3) on top of the generated district.

Called by `generator.seed` after the org tree, enterprises and members are written; it reads the
generator's in-memory plan (unions, towns, enterprises with their ids), never the database.

At `district` scale it reproduces the seed's order of magnitude: the proposal system runs in 126
above-scale enterprises, 1,660 proposals are adopted in the year (reply outcome A or B) and the
verified benefit passes 22 million yuan. About seven in ten enterprises with ≥100 staff have a
workers' congress on record and some smaller enterprise unions an all-staff meeting, in every
town. At `small` scale there are a couple of dozen bodies, always with data for the demo
accounts: union1's enterprise holds a current term with a session held this year and proposals
in every status (one replied and awaiting its rating, one assigned with the reply due within
days); town1, town2 and other towns have bodies, sessions and proposals.

Rows are written in bulk (`RowWriter`: COPY on PostgreSQL), but each is what the services would
have written:
- a body's form and quota follow its headcount (`rules.body_kind_for`, `rules.delegate_quota`);
  a congress's roll is the quota ± a few delegates (managers ≤ `rules.managers_allowed`) plus a
  few substitutes; an all-staff meeting keeps a roll only when it runs the proposal system, and
  then the roll is its whole staff (every worker attends and may propose);
- a session meets once a year at about the term's anniversary; `entitled` is the roll (not the
  substitutes) on the day, `present` meets `rules.quorum_needed`, every vote's `passed` is
  `rules.motion_passes` against the entitled, papers go out ≥ 7 days before
  (`deadlines.papers_in_time`), `report_due_on` is `deadlines.report_due(held_on)`;
- a proposal has a proposer and ≥ 2 other co-signing delegates of its body; its number
  ("2026-007") is given in review order when it is accepted; its reply is due
  `deadlines.reply_due(assigned_on[, extended=True])`; a reopened proposal is assigned again on
  the day the proposer rated the first reply unsatisfactory (so `assigned_on` is that day), as
  `services.proposals.rate_proposal` does, and a rating archives a proposal on its day; adopted
  ones (A/B) carry an estimated benefit when the subject has one (welfare and pay subjects
  mostly do not), verified once archived as solved (A). At district scale the amounts are scaled
  so the verified total is the seed's.

Dates are relative to `ON`, the project's "today": none lies after it except the day a planned
December session is planned for.
"""

import bisect
import datetime
import random
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from gonghui.congress import deadlines
from gonghui.congress import rules as congress_rules
from gonghui.congress.models import (
    ADOPTED_OUTCOMES,
    AgendaItem,
    AgendaKind,
    BodyKind,
    BodyStatus,
    CongressBody,
    Delegate,
    DelegateCategory,
    Disclosure,
    DisclosureChannel,
    Proposal,
    ProposalCategory,
    ProposalStatus,
    ReplyOutcome,
    Satisfaction,
    Session,
    SessionStatus,
)
from gonghui.orgs.models import UnionKind

from . import vocab

ON = datetime.date(2026, 11, 30)
YEAR = ON.year
DAY = datetime.timedelta(days=1)
Cosigning = Proposal.cosigners.through
MODELS = (CongressBody, Delegate, Session, AgendaItem, Proposal, Cosigning, Disclosure)

# The seed's figures (district scale): enterprises running the proposal system, proposals adopted
# in the year, and the benefit they brought (verified, in yuan; "over 22 million").
PROPOSAL_ENTERPRISES = 126
ADOPTED_TARGET = 1660
BENEFIT_TARGET = Decimal(22_600_000)
CONGRESS_SHARE = 0.72     # enterprises with ≥100 staff (and a union) with a congress on record
ALL_STAFF_SHARE = 0.15    # enterprise unions of 25–99 staff with an all-staff meeting on record
ALL_STAFF_PROPOSAL_BODIES = 4  # at district scale, of the 126: above-scale firms under 100 staff
PREVIOUS_TERM_SHARE = 0.3  # bodies in a later term whose previous term is on record too

# This year's session of a body constituted before this year: (what happened, weight).
YEAR_OUTCOMES = [("reported", 70), ("held_due", 3), ("held_overdue", 3), ("planned", 6), ("cancelled", 2),
                 ("none", 16)]
# Proposals per adopted one, by status (the rest of a body's year beside its adopted proposals).
STATUS_MIX = [(ProposalStatus.DRAFT, 0.05), (ProposalStatus.SUBMITTED, 0.06), (ProposalStatus.CONVERTED, 0.12),
              (ProposalStatus.REJECTED, 0.05), (ProposalStatus.ACCEPTED, 0.05), (ProposalStatus.ASSIGNED, 0.25),
              ("C", 0.12)]

# --- vocabulary ------------------------------------------------------------------------------------
DEPARTMENTS = ["人力资源部", "生产部", "行政后勤部", "安全环保部", "财务部", "设备动力部", "质量管理部", "技术研发部",
               "采购部", "工会办公室"]
# (category, topic, department, economic benefit expected, reasons, what is proposed)
TOPICS = [
    (ProposalCategory.WELFARE, "改善一线职工夜班就餐条件", "行政后勤部", False,
     "夜班职工只能在食堂窗口购买冷餐，部分车间距离食堂较远，夜间就餐不便。",
     "食堂夜间增设热菜窗口，在偏远车间设置微波炉和就餐点。"),
    (ProposalCategory.WELFARE, "增设职工宿舍热水供应时段", "行政后勤部", False,
     "宿舍热水只在晚间供应两小时，倒班职工下班后常常没有热水。",
     "延长宿舍热水供应时间，改造为全天供应的空气能热水系统。"),
    (ProposalCategory.SAFETY, "更新冲压车间安全防护装置", "安全环保部", True,
     "冲压车间部分设备光电保护装置老化，误动作时有发生，存在安全隐患。",
     "分批更换光电保护装置并建立月度点检制度。"),
    (ProposalCategory.SAFETY, "加强高温季节防暑降温措施", "安全环保部", False,
     "夏季车间温度超过35℃，现有降温设备不足，职工中暑风险较高。",
     "增设工业冷风机，调整高温时段作息并足额发放防暑降温用品。"),
    (ProposalCategory.PRODUCTION, "优化原料仓库物料摆放减少搬运", "生产部", True,
     "原料库物料按到货顺序堆放，领料时往返搬运多、耗时长。",
     "按使用频次重新规划库位，常用物料靠近出库口，配置电动搬运车。"),
    (ProposalCategory.PRODUCTION, "推行设备预防性维护降低停机率", "设备动力部", True,
     "关键设备以故障后维修为主，非计划停机影响交期。",
     "建立设备预防性维护计划，关键备件设安全库存。"),
    (ProposalCategory.PRODUCTION, "回收利用空压机余热", "设备动力部", True,
     "空压机运行产生大量余热直接排放，浪费能源。",
     "加装余热回收装置，为宿舍和食堂提供生活热水。"),
    (ProposalCategory.PRODUCTION, "改进包装工序降低辅料损耗", "生产部", True,
     "包装环节纸箱和缠绕膜损耗率偏高。",
     "改用定尺纸箱并调整缠绕机参数，辅料按批次定额领用。"),
    (ProposalCategory.PRODUCTION, "车间照明改造为节能灯具", "设备动力部", True,
     "车间仍使用高压钠灯，耗电量大且照度不均。",
     "分期更换为LED节能灯具并按区域分组控制。"),
    (ProposalCategory.MANAGEMENT, "完善班组考核办法", "人力资源部", True,
     "现行班组考核指标偏重产量，质量与安全权重不足。",
     "修订班组考核细则，增加质量、安全和节能指标。"),
    (ProposalCategory.MANAGEMENT, "简化职工报销审批流程", "财务部", True,
     "差旅和小额费用报销需多级签字，周期长。",
     "推行线上报销，小额费用由部门负责人一级审批。"),
    (ProposalCategory.MANAGEMENT, "建立质量问题快速反馈机制", "质量管理部", True,
     "一线发现的质量问题反馈到技术部门的环节多，处理不及时。",
     "建立质量问题线上反馈群和24小时响应制度。"),
    (ProposalCategory.MANAGEMENT, "规范外协加工件入厂检验", "质量管理部", True,
     "外协件入厂抽检比例低，不合格品流入生产线造成返工。",
     "制定外协件分级检验标准，对重点供应商驻厂检验。"),
    (ProposalCategory.MANAGEMENT, "集中采购常用劳保用品", "采购部", True,
     "各车间分散采购劳保用品，价格高且质量参差不齐。",
     "劳保用品年度集中招标采购，统一配发标准。"),
    (ProposalCategory.WAGES, "提高技能等级津贴标准", "人力资源部", False,
     "技能等级津贴多年未调整，对职工提升技能的激励不足。",
     "按技能等级分档提高津贴，并与岗位工资晋升挂钩。"),
    (ProposalCategory.WAGES, "调整夜班补贴标准", "人力资源部", False,
     "夜班补贴标准低于周边同行企业，夜班岗位招工难。",
     "夜班补贴每班提高至25元，连续夜班另行补助。"),
    (ProposalCategory.WAGES, "公开计件单价核定办法", "人力资源部", False,
     "计件单价调整时职工不清楚核定依据，容易产生误解。",
     "计件单价核定办法和调整结果在厂务公开栏公示。"),
    (ProposalCategory.TRAINING, "开展青年职工技能培训", "人力资源部", True,
     "新入职青年职工技能基础薄弱，上岗培训时间短。",
     "实行师带徒制度，每季度组织一次岗位技能比武。"),
    (ProposalCategory.TRAINING, "组织特种作业人员持证培训", "安全环保部", False,
     "部分叉车和电工岗位人员证书即将到期。",
     "统一组织复审培训，费用由企业承担。"),
    (ProposalCategory.TRAINING, "设立职工学历提升补助", "人力资源部", False,
     "职工参加成人学历教育的学费全部自理，积极性不高。",
     "取得学历证书后按比例报销学费。"),
    (ProposalCategory.WELFARE, "增设职工子女暑期托管班", "工会办公室", False,
     "暑假期间双职工子女无人照看，职工请假较多。",
     "利用职工之家场地开办暑期托管班。"),
    (ProposalCategory.WELFARE, "改善厂区停车和充电设施", "行政后勤部", False,
     "厂区电动车停放混乱，充电插座不足且存在消防隐患。",
     "建设集中式智能充电车棚。"),
    (ProposalCategory.WELFARE, "组织职工年度健康体检增加项目", "工会办公室", False,
     "现有体检项目简单，对职业病早期筛查不足。",
     "按岗位增加听力、肺功能等职业健康检查项目。"),
    (ProposalCategory.SAFETY, "完善危险化学品仓库管理", "安全环保部", True,
     "危化品仓库通风和泄漏报警设施不完善。",
     "加装可燃气体报警器和强制通风设施，实行双人双锁管理。"),
    (ProposalCategory.PRODUCTION, "推广一线职工先进操作法", "技术研发部", True,
     "一些班组的先进操作方法只在本班组使用，没有推广。",
     "总结命名先进操作法并在同类岗位推广。"),
    (ProposalCategory.PRODUCTION, "减少染色工序用水量", "技术研发部", True,
     "染色工序单位产品用水量高于行业先进水平。",
     "试行小浴比染色工艺，回用漂洗水。"),
    (ProposalCategory.MANAGEMENT, "优化排班减少无效加班", "生产部", True,
     "生产计划变动频繁，临时加班多，职工疲劳。",
     "生产计划提前一周锁定，推行弹性排班。"),
    (ProposalCategory.OTHER, "丰富职工业余文化生活", "工会办公室", False,
     "职工下班后文体活动场所少，活动单一。",
     "开放职工书屋和健身室，每季度组织一次文体活动。"),
    (ProposalCategory.OTHER, "建立职工困难帮扶基金", "工会办公室", False,
     "个别职工家庭因病致困，临时救助渠道不足。",
     "企业和工会共同出资设立帮扶基金。"),
    (ProposalCategory.PRODUCTION, "废边角料分类回收再利用", "生产部", True,
     "生产产生的边角料混放处理，可回收部分未利用。",
     "设置分类回收点，可利用边角料回用于小件生产。"),
]
CONVERT_REASONS = ["属于一般性意见，不涉及企业生产经营和职工切身利益的重大事项，转为合理化建议交相关部门参考办理",
                   "内容较为具体，属日常管理事项，转为合理化建议由职能部门直接办理",
                   "提案附议人数不足，经提案人同意转为合理化建议"]
REJECT_REASONS = ["反映的是个人待遇问题，不属于职代会提案范围，已告知提案人通过其他渠道反映",
                  "与本年度已立案提案内容重复，已并入该提案办理",
                  "涉及事项属国家政策规定，企业无权调整，不予立案"]
EXTENSION_REASONS = ["涉及设备采购，需经公司年度预算审批", "需与相关供应商协商，办理周期较长",
                     "涉及多个部门协调，需进一步调研论证"]
REPLIES = {
    ReplyOutcome.SOLVED: "经研究，提案所提建议已全部落实：{suggestion}相关措施已完成并投入使用。",
    ReplyOutcome.PLANNED: "提案所提建议合理，已列入公司下一年度工作计划，将按计划分步实施。",
    ReplyOutcome.NOT_NOW: "经研究，受现有场地和资金条件限制，暂不能解决，已向提案人当面说明情况，条件具备后再行研究。",
}
DELEGATE_LEAVE_REASONS = ["离职", "调离本单位", "退休", "岗位调整为中层管理人员，辞去代表职务"]
VENUES = ["公司一楼大会议室", "职工活动中心", "三楼报告厅", "行政楼多功能厅", "职工之家"]
CANCEL_REASONS = ["因生产任务紧张，会议延期至明年一季度召开", "企业改制期间暂缓召开，待新的管理层确定后重新安排",
                  "议题准备不充分，取消本次会议，改期召开"]
# (kind, title, put to the vote)
AGENDA_STANDING = [(AgendaKind.WORK_REPORT, "审议企业{prev}年度工作报告", True),
                   (AgendaKind.OPEN_AFFAIRS, "听取厂务公开工作情况报告", False)]
AGENDA_OPTIONAL = [
    (AgendaKind.COLLECTIVE_CONTRACT, "审议《集体合同（草案）》", True),
    (AgendaKind.WAGE_AGREEMENT, "审议《{year}年度工资专项集体合同（草案）》", True),
    (AgendaKind.MANAGER_EVALUATION, "民主评议中层以上管理人员", True),
    (AgendaKind.RULES, "审议《员工考勤与休假管理制度（修订稿）》", True),
    (AgendaKind.RULES, "审议《员工奖惩办法（修订稿）》", True),
    (AgendaKind.WELFARE, "审议{year}年度职工福利费使用方案", True),
]
FAILED_RESOLUTION = "未获全体代表过半数同意，未通过，会后修改后提交下次会议审议。"
AGENDA_FIRST = (AgendaKind.OTHER, "选举职代会提案工作委员会和劳动法律监督委员会", True)
AGENDA_PROPOSALS = (AgendaKind.PROPOSALS, "听取上次会议以来提案办理情况报告", False)
DISCLOSURE_SUMMARIES = {
    "WAGES": "公示年度职工工资调整方案及各岗位工资标准", "BONUSES": "公示绩效奖金分配办法及发放情况",
    "SOCIAL_INSURANCE": "公示职工社会保险和住房公积金缴费基数及缴纳情况",
    "SAFETY": "公示安全生产责任制落实情况及职业病危害因素检测结果", "HIRING": "公示招聘计划及劳动合同签订、解除情况",
    "HOSPITALITY": "公示业务招待费使用情况", "WELFARE": "公示职工福利费提取和使用情况",
    "TRAINING": "公示职工教育培训计划及经费使用情况",
}
# Items disclosed each quarter (the others once or twice a year).
QUARTERLY_ITEMS = {"WAGES", "SAFETY"}


@dataclass
class BodyPlan:
    firm: object
    kind: str
    term_number: int
    term_years: int
    starts_on: datetime.date
    ends_on: datetime.date
    status: str
    runs_proposals: bool = False
    year_outcome: str = "reported"
    id: int = 0
    delegates: list = field(default_factory=list)   # row dicts
    sessions: list = field(default_factory=list)    # (row dict, agenda row dicts)
    proposals: list = field(default_factory=list)   # (row dict, cosigner delegate ids)


class CongressDemo:
    def __init__(self, gen, *, on=ON):
        self.gen = gen
        self.on = on
        self.rng = random.Random(gen.seed * 7919 + 5)  # its own stream: the rest of the demo stays as it was
        self.small = gen.scale.name == "small"
        self.now = gen.now
        self.rules = congress_rules.rules()
        self.items = [code for code, _label in congress_rules.disclosure_items()]
        self.bodies: list[BodyPlan] = []
        self._small_outcomes = ["held_overdue", "planned", "none", "held_due", "cancelled"]
        self._due = {}  # (kind, day[, extended]) -> date: the same dates come back thousands of times
        self._ids = {model: _next_id(model) for model in MODELS}

    # --- helpers ---------------------------------------------------------------------------------
    def _id(self, model):
        value = self._ids[model]
        self._ids[model] = value + 1
        return value

    def _weighted(self, pairs):
        total = sum(w for _v, w in pairs)
        x = self.rng.random() * total
        for value, weight in pairs:
            x -= weight
            if x < 0:
                return value
        return pairs[-1][0]

    def _between(self, start, end):
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))

    def _round(self, x):
        """x rounded up or down at random in proportion (so small shares still happen)."""
        return int(x) + (self.rng.random() < x - int(x))

    def name(self, taken):
        """A fictional name not yet in `taken` (the demo's surname frequencies, this module's stream)."""
        rng, gen = self.rng, self.gen
        while True:
            surname = gen._surnames[bisect.bisect_right(gen._surname_cum, rng.random() * gen._surname_cum[-1])]
            chars = vocab.GIVEN_MALE if rng.random() < 0.55 else vocab.GIVEN_FEMALE
            name = surname + rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
            if name not in taken:
                taken.add(name)
                return name

    def report_due(self, day):
        key = ("report", day)
        if key not in self._due:
            self._due[key] = deadlines.report_due(day)
        return self._due[key]

    def reply_due(self, day, extended=False):
        key = ("reply", day, extended)
        if key not in self._due:
            self._due[key] = deadlines.reply_due(day, extended=extended)
        return self._due[key]

    def working_day(self, day):
        key = ("working", day)
        if key not in self._due:
            self._due[key] = deadlines.next_working_day(day)
        return self._due[key]

    # --- which enterprises have a body ---------------------------------------------------------------
    def plan(self):
        rng, gen = self.rng, self.gen
        flagship = gen.firms[0]
        eligible = [f for f in gen.firms if f.union is not None
                    and f.union.union_kind in (UnionKind.ENTERPRISE, UnionKind.INSTITUTION)]
        demo_towns = [gen.town_by_name[name] for name in _town_names()]
        chosen = []
        for firm in eligible:
            if firm is flagship:
                chosen.append(firm)
            elif firm.headcount >= self.rules.congress_min_headcount:
                if self.small or rng.random() < CONGRESS_SHARE:
                    chosen.append(firm)
            elif firm.headcount >= 25 and (
                    # at small scale every union in the demo towns' subtrees: the town cadres see them
                    (self.small and any(_under(firm.union, town) for town in demo_towns))
                    or rng.random() < (0.6 if self.small else ALL_STAFF_SHARE)):
                chosen.append(firm)
        proposal_firms = self._proposal_firms(chosen, flagship)
        for firm in chosen:
            self._plan_body(firm, runs_proposals=id(firm) in proposal_firms, flagship=firm is flagship)
        for body in self.bodies:
            if body.runs_proposals:
                self._plan_proposals(body, flagship=body.firm is flagship)
        if not self.small:
            self._scale_benefit()

    def _proposal_firms(self, chosen, flagship):
        """The enterprises running the proposal system: union1's always; at district scale 126
        above-scale ones (some in town1 and town2, a few all-staff meetings); at small scale the
        largest in town2's subtree and in three other towns."""
        rng, gen = self.rng, self.gen
        town1, town2 = gen.town_by_name[_town_names()[0]], gen.town_by_name[_town_names()[1]]
        picked = [flagship]
        minimum = self.rules.congress_min_headcount
        if self.small:
            by_size = sorted(chosen, key=lambda f: (-f.headcount, f.id))
            picked += [f for f in by_size if _under(f.union, town2)][:1]
            picked += [f for f in by_size if f.town is not town1 and f.town is not town2
                       and f.headcount >= minimum][:3]
            return {id(f) for f in picked}
        above = [f for f in chosen if f.above_scale and f is not flagship]
        congresses = [f for f in above if f.headcount >= minimum]
        small_ones = [f for f in above if f.headcount < minimum]
        for town in (town1, town2):
            picked += rng.sample([f for f in congresses if _under(f.union, town)], 3)
        picked += rng.sample(small_ones, min(ALL_STAFF_PROPOSAL_BODIES, len(small_ones)))
        taken = {id(f) for f in picked}
        rest = [f for f in congresses if id(f) not in taken]
        picked += rng.sample(rest, PROPOSAL_ENTERPRISES - len(picked))
        return {id(f) for f in picked}

    # --- a body: its term(s), roll and sessions ---------------------------------------------------------
    def _plan_body(self, firm, *, runs_proposals, flagship):
        rng, on = self.rng, self.on
        kind = congress_rules.body_kind_for(firm.headcount)
        years = self._weighted([(3, 60), (4, 5), (5, 35)])
        if runs_proposals:  # constituted before this year: its proposals are all of this term
            latest = datetime.date(YEAR - 1, 12, 20)
        elif rng.random() < 0.03 and not flagship:  # a term that ran out: re-election due
            latest = deadlines.add_months(on, -12 * years) - datetime.timedelta(days=rng.randint(1, 200))
        else:
            latest = on - datetime.timedelta(days=40)
        earliest = deadlines.add_months(on, -12 * years) + datetime.timedelta(days=30)
        starts_on = self.working_day(self._between(min(earliest, latest), latest))
        term_number = self._weighted([(1, 40), (2, 30), (3, 20), (4, 10)])
        body = BodyPlan(firm, kind, term_number, years, starts_on, _term_end(starts_on, years), BodyStatus.ACTIVE,
                        runs_proposals=runs_proposals)
        if starts_on.year < YEAR:
            if runs_proposals or flagship:
                body.year_outcome = "reported"
            elif self.small and self._small_outcomes and body.ends_on > datetime.date(YEAR, 12, 31):
                # a few bodies is all: every case once first, in terms that run past the year
                body.year_outcome = self._small_outcomes.pop(0)
            else:
                body.year_outcome = self._weighted(YEAR_OUTCOMES)
        if term_number > 1 and rng.random() < PREVIOUS_TERM_SHARE:
            prev_years = self._weighted([(3, 60), (5, 40)])
            prev_start = self.working_day(deadlines.add_months(starts_on, -12 * prev_years))
            previous = BodyPlan(firm, kind, term_number - 1, prev_years, prev_start, starts_on - DAY,
                                BodyStatus.ENDED)
            self._constitute(previous)
        self._constitute(body)

    def _constitute(self, body):
        body.id = self._id(CongressBody)
        body.headcount = body.firm.headcount
        body.quota = congress_rules.delegate_quota(body.headcount)
        self.bodies.append(body)
        ended = body.status == BodyStatus.ENDED
        if body.kind == BodyKind.CONGRESS:
            size = max(1, body.quota + self.rng.randint(-2, 2))
            self._roll(body, size, substitutes=self.rng.randint(0, 2 + size // 40), ended=ended)
        elif body.runs_proposals:
            self._roll(body, body.headcount, substitutes=0, ended=ended)
        self._plan_sessions(body)

    def _roll(self, body, size, *, substitutes, ended):
        rng, groups = self.rng, self._groups(body)
        managers = rng.randint(max(1, size // 10), congress_rules.managers_allowed(size))
        technicians = round(size * rng.uniform(0.15, 0.3))
        others = rng.randint(0, max(1, size // 20))
        categories = ([DelegateCategory.MANAGER] * managers + [DelegateCategory.TECHNICIAN] * technicians
                      + [DelegateCategory.OTHER] * others)
        categories += [DelegateCategory.FRONT_LINE] * (size - len(categories))
        rng.shuffle(categories)
        taken = set()
        leave_until = min(body.ends_on, self.on - datetime.timedelta(days=10))
        for i, category in enumerate(categories + [DelegateCategory.FRONT_LINE] * substitutes):
            ended_on, reason = None, ""
            if ended:
                ended_on, reason = body.ends_on, "任期届满"
            elif (body.kind == BodyKind.CONGRESS and rng.random() < 0.02
                  and leave_until > body.starts_on + datetime.timedelta(days=60)):
                ended_on = self._between(body.starts_on + datetime.timedelta(days=60), leave_until)
                reason = rng.choice(DELEGATE_LEAVE_REASONS)
            body.delegates.append({
                "id": self._id(Delegate), "org_id": body.firm.union.id, "body_id": body.id, "person_id": None,
                "name": self.name(taken), "group": groups[i % len(groups)], "category": category,
                "is_substitute": i >= size, "elected_on": body.starts_on, "ended_on": ended_on,
                "end_reason": reason, "created_at": self.now})
        self._keep_manager_share(body.delegates)

    def _keep_manager_share(self, roll):
        """Managers stay within the share among the delegates still serving (a leaver who was not a
        manager could tip it): the service refuses a roll over it, so a few become technicians."""
        serving = [d for d in roll if not d["is_substitute"] and d["ended_on"] is None]
        managers = [d for d in serving if d["category"] == DelegateCategory.MANAGER]
        for d in managers[congress_rules.managers_allowed(len(serving)):]:
            d["category"] = DelegateCategory.TECHNICIAN

    def _groups(self, body):
        """The delegations (代表团) of a roll: one for a small body, a few for a large one."""
        count = 1 if body.kind == BodyKind.ALL_STAFF else min(1 + body.quota // 30, len(GROUPS))
        return GROUPS[:count] if count > 1 else ["全体代表" if body.kind == BodyKind.CONGRESS else "全体职工"]

    def _entitled(self, body, day):
        if body.kind == BodyKind.ALL_STAFF:
            return body.headcount
        return sum(1 for d in body.delegates
                   if not d["is_substitute"] and (d["ended_on"] is None or d["ended_on"] > day))

    def _plan_sessions(self, body):
        rng = self.rng
        years = range(body.starts_on.year, min(body.ends_on.year, YEAR) + 1)
        for number, year in enumerate(years, start=1):
            first = year == body.starts_on.year
            if first:
                held = body.starts_on
            else:
                anniversary = _same_day(body.starts_on, year) + datetime.timedelta(days=rng.randint(-30, 30))
                held = self.working_day(anniversary)
            if held > body.ends_on or (body.status == BodyStatus.ENDED and not first
                                       and held > body.ends_on - datetime.timedelta(days=60)):
                break
            outcome = body.year_outcome if year == YEAR and not first else "reported"
            if year == YEAR and outcome in ("reported", "held_due", "held_overdue"):
                held = self._this_year(body, outcome, held, first)
                if held > body.ends_on:  # the term ran out before this year's meeting
                    break
            if outcome == "none":
                break
            self._session(body, number, outcome, held, first)

    def _this_year(self, body, outcome, held, first):
        """This year's meeting date: a proposal body meets in the first months (its proposals are
        collected for it); a report overdue or due lies a few days back."""
        rng, on = self.rng, self.on
        if first:
            return held
        if outcome == "held_overdue":
            return self.working_day(on - datetime.timedelta(days=rng.randint(14, 40)))
        if outcome == "held_due":
            return min(self.working_day(on - datetime.timedelta(days=rng.randint(1, 5))), on)
        if body.runs_proposals:
            return self.working_day(self._between(datetime.date(YEAR, 1, 8), datetime.date(YEAR, 4, 20)))
        return min(held, on - datetime.timedelta(days=20))

    def _session(self, body, number, outcome, held, first):
        rng, on = self.rng, self.on
        org_id = body.firm.union.id
        word = "职代会" if body.kind == BodyKind.CONGRESS else "职工大会"
        row = {"id": self._id(Session), "org_id": org_id, "body_id": body.id, "number": number,
               "title": f"第{body.term_number}届{word}第{_chinese_number(number)}次会议", "venue": rng.choice(VENUES),
               "papers_sent_on": None, "held_on": None, "entitled": None, "present": None, "resolutions": "",
               "report_due_on": None, "reported_on": None, "cancel_reason": "", "created_at": self.now,
               "updated_at": self.now}
        if outcome in ("planned", "cancelled"):
            planned = (self._between(datetime.date(YEAR, 12, 7), datetime.date(YEAR, 12, 28)) if outcome == "planned"
                       else self._between(datetime.date(YEAR, 3, 1), on - datetime.timedelta(days=30)))
            row.update(status=SessionStatus.PLANNED if outcome == "planned" else SessionStatus.CANCELLED,
                       planned_on=self.working_day(planned))
            if row["planned_on"] > body.ends_on:
                return
            if outcome == "planned" and rng.random() < 0.5:
                row["papers_sent_on"] = min(on - datetime.timedelta(days=rng.randint(0, 3)),
                                            deadlines.papers_deadline(row["planned_on"]))
            if outcome == "cancelled":
                row["cancel_reason"] = rng.choice(CANCEL_REASONS)
            body.sessions.append((row, self._agenda(body, row, first, voted=False)))
            return
        entitled = self._entitled(body, held)
        need = congress_rules.quorum_needed(entitled)
        present = entitled - rng.randint(0, min(entitled - need, max(1, entitled // 10)))
        row.update(planned_on=held, held_on=held, entitled=entitled, present=present,
                   papers_sent_on=held - datetime.timedelta(days=rng.randint(self.rules.papers_days_before, 15)),
                   report_due_on=self.report_due(held))
        if outcome == "reported":
            late = rng.random() < 0.05
            reported = (row["report_due_on"] + datetime.timedelta(days=rng.randint(1, 10)) if late
                        else held + datetime.timedelta(days=rng.randint(1, (row["report_due_on"] - held).days)))
            row.update(status=SessionStatus.REPORTED, reported_on=min(reported, on))
        else:
            row["status"] = SessionStatus.HELD
        agenda = self._agenda(body, row, first, voted=True)
        passed = [a["title"] for a in agenda if a["passed"]]
        heard = [a["title"] for a in agenda if not a["requires_vote"]]
        row["resolutions"] = (f"会议应到{entitled}人，实到{present}人，符合法定人数。"
                              + (f"会议{'、'.join(heard)}。" if heard else "")
                              + (f"会议表决通过：{'；'.join(passed)}。" if passed else ""))
        body.sessions.append((row, agenda))

    def _agenda(self, body, row, first, *, voted):
        rng = self.rng
        year = (row["held_on"] or row["planned_on"]).year
        items = list(AGENDA_STANDING)
        if first:
            items.insert(0, AGENDA_FIRST)
        items += rng.sample(AGENDA_OPTIONAL, rng.randint(1, 3))
        if body.runs_proposals and not first:
            items.append(AGENDA_PROPOSALS)
        agenda = []
        for position, (kind, title, requires_vote) in enumerate(items, start=1):
            item = {"id": self._id(AgendaItem), "session_id": row["id"], "position": position, "kind": kind,
                    "title": title.format(year=year, prev=year - 1), "requires_vote": requires_vote,
                    "votes_for": None, "votes_against": None, "abstentions": None, "passed": None, "resolution": ""}
            if voted and requires_vote:
                self._vote(item, row["entitled"], row["present"])
            elif voted:
                item["resolution"] = "会议听取了报告，代表进行了审议。"
            agenda.append(item)
        return agenda

    def _vote(self, item, entitled, present):
        rng = self.rng
        majority = entitled // 2 + 1
        if rng.random() < 0.03 and item["kind"] not in (AgendaKind.WORK_REPORT, AgendaKind.OTHER):
            votes_for = rng.randint(max(0, present - entitled // 2 - 3), min(entitled // 2, present))
        else:
            votes_for = rng.randint(max(majority, present - max(1, present // 8)), present)
        against = rng.randint(0, present - votes_for)
        abstentions = rng.randint(0, present - votes_for - against)
        passed = congress_rules.motion_passes(votes_for, entitled)
        item.update(votes_for=votes_for, votes_against=against, abstentions=abstentions, passed=passed,
                    resolution="表决通过。" if passed else FAILED_RESOLUTION)

    # --- proposals -------------------------------------------------------------------------------------
    def _adopted_counts(self):
        """Adopted proposals per proposal body at district scale: ADOPTED_TARGET shared by the size
        of the roll (largest remainders, so the sum is exact)."""
        bodies = [b for b in self.bodies if b.runs_proposals and b.status == BodyStatus.ACTIVE]
        weights = [len(b.delegates) ** 0.7 * self.rng.uniform(0.6, 1.4) for b in bodies]
        total = sum(weights)
        shares = [ADOPTED_TARGET * w / total for w in weights]
        counts = [int(s) for s in shares]
        order = sorted(range(len(bodies)), key=lambda i: counts[i] - shares[i])
        for i in order[:ADOPTED_TARGET - sum(counts)]:
            counts[i] += 1
        return {id(b): c for b, c in zip(bodies, counts, strict=True)}

    def _plan_proposals(self, body, *, flagship):
        rng = self.rng
        if not hasattr(self, "_adopted"):
            self._adopted = {} if self.small else self._adopted_counts()
        adopted = self._adopted.get(id(body), rng.randint(5, 9))
        wanted = []  # (status, outcome or "", variant)
        if flagship:
            wanted += [(ProposalStatus.DRAFT, "", ""), (ProposalStatus.SUBMITTED, "", ""),
                       (ProposalStatus.CONVERTED, "", ""), (ProposalStatus.REJECTED, "", ""),
                       (ProposalStatus.ACCEPTED, "", ""), (ProposalStatus.ASSIGNED, "", "soon"),
                       (ProposalStatus.ASSIGNED, "", "overdue"), (ProposalStatus.ASSIGNED, "", "extended"),
                       (ProposalStatus.ASSIGNED, "", "reopened"), (ProposalStatus.REPLIED, ReplyOutcome.SOLVED, ""),
                       (ProposalStatus.ARCHIVED, ReplyOutcome.PLANNED, "reopened"),
                       (ProposalStatus.ARCHIVED, ReplyOutcome.NOT_NOW, "")]
            adopted = max(0, adopted - 2)
        for _ in range(adopted):
            outcome = ReplyOutcome.SOLVED if rng.random() < 0.62 else ReplyOutcome.PLANNED
            status = ProposalStatus.ARCHIVED if rng.random() < 0.86 else ProposalStatus.REPLIED
            wanted.append((status, outcome, "reopened" if status == ProposalStatus.ARCHIVED and rng.random() < 0.03
                           else ""))
        for status, share in STATUS_MIX:
            for _ in range(self._round(adopted * share)):
                if status == "C":
                    wanted.append((ProposalStatus.ARCHIVED if rng.random() < 0.75 else ProposalStatus.REPLIED,
                                   ReplyOutcome.NOT_NOW, ""))
                elif status == ProposalStatus.ASSIGNED:
                    wanted.append((status, "", self._weighted([("overdue", 25), ("soon", 15), ("waiting", 50),
                                                               ("extended", 7), ("reopened", 3)])))
                else:
                    wanted.append((status, "", ""))
        voters = [d["id"] for d in body.delegates if not d["is_substitute"] and d["ended_on"] is None]
        held = [s for s, _a in body.sessions if s["held_on"]]
        topics = list(TOPICS)
        rng.shuffle(topics)
        plans = []
        for n, (status, outcome, variant) in enumerate(wanted):
            topic = topics[n % len(topics)]
            again = n >= len(topics)
            dates = self._proposal_dates(status, variant, held)
            plans.append((dates, status, outcome, variant, topic, again))
        plans.sort(key=lambda p: (p[0].get("submitted_on") or self.on + DAY, p[4][1]))
        numbered = sorted((p for p in plans if p[0].get("reviewed_on") and p[1] not in (
            ProposalStatus.CONVERTED, ProposalStatus.REJECTED)), key=lambda p: (p[0]["reviewed_on"], p[4][1]))
        numbers = {id(p): f"{p[0]['reviewed_on'].year}-{i:03d}" for i, p in enumerate(numbered, start=1)}
        for plan in plans:
            body.proposals.append(self._proposal_row(body, plan, numbers.get(id(plan), ""), voters, held))

    def _proposal_dates(self, status, variant, held):
        """The dates of one proposal at `status`, none after ON."""
        rng, on = self.rng, self.on
        session_on = held[-1]["held_on"] if held and held[-1]["held_on"].year == YEAR else None
        d = {}
        if status == ProposalStatus.DRAFT:
            return d
        if status == ProposalStatus.SUBMITTED:
            d["submitted_on"] = on - datetime.timedelta(days=rng.randint(0, 18))
            return d
        if status == ProposalStatus.ACCEPTED:
            d["reviewed_on"] = on - datetime.timedelta(days=rng.randint(0, 10))
            d["submitted_on"] = d["reviewed_on"] - datetime.timedelta(days=rng.randint(2, 15))
            return d
        if status in (ProposalStatus.CONVERTED, ProposalStatus.REJECTED):
            d["submitted_on"] = self._submitted_early(session_on, on - datetime.timedelta(days=30))
            d["reviewed_on"] = d["submitted_on"] + datetime.timedelta(days=rng.randint(2, 15))
            return d
        if status == ProposalStatus.ASSIGNED:
            extended = variant == "extended"
            if variant == "overdue":
                assigned = on - datetime.timedelta(days=rng.randint(63, 95))
            elif variant == "soon":
                assigned = deadlines.add_months(on + datetime.timedelta(days=rng.randint(0, 4)), -2)
            elif variant == "extended":
                assigned = on - datetime.timedelta(days=rng.randint(62, 100))
            elif variant == "reopened":
                assigned = on - datetime.timedelta(days=rng.randint(3, 40))
            else:
                assigned = on - datetime.timedelta(days=rng.randint(0, 55))
            d.update(self._before_assignment(assigned, reopened=variant == "reopened"))
            d["due_on"] = self.reply_due(assigned, extended)
            if variant == "overdue" and d["due_on"] >= on:
                return self._proposal_dates(status, variant, held)
            d["extended"] = extended
            return d
        # REPLIED (awaiting the proposer's rating) or ARCHIVED
        if status == ProposalStatus.REPLIED:
            replied = on - datetime.timedelta(days=rng.randint(0, 25))
            late = rng.random() < 0.1
            assigned = replied - datetime.timedelta(days=rng.randint(62, 80) if late else rng.randint(15, 55))
            d.update(self._before_assignment(assigned, reopened=variant == "reopened"))
            d.update(due_on=self.reply_due(assigned), replied_on=replied, extended=False)
            return d
        for _attempt in range(50):
            submitted = self._submitted_early(session_on, on - datetime.timedelta(days=150))
            reviewed = submitted + datetime.timedelta(days=rng.randint(2, 15))
            assigned = reviewed + datetime.timedelta(days=rng.randint(1, 10))
            extended = variant != "reopened" and rng.random() < 0.08
            due = self.reply_due(assigned, extended)
            if rng.random() < 0.1:
                replied = due + datetime.timedelta(days=rng.randint(1, 20))
            else:
                replied = self._between(assigned + datetime.timedelta(days=15), due)
            if variant == "reopened":  # rated unsatisfactory, assigned again that day, replied again
                first_rated = replied + datetime.timedelta(days=rng.randint(3, 15))
                assigned = first_rated
                due = self.reply_due(assigned)
                replied = self._between(assigned + datetime.timedelta(days=10), due)
            rated = archived = replied + datetime.timedelta(days=rng.randint(2, 15))  # a rating archives it
            if archived <= on:
                break
        d.update(submitted_on=submitted, reviewed_on=reviewed, assigned_on=assigned, due_on=due, extended=extended,
                 replied_on=replied, rated_on=rated, archived_on=archived)
        return d

    def _submitted_early(self, session_on, latest):
        """Mostly in the weeks the proposals are collected for this year's session, else any time."""
        rng = self.rng
        start = datetime.date(YEAR, 1, 4)
        if session_on and rng.random() < 0.75:
            return min(self._between(max(start, session_on - datetime.timedelta(days=45)),
                                     session_on + datetime.timedelta(days=5)), latest)
        return self._between(start, latest)

    def _before_assignment(self, assigned, *, reopened):
        rng = self.rng
        if reopened:  # the first round: submitted, reviewed, assigned, replied, rated unsatisfactory
            reviewed = assigned - datetime.timedelta(days=rng.randint(75, 120))
        else:
            reviewed = assigned - datetime.timedelta(days=rng.randint(1, 10))
        submitted = max(reviewed - datetime.timedelta(days=rng.randint(2, 15)), datetime.date(YEAR, 1, 4))
        return {"submitted_on": submitted, "reviewed_on": max(reviewed, submitted), "assigned_on": assigned}

    def _proposal_row(self, body, plan, number, voters, held):
        rng = self.rng
        dates, status, outcome, variant, topic, again = plan
        category, subject, department, economic, reasons, suggestion = topic
        submitted = dates.get("submitted_on")
        session_id = None
        if submitted:
            for s in held:  # the session whose collection window (45 days before to 5 after) holds it
                if s["held_on"] - datetime.timedelta(days=45) <= submitted <= s["held_on"] + datetime.timedelta(days=5):
                    session_id = s["id"]
        row = {
            "id": self._id(Proposal), "org_id": body.firm.union.id, "body_id": body.id, "session_id": session_id,
            "number": number, "title": f"关于{'进一步' if again else ''}{subject}的提案", "category": category,
            "reasons": reasons, "suggestions": suggestion, "proposer_id": None, "status": status,
            "submitted_on": submitted, "reviewed_on": dates.get("reviewed_on"), "review_reason": "",
            "department": "", "assigned_on": dates.get("assigned_on"), "due_on": dates.get("due_on"),
            "extended": dates.get("extended", False), "extension_reason": "", "outcome": outcome, "reply": "",
            "replied_on": dates.get("replied_on"), "satisfaction": "", "rated_on": dates.get("rated_on"),
            "reopen_count": 1 if variant == "reopened" else 0, "archived_on": dates.get("archived_on"),
            "benefit_estimated": None, "benefit_verified": None, "created_at": self.now, "updated_at": self.now,
        }
        if status == ProposalStatus.CONVERTED:
            row["review_reason"] = rng.choice(CONVERT_REASONS)
        elif status == ProposalStatus.REJECTED:
            row["review_reason"] = rng.choice(REJECT_REASONS)
        if row["assigned_on"]:
            row["department"] = department
        if row["extended"]:
            row["extension_reason"] = rng.choice(EXTENSION_REASONS)
        if row["replied_on"]:
            row["reply"] = REPLIES[outcome].format(suggestion=suggestion.rstrip("。"))
        if row["rated_on"]:  # "not satisfied" reopens it, unless it was reopened once already
            if outcome == ReplyOutcome.SOLVED or rng.random() < 0.5:
                row["satisfaction"] = Satisfaction.SATISFIED
            elif row["reopen_count"] and rng.random() < 0.4:
                row["satisfaction"] = Satisfaction.UNSATISFIED
            else:
                row["satisfaction"] = Satisfaction.BASICALLY
        if outcome in ADOPTED_OUTCOMES:
            self._benefit(row, economic)
        proposer = rng.choice(voters)
        count = rng.randint(0, 2) if status == ProposalStatus.DRAFT else rng.randint(
            self.rules.cosigners_min, self.rules.cosigners_min + 3)
        others = [v for v in voters if v != proposer]
        row["proposer_id"] = proposer
        return row, rng.sample(others, min(count, len(others)))

    def _benefit(self, row, economic):
        rng = self.rng
        if not economic and rng.random() < 0.7:
            return
        scale = 60000 if economic else 6000
        estimated = Decimal(round(scale * rng.lognormvariate(-0.6, 1.0), -2))
        row["benefit_estimated"] = estimated
        if row["status"] == ProposalStatus.ARCHIVED and row["outcome"] == ReplyOutcome.SOLVED:
            row["benefit_verified"] = Decimal(round(float(estimated) * rng.uniform(0.7, 1.15), -2))

    def _scale_benefit(self):
        """Scale the district's benefits so the verified total is the seed's (over 22 million)."""
        rows = [r for b in self.bodies for r, _c in b.proposals if r["benefit_estimated"] is not None]
        verified = sum((r["benefit_verified"] for r in rows if r["benefit_verified"] is not None), Decimal(0))
        if not verified:
            return
        factor = BENEFIT_TARGET / verified
        for r in rows:
            for key in ("benefit_estimated", "benefit_verified"):
                if r[key] is not None:
                    r[key] = (r[key] * factor).quantize(Decimal("100"), rounding=ROUND_HALF_UP)

    # --- 厂务公开 -------------------------------------------------------------------------------------
    def _disclosures(self):
        rng, on = self.rng, self.on
        rows = []
        flagship = self.gen.firms[0]
        for body in self.bodies:
            if body.status != BodyStatus.ACTIVE:
                continue
            firm = body.firm
            if firm is not flagship and not self.small and rng.random() > 0.85:  # (small: every one)
                continue
            congress_day = next((s["held_on"] for s, _a in body.sessions
                                 if s["held_on"] and s["held_on"].year == YEAR), None)
            for code in self.items:
                # a few items not disclosed (flagged on the checklist); union1's: the hospitality spending
                missing = code == "HOSPITALITY" if firm is flagship else rng.random() < 0.1
                if missing:
                    continue
                times = rng.randint(2, 4) if code in QUARTERLY_ITEMS else rng.randint(1, 2)
                for t in range(times):
                    if t == 0 and congress_day and rng.random() < 0.4:
                        day, channel = congress_day, DisclosureChannel.CONGRESS
                    else:
                        day = self._between(datetime.date(YEAR, 1, 10), on)
                        channel = self._weighted([(DisclosureChannel.NOTICE_BOARD, 45), (DisclosureChannel.MEETING, 15),
                                                  (DisclosureChannel.INTRANET, 15), (DisclosureChannel.MESSAGING, 20),
                                                  (DisclosureChannel.OTHER, 5)])
                    rows.append({"id": self._id(Disclosure), "org_id": firm.union.id, "enterprise_id": firm.id,
                                 "year": YEAR, "item": code, "disclosed_on": day, "channel": channel,
                                 "summary": DISCLOSURE_SUMMARIES.get(code, "按厂务公开目录公示相关事项"),
                                 "created_at": self.now})
        return rows

    # --- writing -------------------------------------------------------------------------------------
    def write(self):
        bodies, delegates, sessions, agenda, proposals, cosigning = [], [], [], [], [], []
        for body in self.bodies:
            bodies.append({
                "id": body.id, "org_id": body.firm.union.id, "enterprise_id": body.firm.id, "kind": body.kind,
                "term_number": body.term_number, "term_years": body.term_years, "term_starts_on": body.starts_on,
                "term_ends_on": body.ends_on, "headcount": body.headcount, "delegate_quota": body.quota,
                "status": body.status, "created_at": self.now, "updated_at": self.now})
            delegates += body.delegates
            for row, items in body.sessions:
                sessions.append(row)
                agenda += items
            for row, cosigners in body.proposals:
                proposals.append(row)
                cosigning += [{"id": self._id(Cosigning), "proposal_id": row["id"], "delegate_id": d}
                              for d in cosigners]
        disclosures = self._disclosures()
        writer = self.gen.writer
        for model, rows in ((CongressBody, bodies), (Delegate, delegates), (Session, sessions), (AgendaItem, agenda),
                            (Proposal, proposals), (Cosigning, cosigning), (Disclosure, disclosures)):
            _write(writer, model, rows)
        writer.reset_sequences(list(MODELS))
        return self._counts(bodies, delegates, sessions, agenda, proposals, cosigning, disclosures)

    def _counts(self, bodies, delegates, sessions, agenda, proposals, cosigning, disclosures):
        on = self.on
        adopted = [p for p in proposals if p["outcome"] in ADOPTED_OUTCOMES]
        held_this_year = {s["body_id"] for s in sessions if s["held_on"] and s["held_on"].year == YEAR
                          and s["status"] in (SessionStatus.HELD, SessionStatus.REPORTED)}
        body_firm = {b["id"]: b["enterprise_id"] for b in bodies}
        firms_with_proposals = {body_firm[p["body_id"]] for p in proposals}
        disclosed = {(d["enterprise_id"], d["item"]) for d in disclosures}
        disclosing = {d["enterprise_id"] for d in disclosures}

        def total(key, rows):
            return str(sum((r[key] for r in rows if r[key] is not None), Decimal(0)))

        return {
            "bodies": len(bodies),
            "bodies_by_kind": {k: sum(1 for b in bodies if b["kind"] == k) for k in BodyKind.values},
            "bodies_by_status": {s: sum(1 for b in bodies if b["status"] == s) for s in BodyStatus.values},
            "delegates": len(delegates), "substitutes": sum(1 for d in delegates if d["is_substitute"]),
            "sessions": len(sessions),
            "sessions_by_status": {s: sum(1 for r in sessions if r["status"] == s) for s in SessionStatus.values},
            "enterprises_held_this_year": len({body_firm[b] for b in held_this_year}),
            "reports_overdue": sum(1 for s in sessions
                                   if s["status"] == SessionStatus.HELD and s["report_due_on"] < on),
            "agenda_items": len(agenda), "votes_failed": sum(1 for a in agenda if a["passed"] is False),
            "proposals": len(proposals),
            "proposals_by_status": {s: sum(1 for p in proposals if p["status"] == s) for s in ProposalStatus.values},
            "enterprises_with_proposals": len(firms_with_proposals),
            "adopted": len(adopted),
            "assigned_overdue": sum(1 for p in proposals
                                    if p["status"] == ProposalStatus.ASSIGNED and p["due_on"] < on),
            "benefit_estimated_yuan": total("benefit_estimated", adopted),
            "benefit_verified_yuan": total("benefit_verified", adopted),
            "cosignatures": len(cosigning),
            "disclosures": len(disclosures), "enterprises_disclosing": len(disclosing),
            "disclosure_items_missing": len(disclosing) * len(self.items) - len(disclosed),
        }


GROUPS = ["生产一线代表团", "技术管理代表团", "后勤服务代表团", "青年职工代表团", "女职工代表团", "销售与物流代表团"]


def _under(node, town):
    """Whether an org node lies in `town`'s subtree (an enterprise in a town may belong to a
    district industry union, outside the town cadre's reach)."""
    while node is not None:
        if node is town:
            return True
        node = node.parent
    return False


def _town_names():
    from .generator import TOWN1, TOWN2

    return TOWN1, TOWN2


def _next_id(model):
    return (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1


def _write(writer, model, rows):
    """Rows (dicts by attname) of one model; a column a row does not name gets the field's default
    (so a field added later with a default needs no change here)."""
    if not rows:
        return
    fields = model._meta.concrete_fields
    columns = [f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    writer.write(model, columns, [tuple(r[c] if c in r else defaults[c] for c in columns)
                                  for r in rows])


def _term_end(starts_on, years):
    """The day before the anniversary (a term from 29 February runs to 28 February), as the
    bodies' services compute it."""
    try:
        anniversary = starts_on.replace(year=starts_on.year + years)
    except ValueError:
        anniversary = datetime.date(starts_on.year + years, 3, 1)
    return anniversary - DAY


def _same_day(day, year):
    return deadlines.add_months(day, 12 * (year - day.year))


def _chinese_number(n):
    digits = "零一二三四五六七八九十"
    return digits[n] if n <= 10 else f"十{digits[n - 10]}" if n < 20 else str(n)


def seed_congress(gen, *, on=ON) -> dict:
    """Plan and write the demo congresses for a generator whose orgs and enterprises are written.
    Returns the counts (kept in the seed's audit record)."""
    started = time.monotonic()
    demo = CongressDemo(gen, on=on)
    demo.plan()
    counts = demo.write()
    counts["seconds"] = round(time.monotonic() - started, 1)
    counts["as_of"] = on.isoformat()
    counts["database"] = connection.vendor
    return counts
