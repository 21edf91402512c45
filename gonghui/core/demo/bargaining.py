"""Demo collective wage negotiation (DOMAIN.md §2) on top of the generated district.

Called by `generator.seed` after the org tree, enterprises and members are written; it reads the
generator's in-memory plan (unions, towns, enterprises with their ids), never the database.

The mix follows the district's 2015 figures (2,757 single-enterprise, 491 area and 11 industry
agreements, ~650,000 workers) at `district` scale, and a few dozen agreements at `small` scale —
always with data for the demo accounts: `union1` has a published agreement that expires soon and
its renewal offer with a reply due within days; `town1` has an area agreement in force covering
union1's enterprise (which its single agreement covers too: double coverage).

Rows are written in bulk, but each is what the services (`bargaining.services`) would have
written: the party's level fits the kind, coverage is the union's own enterprise or enterprises
under the party (of the agreement's industry) with 1..headcount workers, dates follow the steps
in order and none lies after `ON`, representatives are 3–10 equal per side with the union chair
as the workers' chief, rounds are chaired in turn (`services.expected_chair`), every vote's
`passed` is `services.vote_passes`, terms are complete before a vote, `ends_on` is
`services.end_of_term`, a filed agreement takes effect exactly when its objection period ends,
at most one open negotiation per (union, kind), and `next_step`/`next_due_on` come from the real
`timeline.next_due`.

Dates are drawn relative to `ON`, the project's "today", so the due page has steps overdue and
due within a few working days of it; like the rest of the demo, the data does not depend on the
day it is seeded.
"""

import bisect
import datetime
import itertools
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from gonghui.bargaining import services, timeline
from gonghui.bargaining.models import (
    IN_FORCE_STAGES,
    OPEN_STAGES,
    AgreementKind,
    Coverage,
    Representative,
    Side,
    StaffRequest,
    Stage,
    TalkRound,
    Vote,
    VotingBody,
    WageAgreement,
)
from gonghui.bargaining.rules import rules
from gonghui.core import workdays
from gonghui.orgs.models import Industry, OrgLevel, UnionKind

from . import vocab

ON = datetime.date(2026, 11, 30)
MODELS = (WageAgreement, Coverage, Representative, TalkRound, Vote, StaffRequest)
# Share of enterprise unions without an open negotiation whose staff have asked for one.
STAFF_REQUEST_SHARE = 0.03
DAY = datetime.timedelta(days=1)

# Rows of each kind at district scale (the seed's 2015 figures).
DISTRICT_TARGETS = {AgreementKind.SINGLE: 2757, AgreementKind.AREA: 491, AgreementKind.INDUSTRY: 11}
RENEWAL_CHAIN_SHARE = 0.10  # parties whose in-force (or lapsed) agreement has a renewal under way

# Stage of a party's (only or latest) agreement: (stage or category, weight).
STAGE_WEIGHTS = [
    ("PUBLISHED", 66), ("EXPIRING", 4), ("LAPSED", 1), (Stage.EFFECTIVE, 3), (Stage.FILED, 3),
    (Stage.SIGNED, 2), (Stage.APPROVED, 2), (Stage.IN_TALKS, 6), (Stage.REPLIED, 4), (Stage.OFFERED, 6),
    (Stage.CANCELLED, 3),
]
RENEWAL_STAGE_WEIGHTS = [(Stage.OFFERED, 30), (Stage.REPLIED, 20), (Stage.IN_TALKS, 25), (Stage.APPROVED, 5),
                         (Stage.PUBLISHED, 20)]
# Where the next deadline of an agreement waiting on a step falls: overdue, due soon, later.
DUE_WEIGHTS = [("overdue", 3), ("soon", 3), ("waiting", 4)]

INDUSTRY_WORDS = {
    Industry.TEXTILES: "纺织化纤", Industry.AUTO_PARTS: "汽车零部件", Industry.CONSTRUCTION: "建筑",
    Industry.LOGISTICS: "物流", Industry.SERVICES: "服务业", Industry.MANUFACTURING: "制造业",
}
WAGE_SYSTEMS = ["岗位绩效工资制", "岗位技能工资制", "结构工资制", "计件工资与岗位工资相结合", "年薪制与岗位工资相结合"]
OFFER_POINTS = ["年度职工工资增长幅度", "工资支付办法及时间", "加班工资计算基数", "一线职工计件单价调整",
                "技能人才津贴", "高温津贴与夜班补贴", "带薪休假期间工资", "学徒期工资标准"]
MINUTES = ["双方交换了工资协议草案，企业方介绍了经营与人工成本情况", "就年度工资增长幅度进行协商，双方提出各自方案",
           "就计件单价和劳动定额调整达成初步一致", "就技能人才津贴和学徒工资标准交换意见",
           "就加班工资计算基数和支付时间达成一致", "对协议草案逐条审议，形成提交职代会审议的草案"]
UNION_POSITIONS = ["工会副主席", "职工代表", "工会委员", "车间主任", "班组长", "女职工委员会主任", "技术骨干"]
EMPLOYER_CHIEF = {AgreementKind.SINGLE: ["总经理", "董事长", "常务副总经理"],
                  AgreementKind.AREA: ["企业联合会会长"], AgreementKind.INDUSTRY: ["行业协会会长"]}
EMPLOYER_POSITIONS = ["人力资源部经理", "财务总监", "生产部经理", "行政部经理", "企业代表", "副会长"]
PUBLISH_METHODS = ["厂务公开栏", "职工大会通报", "企业内网公告", "厂务公开栏和职工微信群"]
CANCEL_REASONS = ["企业停产整顿，协商中止", "企业迁出本区，双方同意终止协商", "改为参加区域性工资集体协商",
                  "企业改制，待新的企业方代表确定后重新要约"]
REPLY_NOTES = ["同意协商，建议首次协商会议在下月上旬召开", "同意就要约事项进行协商", "同意协商，将按时提供工资相关资料"]
ALLOWANCES = "夜班津贴每班20元，高温津贴按省定标准发放"
OVERTIME = "延长工作时间按150%、休息日按200%、法定节假日按300%支付加班工资"
LEAVE = "带薪年休假、婚丧假期间按正常出勤支付工资"
PAYMENT = "每月15日前以货币形式足额支付，不得克扣或无故拖欠"
SPECIAL = "学徒期工资不低于本企业同岗位工资的80%"
SKILLED = ["高级工每月津贴300元、技师500元、高级技师800元", "技能等级晋升后次月起调整岗位工资"]


@dataclass
class Plan:
    """One agreement being planned: the row, its children, and the renewal it may have."""

    row: WageAgreement
    coverage: list = field(default_factory=list)  # (firm, workers)
    reps: list = field(default_factory=list)
    rounds: list = field(default_factory=list)
    votes: list = field(default_factory=list)
    renewal: "Plan | None" = None
    previous: "Plan | None" = None


class BargainingDemo:
    def __init__(self, gen, *, on=ON):
        self.gen = gen
        self.on = on
        self.rng = random.Random(gen.seed * 7919 + 4)  # its own stream: the rest of the demo stays as it was
        self.rules = rules()
        self.soon = workdays.add_working_days(on, self.rules.remind_working_days)
        self.plans: list[Plan] = []
        self.open_keys: set = set()
        self.small = gen.scale.name == "small"
        self.bureau_no = itertools.count(1)
        self.deck: list = []

    # --- helpers --------------------------------------------------------------------------------
    def _weighted(self, pairs):
        total = sum(w for _v, w in pairs)
        x = self.rng.random() * total
        for value, weight in pairs:
            x -= weight
            if x < 0:
                return value
        return pairs[-1][0]

    def _name(self, taken):
        while True:
            name = self.gen_name()
            if name not in taken:
                taken.add(name)
                return name

    def gen_name(self):
        rng = self.rng
        cum = self.gen._surname_cum  # the demo's surname frequencies, drawn from this module's stream
        surname = self.gen._surnames[bisect.bisect_right(cum, rng.random() * cum[-1])]
        chars = vocab.GIVEN_MALE if rng.random() < 0.55 else vocab.GIVEN_FEMALE
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
        return surname + given

    def _workers(self, firm, low=0.85):
        return max(1, min(firm.headcount, round(firm.headcount * self.rng.uniform(low, 1.0))))

    def _term(self):
        return self._weighted([(1, 55), (2, 25), (3, 20)])

    def _due_target(self, latest):
        """A due date overdue, within the reminder window, or later (at most `latest`)."""
        rng, on = self.rng, self.on
        kind = self._weighted(DUE_WEIGHTS)
        if kind == "overdue":
            return on - datetime.timedelta(days=rng.randint(1, 25))
        if kind == "soon" or latest <= self.soon:
            return on + datetime.timedelta(days=rng.randint(0, (self.soon - on).days))
        return self.soon + datetime.timedelta(days=rng.randint(1, (latest - self.soon).days))

    # --- one negotiation's dates ----------------------------------------------------------------
    def _offsets(self, kind):
        """Days after the offer of every step of a negotiation that runs to publication."""
        rng = self.rng
        o = {"offered": 0}
        o["received"] = 0 if rng.random() < 0.7 else rng.randint(1, 3)
        o["replied"] = o["received"] + (rng.randint(3, 19) if rng.random() < 0.9 else rng.randint(21, 30))
        o["first_meeting"] = o["replied"] + rng.randint(7, 16)
        o["data"] = o["first_meeting"] - (rng.randint(7, 10) if rng.random() < 0.85 else rng.randint(0, 3))
        count = rng.choice((1, 2, 2, 2, 3, 3, 4)) if kind == AgreementKind.SINGLE else rng.choice((2, 3, 3, 4))
        rounds = [o["first_meeting"] + (0 if rng.random() < 0.8 else rng.randint(1, 6))]
        for _ in range(count - 1):
            rounds.append(rounds[-1] + rng.randint(7, 21))
        o["rounds"] = rounds
        # a draft voted down once after round k (then talks went on): (k, day)
        o["failed_vote"] = None
        if count > 1 and rng.random() < 0.12:
            k = rng.randint(1, count - 1)
            o["failed_vote"] = (k, rounds[k - 1] + rng.randint(2, 5))
        o["vote"] = rounds[-1] + rng.randint(3, 14)
        o["signed"] = o["vote"] + rng.randint(1, 7)
        o["filed"] = o["signed"] + (rng.randint(2, 9) if rng.random() < 0.9 else rng.randint(11, 20))
        o["effective"] = o["filed"] + self.rules.objection_days + 1  # timeline.effective_date
        o["published"] = o["effective"] + (rng.randint(0, 4) if rng.random() < 0.9 else rng.randint(6, 12))
        o["proposed_talks"] = rng.randint(10, 30) if rng.random() < 0.6 else None
        return o

    def _build(self, *, org, kind, title, employer_party, industry, coverage, stage, renewal_of=None,
               starts_on=None, target=None, cancelled_from=None, term=None):
        """A negotiation of `org` at `stage`. `target` places the stage's anchor event; without it
        one is drawn. For PUBLISHED, `starts_on` fixes the term's start (the rest is placed
        before it)."""
        rng, on = self.rng, self.on
        at = cancelled_from or stage
        o = self._offsets(kind)
        term = term or (renewal_of.row.term_years if renewal_of else self._term())
        rounds_in = 0
        fail = o["failed_vote"]
        # how many rounds (and whether the failed vote) the stage includes, and the anchor event
        if at == Stage.OFFERED:
            anchor = "received"
            if target is None:
                target = self._due_target(on + datetime.timedelta(days=18)) - datetime.timedelta(
                    days=self.rules.reply_days)
        elif at == Stage.REPLIED:
            anchor = "replied"
            if target is None:
                due = self._due_target(on + datetime.timedelta(days=12))
                target = min(workdays.add_working_days(due, -self.rules.talks_working_days), on)
        elif at == Stage.IN_TALKS:
            rounds_in = rng.randint(1, len(o["rounds"]))
            if fail and fail[0] <= rounds_in and (fail[0] < rounds_in or rng.random() < 0.5):
                anchor_day = fail[1] if fail[0] == rounds_in else o["rounds"][rounds_in - 1]
            else:
                anchor_day = o["rounds"][rounds_in - 1]
                if fail and fail[0] >= rounds_in:
                    fail = None
            o["_anchor"] = anchor_day
            anchor = "_anchor"
            if target is None:
                target = on - datetime.timedelta(days=rng.randint(0, 45))
        else:
            rounds_in = len(o["rounds"])
            anchor = {Stage.APPROVED: "vote", Stage.SIGNED: "signed", Stage.FILED: "filed",
                      Stage.EFFECTIVE: "effective", Stage.PUBLISHED: "signed"}[at]
            if target is None:
                if at == Stage.APPROVED:
                    target = on - datetime.timedelta(days=rng.randint(0, 25))
                elif at == Stage.SIGNED:
                    target = self._due_target(on + datetime.timedelta(days=9)) - datetime.timedelta(
                        days=self.rules.filing_days)
                elif at == Stage.FILED:
                    target = on - datetime.timedelta(days=rng.randint(0, self.rules.objection_days - 1))
                elif at == Stage.EFFECTIVE:
                    target = self._due_target(on + datetime.timedelta(days=self.rules.publish_days)) - \
                        datetime.timedelta(days=self.rules.publish_days)
                else:  # PUBLISHED: the signing a few days before the term starts
                    target = starts_on - datetime.timedelta(days=rng.randint(0, 20))
                    lag = o["published"] - o["signed"]
                    target = min(target, on - datetime.timedelta(days=lag))
        if cancelled_from and stage == Stage.CANCELLED:
            target = on - datetime.timedelta(days=rng.randint(10, 250))
        base = target - datetime.timedelta(days=o[anchor])

        def d(key):
            return base + datetime.timedelta(days=o[key])

        order = [Stage.OFFERED, Stage.REPLIED, Stage.IN_TALKS, Stage.APPROVED, Stage.SIGNED, Stage.FILED,
                 Stage.EFFECTIVE, Stage.PUBLISHED]
        reached = order.index(at)
        row = WageAgreement(
            org_id=org.id, kind=kind, title=title, employer_party=employer_party,
            industry=industry if kind == AgreementKind.INDUSTRY else "",
            renewal_of_id=None, stage=stage, offered_by=Side.UNION if rng.random() < 0.88 else Side.EMPLOYER,
            offered_on=d("offered"), offer_received_on=d("received"),
            offer_points="；".join(rng.sample(OFFER_POINTS, 3)),
            proposed_talks_on=d("proposed_talks") if o["proposed_talks"] is not None else None,
            term_years=term,
        )
        plan = Plan(row=row, coverage=coverage, previous=renewal_of)
        if reached >= order.index(Stage.REPLIED):
            row.replied_on = d("replied")
            row.reply_note = rng.choice(REPLY_NOTES)
            if reached > order.index(Stage.REPLIED) or rng.random() < 0.7:
                row.first_meeting_on = d("first_meeting")
            data_on = d("data")
            has_data = reached > order.index(Stage.REPLIED) and rng.random() < 0.93
            has_data = has_data or (row.first_meeting_on is not None and rng.random() < 0.3)
            if has_data and data_on <= on:
                row.data_provided_on = data_on
        with_reps = reached >= order.index(Stage.IN_TALKS) or (
            reached == order.index(Stage.REPLIED) and rng.random() < 0.7) or rng.random() < 0.3
        if with_reps:
            self._representatives(plan, org)
        if reached >= order.index(Stage.IN_TALKS):
            for number, offset in enumerate(o["rounds"][:rounds_in], start=1):
                plan.rounds.append(TalkRound(number=number, held_on=base + datetime.timedelta(days=offset),
                                             chaired_by=services.expected_chair(row, number - 1),
                                             minutes=f"第{number}轮协商：{MINUTES[(number - 1) % len(MINUTES)]}。"))
            complete = reached >= order.index(Stage.APPROVED) or fail is not None or rng.random() < 0.6
            self._terms(row, complete=complete, coverage=coverage)
            if fail is not None:
                plan.votes.append(self._vote(row, coverage, base + datetime.timedelta(days=fail[1]), passing=False))
        if reached >= order.index(Stage.APPROVED):
            plan.votes.append(self._vote(row, coverage, d("vote"), passing=True))
        if reached >= order.index(Stage.SIGNED):
            row.signed_on = d("signed")
            if starts_on is None:
                nxt = (row.signed_on.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
                starts_on = row.signed_on if rng.random() < 0.4 else nxt
            row.starts_on = max(starts_on, row.signed_on)
            row.ends_on = services.end_of_term(row.starts_on, row.term_years)
        if reached >= order.index(Stage.FILED):
            row.filed_on = d("filed")
            row.bureau_ref = f"萧人社工资备〔{row.filed_on.year}〕{next(self.bureau_no):04d}号"
        if reached >= order.index(Stage.EFFECTIVE):
            row.effective_on = d("effective")
        if reached >= order.index(Stage.PUBLISHED):
            row.published_on = d("published")
            row.publish_method = rng.choice(PUBLISH_METHODS)
        if stage == Stage.CANCELLED:
            row.cancelled_reason = rng.choice(CANCEL_REASONS)
        return plan

    def _representatives(self, plan, org):
        rng, row = self.rng, plan.row
        size = rng.choice((3, 3, 4, 5, 5, 6, 7)) if row.kind == AgreementKind.SINGLE else rng.randint(5, 10)
        union_names: set = set()
        chief = org.chair_name or self._name(union_names)  # the chair leads the workers' side
        union_names.add(chief)
        plan.reps.append(Representative(side=Side.UNION, name=chief, position="工会主席", is_chief=True))
        for _ in range(size - 1):
            plan.reps.append(Representative(side=Side.UNION, name=self._name(union_names),
                                            position=rng.choice(UNION_POSITIONS)))
        employer_names: set = set()
        plan.reps.append(Representative(side=Side.EMPLOYER, name=self._name(employer_names),
                                        position=rng.choice(EMPLOYER_CHIEF[row.kind]), is_chief=True))
        for _ in range(size - 1):
            plan.reps.append(Representative(side=Side.EMPLOYER, name=self._name(employer_names),
                                            position=rng.choice(EMPLOYER_POSITIONS)))
        row.recorder_name = self._name(union_names | employer_names)

    def _terms(self, row, *, complete, coverage):
        rng = self.rng
        row.wage_system = rng.choice(WAGE_SYSTEMS)
        row.payment_terms = PAYMENT
        if not complete:
            return
        if row.kind == AgreementKind.SINGLE or rng.random() < 0.5:
            row.avg_wage = Decimal(rng.randrange(560, 1300) * 100).quantize(Decimal("0.01"))
            row.avg_increase_pct = (Decimal(rng.randrange(300, 950, 10)) / 100).quantize(Decimal("0.01"))
        if row.kind != AgreementKind.SINGLE:
            row.min_wage = Decimal(rng.choice((2490, 2520, 2560, 2600, 2650, 2700))).quantize(Decimal("0.01"))
            row.min_increase_pct = (Decimal(rng.randrange(300, 610, 10)) / 100).quantize(Decimal("0.01"))
        row.allowances, row.overtime_pay, row.leave_pay = ALLOWANCES, OVERTIME, LEAVE
        row.special_groups = SPECIAL
        if rng.random() < 0.65:
            row.skilled_worker_clause, row.skilled_worker_terms = True, rng.choice(SKILLED)

    def _vote(self, row, coverage, held_on, *, passing):
        rng = self.rng
        workers = sum(w for _f, w in coverage)
        if row.kind == AgreementKind.SINGLE and workers < 100:
            body, eligible = VotingBody.ALL_STAFF, workers
        else:
            body = VotingBody.CONGRESS
            eligible = min(300, max(30, workers // 12)) if row.kind == AgreementKind.SINGLE else rng.randint(60, 200)
        present = rng.randint(math.ceil(eligible * 2 / 3), eligible)
        if passing:
            no, abstain = rng.randint(0, present // 10), rng.randint(0, present // 10)
            yes = present - no - abstain
        else:  # not more than half of ALL delegates in favour
            yes = max(min(present, eligible // 2) - rng.randint(0, 2), 0)
            abstain = rng.randint(0, (present - yes) // 4)
            no = present - yes - abstain
        vote = Vote(body=body, held_on=held_on, eligible=eligible, present=present, yes=yes, no=no, abstain=abstain,
                    passed=services.vote_passes(eligible, present, yes))
        assert vote.passed == passing, (eligible, present, yes)
        return vote

    # --- who negotiates what ---------------------------------------------------------------------
    def _category(self):
        """The stage (or PUBLISHED category) of a party's agreement. At small scale they are dealt
        from a shuffled deck holding every stage, so a few dozen agreements show them all."""
        if not self.small:
            return self._weighted(STAGE_WEIGHTS)
        if not self.deck:
            self.deck = [c for c, _w in STAGE_WEIGHTS] + ["PUBLISHED"] * 6
            self.rng.shuffle(self.deck)
        return self.deck.pop()

    def _open_allowed(self, org, kind):
        return (org.id, kind) not in self.open_keys

    def _add(self, org, kind, title, employer_party, industry, coverage, *, category=None, renewal=None):
        """One party's agreement (and the renewal under way, if any)."""
        rng, on = self.rng, self.on
        category = category or self._category()
        if renewal is None:
            renewal = rng.random() < RENEWAL_CHAIN_SHARE
        if category in (*OPEN_STAGES, Stage.CANCELLED) and not self._open_allowed(org, kind):
            category, renewal = "PUBLISHED", False
        if renewal and not self._open_allowed(org, kind):
            renewal = False
        if renewal:
            return self._add_renewal_chain(org, kind, title, employer_party, industry, coverage)
        if category in ("PUBLISHED", "EXPIRING", "LAPSED"):
            term = self._term()
            if category == "PUBLISHED":
                # in force, and not within the renewal window yet
                latest_start = on - datetime.timedelta(days=40)
                earliest_start = _start_for_end(on + datetime.timedelta(days=70), term)
                starts = earliest_start + datetime.timedelta(
                    days=rng.randint(0, max((latest_start - earliest_start).days, 0)))
                if rng.random() < 0.5:
                    starts = starts.replace(day=1)
            elif category == "EXPIRING":
                starts = _start_for_end(on + datetime.timedelta(days=rng.randint(1, 60)), term)
            else:
                starts = _start_for_end(on - datetime.timedelta(days=rng.randint(1, 90)), term)
            plan = self._build(org=org, kind=kind, title=title(starts.year), employer_party=employer_party,
                               industry=industry, coverage=coverage, stage=Stage.PUBLISHED, starts_on=starts,
                               term=term)
        elif category == Stage.CANCELLED:
            was = rng.choice((Stage.OFFERED, Stage.REPLIED, Stage.IN_TALKS))
            plan = self._build(org=org, kind=kind, title=None, employer_party=employer_party, industry=industry,
                               coverage=coverage, stage=Stage.CANCELLED, cancelled_from=was)
            plan.row.title = title(_title_year(plan.row))
        else:
            plan = self._build(org=org, kind=kind, title=None, employer_party=employer_party, industry=industry,
                               coverage=coverage, stage=category)
            plan.row.title = title(_title_year(plan.row))
        self._keep(plan, org)
        return [plan]

    def _add_renewal_chain(self, org, kind, title, employer_party, industry, coverage, *, stage=None, target=None):
        """An agreement in force (or just expired) and its renewal negotiation; or an expired one
        and its renewal in force since."""
        rng, on = self.rng, self.on
        stage = stage or self._weighted(RENEWAL_STAGE_WEIGHTS)
        term = self._term()
        if stage == Stage.PUBLISHED:
            old_end = on - datetime.timedelta(days=rng.randint(60, 330))
            old_start = _start_for_end(old_end, term)
            old = self._build(org=org, kind=kind, title=title(old_start.year), employer_party=employer_party,
                              industry=industry, coverage=coverage, stage=Stage.PUBLISHED, starts_on=old_start,
                              term=term)
            new_start = old.row.ends_on + DAY
            new = self._build(org=org, kind=kind, title=title(new_start.year), employer_party=employer_party,
                              industry=industry, coverage=coverage, stage=Stage.PUBLISHED, starts_on=new_start,
                              renewal_of=old)
            # the renewal offer went out about two months before the old agreement ended
            lead = (old.row.ends_on - new.row.offered_on).days
            if lead < 30:
                shift = datetime.timedelta(days=lead - rng.randint(45, 75))
                _shift_dates(new, shift, keep_term=True)
        else:
            new = self._build(org=org, kind=kind, title=None, employer_party=employer_party, industry=industry,
                              coverage=coverage, stage=stage, target=target, term=term)
            # the old agreement ends 45–75 days after the renewal offer (the offer is due 60 days before)
            old_end = new.row.offered_on + datetime.timedelta(days=rng.randint(45, 75))
            old_start = _start_for_end(old_end, term)
            old = self._build(org=org, kind=kind, title=title(old_start.year), employer_party=employer_party,
                              industry=industry, coverage=coverage, stage=Stage.PUBLISHED, starts_on=old_start,
                              term=term)
            new.row.title = title(max(_title_year(new.row), (old.row.ends_on + DAY).year))
        new.previous = old
        old.renewal = new
        new.row.offered_by = rng.choice((Side.UNION, Side.UNION, Side.UNION, Side.EMPLOYER))
        for number, talk in enumerate(new.rounds, start=1):
            talk.chaired_by = services.expected_chair(new.row, number - 1)
        self._keep(old, org)
        self._keep(new, org)
        return [old, new]

    def _keep(self, plan, org):
        if plan.row.stage in OPEN_STAGES:
            key = (org.id, plan.row.kind)
            assert key not in self.open_keys, key
            self.open_keys.add(key)
        self.plans.append(plan)

    # --- the parties -----------------------------------------------------------------------------
    def plan(self):
        gen, rng = self.gen, self.rng
        union1 = gen.union1
        flagship = gen.firms[0]
        towns = gen.towns
        town1 = gen.town_by_name[_town1_name()]
        firms_by_town: dict[int, list] = {}
        for firm in gen.firms:
            if firm.industry != Industry.PUBLIC:
                firms_by_town.setdefault(id(firm.town), []).append(firm)

        # single-enterprise: union1 first, with a renewal offer whose reply is due within days
        def single_title(firm):
            return lambda year: f"{firm.name}{year}年度工资专项集体合同"[:120]

        enterprise_unions = [u for u in gen.unions if u.union_kind == UnionKind.ENTERPRISE and u.enterprises]
        self._add_renewal_chain(union1, AgreementKind.SINGLE, single_title(flagship), flagship.name, "",
                                [(flagship, self._workers(flagship))], stage=Stage.OFFERED,
                                target=self.on + datetime.timedelta(days=1) - datetime.timedelta(
                                    days=self.rules.reply_days))
        others = [u for u in enterprise_unions if u is not union1]
        if self.small:
            chosen = others
        else:
            wanted = round((DISTRICT_TARGETS[AgreementKind.SINGLE] - 2) / (1 + RENEWAL_CHAIN_SHARE))
            keyed = sorted(others, key=lambda u: -rng.random() ** (1 / math.log(u.enterprises[0].headcount + 2)))
            chosen = sorted(keyed[:wanted], key=lambda u: u.id)
        for union in chosen:
            firm = union.enterprises[0]
            self._add(union, AgreementKind.SINGLE, single_title(firm), firm.name, "", [(firm, self._workers(firm))])

        # area: every town and platform, town1's covering union1's enterprise; then joint unions
        def area_title(name):
            return lambda year: f"{name}{year}年度区域性工资集体合同"[:120]

        for town in towns:
            pool = firms_by_town.get(id(town), [])
            if not pool:
                continue
            size = min(len(pool), rng.randint(4, 8) if self.small else rng.randint(10, 40))
            picked = rng.sample(pool, size)
            if town is town1 and flagship not in picked:
                picked[0] = flagship
            coverage = [(f, self._workers(f)) for f in sorted(picked, key=lambda f: f.id)]
            category = "PUBLISHED" if town is town1 else None
            self._add(town, AgreementKind.AREA, area_title(town.short_name), f"{town.short_name}企业联合会", "",
                      coverage, category=category, renewal=False if town is town1 else None)
        joint = [u for u in gen.unions if u.union_kind == UnionKind.JOINT and u.enterprises]
        area_rows = sum(1 for p in self.plans if p.row.kind == AgreementKind.AREA)
        if self.small:
            joint_chosen = joint
        else:
            wanted = round((DISTRICT_TARGETS[AgreementKind.AREA] - area_rows) / (1 + RENEWAL_CHAIN_SHARE))
            joint_chosen = sorted(rng.sample(joint, min(wanted, len(joint))), key=lambda u: u.id)
        for union in joint_chosen:
            place = union.name.removesuffix("联合工会委员会")
            coverage = [(f, self._workers(f, 0.8)) for f in union.enterprises]
            self._add(union, AgreementKind.AREA, area_title(place), f"{place}企业联合会", "", coverage)

        # industry: the industry unions, then towns where one industry is strong
        def industry_title(name):
            return lambda year: f"{name}{year}年度工资集体合同"[:120]

        limit = 4 if self.small else DISTRICT_TARGETS[AgreementKind.INDUSTRY]
        parties = []
        for (_town, industry), (node, _share) in gen.industry_unions.items():
            firms = [f for u in node.children if u.level == OrgLevel.GRASSROOTS for f in u.enterprises
                     if f.industry == industry]
            if firms:
                parties.append((node, industry, firms, node.short_name.removesuffix("工会")))  # 区物流行业
        counted = []
        for town in towns:
            by_industry: dict[str, list] = {}
            for f in firms_by_town.get(id(town), []):
                by_industry.setdefault(f.industry, []).append(f)
            for industry, firms in by_industry.items():
                if industry in INDUSTRY_WORDS and len(firms) >= 2:
                    counted.append((len(firms), town is town1, town, industry, firms))
        counted.sort(key=lambda c: (not c[1], -c[0], c[2].code, c[3]))
        used_towns = set()
        for _n, _is_town1, town, industry, firms in counted:
            if len(parties) >= limit:
                break
            if id(town) in used_towns:
                continue
            used_towns.add(id(town))
            parties.append((town, industry, firms, f"{town.short_name}{INDUSTRY_WORDS[industry]}行业"))
        if not parties:  # a tiny district: town1's own industry
            parties.append((town1, flagship.industry, [flagship],
                            f"{town1.short_name}{INDUSTRY_WORDS[flagship.industry]}行业"))
        for node, industry, firms, name in parties[:limit]:
            picked = sorted(rng.sample(firms, min(len(firms), 60)), key=lambda f: f.id)
            coverage = [(f, self._workers(f)) for f in picked]
            self._add(node, AgreementKind.INDUSTRY, industry_title(name), f"{name}协会", industry, coverage,
                      category=self._category(), renewal=False)

    # --- writing -----------------------------------------------------------------------------------
    def write(self):
        on = self.on
        next_id = (WageAgreement.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        for plan in self.plans:
            plan.row.id = None
        # the deadline each service would have stored (the row has no pk yet: renewal passed in)
        for plan in self.plans:
            row = plan.row
            _check_dates(plan, on)
            renewal_on = plan.renewal.row.offered_on if plan.renewal else None
            row.next_step, row.next_due_on = timeline.next_due(row, on=on, rounds=plan.rounds, votes=plan.votes,
                                                               renewal_offered_on=renewal_on)
        ordered = sorted(self.plans, key=lambda p: (p.row.offered_on, p.row.org_id, p.row.kind))
        for plan in ordered:
            plan.row.id = next_id
            next_id += 1
        for plan in ordered:
            if plan.previous is not None:
                plan.row.renewal_of_id = plan.previous.row.id
        children = {Coverage: [], Representative: [], TalkRound: [], Vote: []}
        for plan in ordered:
            aid = plan.row.id
            children[Coverage] += [Coverage(agreement_id=aid, enterprise_id=f.id, workers=w) for f, w in plan.coverage]
            for obj in itertools.chain(plan.reps, plan.rounds, plan.votes):
                obj.agreement_id = aid
                children[type(obj)].append(obj)
        WageAgreement.objects.bulk_create([p.row for p in ordered], batch_size=1000)
        for model, objs in children.items():
            model.objects.bulk_create(objs, batch_size=2000)
        requests = self._staff_requests()
        StaffRequest.objects.bulk_create(requests, batch_size=1000)
        self.gen.writer.reset_sequences(list(MODELS))
        counts = self._counts(ordered, children)
        counts["staff_requests"] = len(requests)
        return counts

    def _staff_requests(self):
        """Staff (at least a fifth) who asked for negotiation and await their union's offer, as
        `services.record_staff_request` writes them: a few unions with no open negotiation, the
        first of town1's always (the demo cadre sees one), offers overdue or due within days."""
        rng, on, days = self.rng, self.on, self.rules.staff_request_offer_days
        unions = [u for u in self.gen.unions if u.union_kind == UnionKind.ENTERPRISE and u.enterprises
                  and (u.id, AgreementKind.SINGLE) not in self.open_keys
                  and u.enterprises[0].headcount >= 10]
        town1 = self.gen.town_by_name[_town1_name()]
        in_town1 = [u for u in unions if u.enterprises[0].town is town1][:1]
        picked = in_town1 + [u for u in unions if u not in in_town1 and (
            rng.random() < STAFF_REQUEST_SHARE or (self.small and rng.random() < 0.2))]
        rows = []
        for union in picked:
            firm = union.enterprises[0]
            received = on - datetime.timedelta(days=rng.randint(0, days + 10))
            signatures = min(firm.headcount, -(-firm.headcount // 5) + rng.randint(0, firm.headcount // 4))
            rows.append(StaffRequest(org_id=union.id, enterprise_id=firm.id, received_on=received,
                                     signatures=signatures, headcount=firm.headcount,
                                     note="要求开展年度工资集体协商，提高一线职工工资",
                                     offer_due_on=workdays.add_days(received, days)))
        return rows

    def _counts(self, ordered, children):
        on = self.on
        rows = [p.row for p in ordered]
        by_kind = {k: sum(1 for r in rows if r.kind == k) for k in AgreementKind.values}
        by_stage = {s: sum(1 for r in rows if r.stage == s) for s in Stage.values}
        in_force = [p for p in ordered if p.row.stage in IN_FORCE_STAGES and p.row.starts_on <= on <= p.row.ends_on]
        window = on + datetime.timedelta(days=self.rules.renewal_days_before)
        current = [p for p in ordered if p.renewal is None and p.row.stage != Stage.CANCELLED]
        return {
            "total": len(rows), "by_kind": by_kind, "by_stage": by_stage,
            # the latest agreement of each party (an enterprise under two agreements counts twice)
            "workers_covered": sum(w for p in current for _f, w in p.coverage),
            "in_force": len(in_force),
            "workers_in_force": sum(w for p in in_force for _f, w in p.coverage),
            "enterprises_in_force": len({f.id for p in in_force for f, _w in p.coverage}),
            "overdue": sum(1 for r in rows if r.next_due_on and r.next_due_on < on),
            "due_soon": sum(1 for r in rows if r.next_due_on and on <= r.next_due_on <= self.soon),
            "expiring_no_renewal": sum(1 for p in in_force if p.renewal is None and p.row.ends_on <= window),
            "coverages": len(children[Coverage]), "representatives": len(children[Representative]),
            "rounds": len(children[TalkRound]), "votes": len(children[Vote]),
        }


def _town1_name():
    from .generator import TOWN1

    return TOWN1


def _title_year(row):
    """The year an agreement is for: its start, or (still being negotiated) about when it would start."""
    if row.starts_on:
        return row.starts_on.year
    return (row.offered_on + datetime.timedelta(days=75)).year


def _start_for_end(end: datetime.date, years: int) -> datetime.date:
    """The start of a term of `years` whole years ending on `end` (as near as the calendar allows)."""
    after = end + DAY
    try:
        return after.replace(year=after.year - years)
    except ValueError:  # 29 February
        return after.replace(year=after.year - years, day=28)


def _shift_dates(plan, delta, *, keep_term=False):
    """Move a negotiation's steps before its signing by `delta` days (the term stays put)."""
    row = plan.row
    for name in ("offered_on", "offer_received_on", "proposed_talks_on", "replied_on", "first_meeting_on",
                 "data_provided_on"):
        value = getattr(row, name)
        if value is not None:
            setattr(row, name, value + delta)
    for obj in itertools.chain(plan.rounds, plan.votes):
        obj.held_on += delta
    # the vote and the signing: the signing may not precede the vote
    if row.signed_on and plan.votes and plan.votes[-1].held_on > row.signed_on:
        row.signed_on = plan.votes[-1].held_on


def _check_dates(plan, on):
    """What the services check when each step is recorded: steps in order, none in the future."""
    row = plan.row
    done = [row.offered_on, row.offer_received_on, row.replied_on, row.data_provided_on, row.signed_on,
            row.filed_on, row.effective_on, row.published_on, *(r.held_on for r in plan.rounds),
            *(v.held_on for v in plan.votes)]
    assert all(day is None or day <= on for day in done), row.title
    assert row.offer_received_on >= row.offered_on
    if row.proposed_talks_on:
        assert row.proposed_talks_on >= row.offered_on
    if row.replied_on:
        assert row.replied_on >= row.offer_received_on
    if row.first_meeting_on:
        assert row.first_meeting_on >= row.replied_on
    if row.data_provided_on:
        assert row.data_provided_on >= row.offered_on
    previous = row.replied_on
    for talk in plan.rounds:
        assert previous is not None and talk.held_on >= previous, row.title
        previous = talk.held_on
    if row.signed_on:
        approved = timeline.approved_on(row, plan.votes)
        assert approved and approved <= row.signed_on <= row.starts_on, row.title
        assert row.ends_on == services.end_of_term(row.starts_on, row.term_years)
    if row.filed_on:
        assert row.filed_on >= row.signed_on
    if row.stage == Stage.FILED:
        assert timeline.effective_date(row.filed_on) > on
    if row.effective_on:
        assert row.effective_on == timeline.effective_date(row.filed_on) <= on
    if row.published_on:
        assert row.published_on >= row.effective_on


def seed_bargaining(gen, *, on=ON) -> dict:
    """Plan and write the demo negotiations for a generator whose orgs and enterprises are written.
    Returns the counts (kept in the seed's audit record)."""
    demo = BargainingDemo(gen, on=on)
    demo.plan()
    counts = demo.write()
    counts["as_of"] = on.isoformat()
    counts["database"] = connection.vendor
    return counts
