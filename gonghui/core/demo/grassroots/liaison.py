"""Demo liaison points (联系基层工作点) on top of the generated district: cadres' assignments to
enterprises, their visits with topics and problems found, and the follow-up actions.

Reads the generator's in-memory plan (`gen.firms` with ids and the top-100 flag, `gen.towns`);
never the database, except the highest existing ids. Its own `random.Random`, so the rest of the
demo stays as it was.

**Cadres are names, not accounts.** The demo accounts (`town1`, `town2`, `district`) are created
by `core/demo/accounts.py` *after* every module's data, and the other cadres of the district have
no account at all. So each town gets two or three fictional liaison cadres and the district a
few of its own, recorded as `cadre_name` with `cadre` empty — exactly what a visit entered from
paper records looks like (the services accept a cadre's name when they have no account). The
demo accounts still see everything of their town through the scope, and a cadre who signs in
can be assigned enterprises and log visits under their account from the first click.

Who is visited: every top-100 enterprise has a liaison cadre (a district cadre for about a third
of them, otherwise one of its town's), and each town cadre has a share of the town's other
enterprises (those without a union first: 组建 is the first topic there). Assignments start
between January 2025 and mid-2026; some have ended. Each quarter from the start, an assigned
enterprise is visited with a probability that is lower in the current quarter (so the coverage
report of 2026 Q4 has gaps), with one to three topics fitting the enterprise (组建 where there is
no union), notes, sometimes problems found, and for most problems a follow-up action: closed
(on or after the visit, never after today) or still open — some overdue, some due within days.

Each row is what `services.liaison` would have written: one live assignment per cadre and
enterprise, periods in order, visits on or after the assignment's start and never after `ON`,
follow-ups due on or after their visit, a closure date only when closed.
"""

import bisect
import datetime
import random

from django.db.models import Max

from gonghui.grassroots.models.liaison import (
    AssignmentStatus,
    FollowUpStatus,
    LiaisonAssignment,
    LiaisonFollowUp,
    LiaisonTopic,
    LiaisonVisit,
    LiaisonVisitTopic,
)
from gonghui.grassroots.selectors.liaison import Quarter

from .. import vocab

ON = datetime.date(2026, 11, 30)
DAY = datetime.timedelta(days=1)
MODELS = (LiaisonAssignment, LiaisonVisit, LiaisonVisitTopic, LiaisonFollowUp)

# (share of a town's non-top-100 enterprises assigned, cadres per town)
SHARE = {"small": 0.8, "district": 0.12}
CADRES_PER_TOWN = {"small": 2, "district": 3}
DISTRICT_CADRES = {"small": 2, "district": 6}
VISIT_CHANCE, CURRENT_QUARTER_CHANCE = 0.8, 0.55

TOPICS_UNORGANISED = [LiaisonTopic.FOUNDING, LiaisonTopic.LABOUR_RELATIONS, LiaisonTopic.SAFETY,
                      LiaisonTopic.SERVICES]
TOPICS_ORGANISED = [LiaisonTopic.ELECTION, LiaisonTopic.CONGRESS, LiaisonTopic.WAGES, LiaisonTopic.SAFETY,
                    LiaisonTopic.LABOUR_RELATIONS, LiaisonTopic.SERVICES]
NOTES = {
    LiaisonTopic.FOUNDING: "宣传《工会法》，与企业负责人商议组建工会的时间安排",
    LiaisonTopic.ELECTION: "了解工会委员会任期情况，指导换届选举准备工作",
    LiaisonTopic.CONGRESS: "了解职代会召开和提案办理情况",
    LiaisonTopic.WAGES: "了解工资集体协商进展和协议履行情况",
    LiaisonTopic.SAFETY: "查看车间劳动保护和安全生产措施",
    LiaisonTopic.LABOUR_RELATIONS: "了解劳动合同签订和职工诉求",
    LiaisonTopic.SERVICES: "走访一线职工，了解职工之家和困难职工情况",
    LiaisonTopic.OTHER: "其他事项",
}
# (problem found, follow-up action)
PROBLEMS = [
    ("企业尚未组建工会，职工入会意愿较强", "指导企业成立工会筹备组，提交组建申请"),
    ("工会委员会任期已满，尚未启动换届", "督促制定换届选举工作方案报上级工会审批"),
    ("本年度职代会尚未召开", "指导企业工会确定职代会召开时间并做好代表选举"),
    ("工资集体协议已到期未续签", "督促启动新一轮工资集体协商"),
    ("部分岗位劳动防护用品配备不足", "向企业反馈并跟踪整改落实情况"),
    ("部分职工劳动合同未及时续签", "协调企业人事部门限期补签"),
    ("职工食堂和休息场所条件较差", "建议企业结合职工之家建设改善"),
    ("一名职工家庭困难，需要帮扶", "按程序申报困难职工帮扶"),
]
CLOSURES = ["已落实整改", "企业已按要求完成", "已召开协调会，问题解决", "已提交申请，进入审核"]


class LiaisonDemo:
    def __init__(self, gen, *, on=ON):
        self.gen, self.on = gen, on
        self.rng = random.Random(gen.seed * 7919 + 404)
        self.scale = gen.scale.name
        self.assignments, self.visits, self.topics, self.follow_ups = [], [], [], []

    def _name(self):
        rng = self.rng
        cum = self.gen._surname_cum
        surname = self.gen._surnames[bisect.bisect_right(cum, rng.random() * cum[-1])]
        chars = vocab.GIVEN_MALE if rng.random() < 0.6 else vocab.GIVEN_FEMALE
        return surname + rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")

    def _day_between(self, start, end):
        return start + datetime.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    # --- who visits whom ------------------------------------------------------------------------
    def plan(self):
        gen, rng = self.gen, self.rng
        cadres = {town.id: [self._name() for _ in range(CADRES_PER_TOWN[self.scale])] for town in gen.towns}
        district = [self._name() for _ in range(DISTRICT_CADRES[self.scale])]
        by_town = {}
        for firm in gen.firms:
            by_town.setdefault(firm.town.id, []).append(firm)
        for town_id, firms in by_town.items():
            names = cadres[town_id]
            others = [f for f in firms if not f.top100]
            others.sort(key=lambda f: (f.union is not None, -f.headcount))  # no union first, then the largest
            share = SHARE[self.scale]
            small_demo_town = self.scale == "small" and any(f is gen.firms[1] or f is gen.firms[2] for f in firms)
            chosen = others if small_demo_town else others[: max(1, round(len(others) * share))]
            for k, firm in enumerate(f for f in firms if f.top100):
                name = district[k % len(district)] if rng.random() < 0.35 else names[k % len(names)]
                self.assign(firm, name)
            for k, firm in enumerate(chosen):
                self.assign(firm, names[k % len(names)])
        # the demo accounts' towns always show an overdue and a due-soon follow-up on the dashboard
        for firm, days_ago, due_in in ((gen.firms[0], 20, 3), (gen.firms[2], 40, -5), (gen.firms[1], 35, -2)):
            if not self._live(firm):
                self.assign(firm, cadres[firm.town.id][0])
            day = self.on - days_ago * DAY
            live = [a for a in self._live(firm) if a.starts_on <= day]
            if live:
                self.visit(firm, live[-1].cadre_name, day, due=self.on + due_in * DAY)

    def _live(self, firm):
        return [a for a in self.assignments if a.enterprise_id == firm.id and a.status == AssignmentStatus.ACTIVE]

    def assign(self, firm, cadre_name):
        rng = self.rng
        starts_on = self._day_between(datetime.date(2025, 1, 1), datetime.date(2026, 6, 30))
        ended = rng.random() < 0.06 and starts_on < self.on - 120 * DAY
        ends_on = self._day_between(starts_on + 90 * DAY, self.on - DAY) if ended else None
        row = LiaisonAssignment(town_id=firm.town.id, enterprise_id=firm.id, cadre=None, cadre_name=cadre_name,
                                starts_on=starts_on, ends_on=ends_on,
                                status=AssignmentStatus.ENDED if ended else AssignmentStatus.ACTIVE)
        self.assignments.append(row)
        if ended and rng.random() < 0.8:  # a successor took over the liaison point
            successor = self._name()
            self.assignments.append(LiaisonAssignment(
                town_id=firm.town.id, enterprise_id=firm.id, cadre=None, cadre_name=successor,
                starts_on=ends_on + DAY if ends_on < self.on else ends_on, status=AssignmentStatus.ACTIVE))
            self.plan_visits(firm, successor, ends_on + DAY, self.on)
        self.plan_visits(firm, cadre_name, starts_on, ends_on or self.on)

    def plan_visits(self, firm, cadre_name, start, end):
        rng = self.rng
        current = Quarter.of(self.on)
        quarter = Quarter.of(start)
        flagship = firm is self.gen.firms[0]
        while quarter.starts_on <= end:
            low, high = max(quarter.starts_on, start), min(quarter.ends_on, end, self.on)
            chance = CURRENT_QUARTER_CHANCE if quarter == current else VISIT_CHANCE
            if low <= high and (flagship or rng.random() < chance):
                self.visit(firm, cadre_name, self._day_between(low, high))
            quarter = quarter.next()

    def visit(self, firm, cadre_name, day, due=None):
        rng = self.rng
        pool = TOPICS_UNORGANISED if firm.union is None else TOPICS_ORGANISED
        topics = rng.sample(pool, rng.randint(1, 3))
        if firm.union is None and LiaisonTopic.FOUNDING not in topics:
            topics[0] = LiaisonTopic.FOUNDING
        problem = None
        if due is not None or rng.random() < 0.45:
            candidates = [p for p in PROBLEMS if (firm.union is None) == (p is PROBLEMS[0])] or PROBLEMS
            problem = rng.choice(candidates)
        row = LiaisonVisit(town_id=firm.town.id, enterprise_id=firm.id, visited_on=day, cadre=None,
                           cadre_name=cadre_name, companions=self._name() if rng.random() < 0.3 else "",
                           notes="；".join(NOTES[t] for t in topics), problems=problem[0] if problem else "")
        self.visits.append((row, topics, problem, due))

    # --- write ---------------------------------------------------------------------------------
    def write(self):
        rng = self.rng
        LiaisonAssignment.objects.bulk_create(self.assignments, batch_size=1000)
        base = LiaisonVisit.objects.aggregate(m=Max("id"))["m"] or 0
        self.visits.sort(key=lambda v: (v[0].visited_on, v[0].enterprise_id))
        for n, (row, topics, problem, forced_due) in enumerate(self.visits, start=1):
            row.id = base + n
            self.topics.extend(LiaisonVisitTopic(visit_id=row.id, topic=t) for t in topics)
            if problem and (forced_due is not None or rng.random() < 0.85):
                due = forced_due or row.visited_on + datetime.timedelta(days=rng.randint(14, 60))
                closed = forced_due is None and due < self.on and rng.random() < 0.8
                closed_on = self._day_between(row.visited_on, min(due + 10 * DAY, self.on)) if closed else None
                self.follow_ups.append(LiaisonFollowUp(
                    visit_id=row.id, town_id=row.town_id, enterprise_id=row.enterprise_id, action=problem[1],
                    owner=None, owner_name=row.cadre_name, due_on=due,
                    status=FollowUpStatus.CLOSED if closed else FollowUpStatus.OPEN, closed_on=closed_on,
                    closure_note=rng.choice(CLOSURES) if closed else ""))
        LiaisonVisit.objects.bulk_create([v[0] for v in self.visits], batch_size=1000)
        LiaisonVisitTopic.objects.bulk_create(self.topics, batch_size=2000)
        LiaisonFollowUp.objects.bulk_create(self.follow_ups, batch_size=1000)
        self.gen.writer.reset_sequences(list(MODELS))
        return {"assignments": len(self.assignments), "visits": len(self.visits), "topics": len(self.topics),
                "follow_ups": len(self.follow_ups),
                "open_follow_ups": sum(1 for f in self.follow_ups if f.status == FollowUpStatus.OPEN)}


def seed(gen) -> dict:
    demo = LiaisonDemo(gen)
    demo.plan()
    return demo.write()
