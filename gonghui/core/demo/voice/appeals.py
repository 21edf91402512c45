"""Demo appeals (voice `appeals` area), written so the statistics page has real figures.

- **When**: received from July of last year up to `ON` (2026-11-30; or today when later in the same
  year), every month of this year and the second half of last year, more this year.
- **Where**: each appeal names the worker's enterprise (most of them a registered firm: big firms
  come back several times, union1's firm often) and is held where routing puts it: the firm's
  union, else its town; a few name an unregistered firm by typed name only and sit at the district
  (waiting to be dispatched) or were dispatched to a town. Town1 (城厢街道, union1 among its
  unions), town2 (北干街道) and every other town; `town` is the holder's town as `town_of` gives it.
- **How it went**: several categories; older appeals mostly closed — on time, some late — with
  ratings 1–5 on most; a few re-opened once (closed again or being handled again), some withdrawn,
  some still open past the due date (escalated one level up); recent ones new or
  being handled. member1 has one of union1's.
- **Size**: about 260 at small scale, about 20,000 at district scale (≈ 2 per 100 members a year);
  bulk writes only (a few queries per table, a few seconds at district scale). Each appeal gets
  the history a real one would have, with its real dates.
"""

import datetime
import itertools
import random
from contextlib import contextmanager
from functools import lru_cache

from django.utils import timezone

from gonghui.core import pii, workdays
from gonghui.voice.models.appeals import Appeal, AppealChannel, AppealCounter, AppealEvent
from gonghui.voice.rules.appeals import rules

ON = datetime.date(2026, 11, 30)
FIRST = datetime.date(ON.year - 1, 7, 1)
MODELS = (AppealCounter, Appeal, AppealEvent)
SIZE = {"small": 260, "district": 20_000}
UNION1_SHARE = {"small": 30, "district": 150}
TOPICS = {
    "WAGES_OWED": ["公司拖欠两个月工资", "加班费未按规定支付", "年终奖被无故扣发", "工资低于最低工资标准"],
    "CONTRACT": ["入职半年未签劳动合同", "合同到期单位不续签也不补偿", "被要求签空白合同", "试用期被延长至一年"],
    "INJURY": ["工伤认定材料单位不配合", "工伤医疗费未报销", "停工留薪期工资未发"],
    "SOCIAL_INSURANCE": ["单位未缴纳社会保险", "公积金缴纳基数偏低", "社保断缴三个月"],
    "DISMISSAL": ["被口头通知辞退无补偿", "怀孕期间被调岗降薪", "以末位淘汰为由解除合同"],
    "HARDSHIP": ["家人重病申请困难帮扶", "子女上学经济困难", "突遇火灾生活困难"],
    "OTHER": ["食堂伙食差希望改善", "夏季高温车间降温措施不足", "希望组织职工技能培训", "宿舍条件差希望改善"],
}
# Category weights: wages and contracts are what workers bring most.
CATEGORY_WEIGHTS = {"WAGES_OWED": 30, "CONTRACT": 18, "SOCIAL_INSURANCE": 15, "INJURY": 10, "DISMISSAL": 10,
                    "HARDSHIP": 7, "OTHER": 10}
TYPED_FIRMS = ["某某物流有限公司", "城东装修队", "新华快餐店", "鑫达五金加工厂", "恒通劳务派遣公司", "阿强汽修店"]
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "霞"]
RESULTS = ["RESOLVED"] * 6 + ["PARTLY", "PARTLY", "EXPLAINED", "REFERRED"]
RESULT_TEXT = {"RESOLVED": "经工会协调，企业已按规定处理。", "PARTLY": "经协调企业已部分解决，其余事项继续跟进。",
               "EXPLAINED": "已向职工解释相关政策规定。", "REFERRED": "已引导职工向劳动仲裁部门申请仲裁。"}
RATING_WEIGHTS = (10, 8, 15, 30, 37)  # 1…5 stars
DAY = datetime.timedelta(days=1)


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@lru_cache(maxsize=4096)
def _add(day, n):
    return workdays.add_working_days(day, n)


def _town_of(node):
    """`services.appeals.town_of` on the generated tree: the nearest town/platform ancestor (or
    itself) — a union under a district-wide industry union has none, whatever its address."""
    while node is not None and node.level not in ("TOWN", "PLATFORM"):
        node = node.parent
    return node


@lru_cache(maxsize=65536)
def _between(start, end):
    return workdays.working_days_between(start, end)


@contextmanager
def _keep_given_created_at(*models):
    """bulk_create with the history's real dates: `auto_now_add` would stamp every row with now."""
    fields = [m._meta.get_field("created_at") for m in models]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


class AppealDemo:
    def __init__(self, gen):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        self.gen = gen
        self.rng = random.Random(gen.seed * 131 + 7)
        self.scale = gen.scale.name
        self.rules = rules()
        today = timezone.localdate()
        self.last = today if ON < today <= datetime.date(ON.year, 12, 31) else ON
        self.town1, self.town2 = gen.town_by_name[TOWN1], gen.town_by_name[TOWN2]
        self.anchor_towns = {self.town1.id, self.town2.id}
        firms = [f for f in gen.firms if f.id]
        self.anchored = [f for f in firms if f.town is not None and f.town.id in self.anchor_towns]
        self.firms = firms
        # Bigger firms bring more appeals (and come back): weight ~ headcount ** 0.6.
        # (cumulative weights: `choices` would add them up again on every call)
        self.weights = list(itertools.accumulate(max(f.headcount, 1) ** .6 for f in firms))
        self.anchored_weights = list(itertools.accumulate(max(f.headcount, 1) ** .6 for f in self.anchored))
        self.channels = {code: str(label) for code, label in AppealChannel.choices}  # once, not per row

    # --- one appeal -----------------------------------------------------------------------------
    def received_on(self):
        span = (self.last - FIRST).days
        while True:  # two thirds in this year
            day = FIRST + datetime.timedelta(days=self.rng.randrange(span + 1))
            if day.year == self.last.year or self.rng.random() < .5:
                return day

    def holder(self, i, total):
        """(org node, town node or None, firm or None, typed name): where routing put it."""
        rng = self.rng
        if i < UNION1_SHARE[self.scale]:
            firm = self.gen.firms[0]
        elif rng.random() < .04:  # an unregistered firm, typed: the district dispatches it to a town
            town = rng.choice([self.town1, self.town2, *rng.sample(self.gen.towns, 1)])
            return (self.gen.root, None, None, rng.choice(TYPED_FIRMS)) if rng.random() < .35 else (
                town, town, None, rng.choice(TYPED_FIRMS))
        elif self.anchored and rng.random() < .3:
            firm = rng.choices(self.anchored, cum_weights=self.anchored_weights)[0]
        else:
            firm = rng.choices(self.firms, cum_weights=self.weights)[0]
        if firm.union is not None:
            return firm.union, _town_of(firm.union), firm, ""
        return (firm.town, firm.town, firm, "") if firm.town is not None else (self.gen.root, None, firm, "")

    def phone(self):
        phone = f"13{self.rng.randrange(10**9):09d}"
        return pii.encrypt(phone), pii.lookup_hash(phone), pii.mask_phone(phone)

    def build(self, i, total):
        rng, r = self.rng, self.rules
        org, town, firm, typed = self.holder(i, total)
        category = rng.choices(list(CATEGORY_WEIGHTS), CATEGORY_WEIGHTS.values())[0]
        received = self.received_on()
        due = _add(received, r.categories[category].time_limit_days)
        anonymous = r.categories[category].anonymous_allowed and rng.random() < .3
        mine = i == 0 and self.gen.member1
        name = "" if anonymous or mine else rng.choice(NAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        a = Appeal(category=category, channel=rng.choice(["PORTAL", "PORTAL", "PORTAL", "WEB", "PHONE", "VISIT"]),
                   title=rng.choice(TOPICS[category]), anonymous=anonymous,
                   person_id=self.gen.member1 if mine else None,
                   contact_name=name, tracking_code=f"{rng.randrange(16**12):012X}", org_id=org.id,
                   town_id=town.id if town else None, received_at=_at(received, rng.randrange(8, 18)),
                   clock_started_on=received, due_on=due, enterprise_id=firm.id if firm else None,
                   enterprise_name=firm.name if firm else typed, status="NEW")
        a.content = f"职工反映：{a.title}（{a.enterprise_name}），希望工会帮助协调解决。"
        a.created_at = a.received_at
        if name:
            a.contact_phone_enc, a.contact_phone_hash, a.contact_phone_masked = self.phone()
        plan = {"org": org, "dispatched": typed and org.level != "DISTRICT"}
        self.lifecycle(a, org, received, due, plan)
        return a, plan

    def lifecycle(self, a, org, received, due, plan):
        rng, last = self.rng, self.last
        at_district = org.level == "DISTRICT"
        old = due < last - 5 * DAY
        roll = rng.random()
        if roll < .03 and received < last:
            a.status = "WITHDRAWN"
            plan["withdrawn"] = _at(min(received + rng.randrange(1, 6) * DAY, last), 15)
            return
        if at_district:  # waiting to be dispatched (a few waited too long)
            return
        if not old:
            a.status = rng.choices(["NEW", "HANDLING", "CLOSED"], (3, 5, 2))[0]
        else:
            a.status = "CLOSED" if roll < .93 else rng.choice(["NEW", "HANDLING", "HANDLING"])
        if a.status == "NEW":
            return self.escalate(a, org, due)
        a.accepted_at = _at(min(received + DAY, last), 9)
        if a.status == "HANDLING":
            return self.escalate(a, org, due)
        self.close(a, received, due)
        if old and rng.random() < .06 and a.closed_at.date() + 3 * DAY < last:
            self.reopen(a, plan)

    def escalate(self, a, org, due):
        """One level up (the holder's parent, as the daily job does) once past the due date."""
        if due < self.last and org.level != "DISTRICT" and org.parent is not None:
            a.escalation_level, a.escalated_to_id = 1, org.parent.id
            a.escalated_at = _at(min(due + DAY, self.last), 7)

    def close(self, a, start, due):
        rng = self.rng
        if rng.random() < .15:
            day = _add(due, rng.randrange(1, 6))
        else:
            day = _add(start, rng.randrange(1, max(2, _between(start, due) + 1)))
        day = max(min(day, self.last), start)
        a.closed_at, a.closed_on_time = _at(day, 16), day <= due
        a.result = rng.choice(RESULTS)
        a.result_text = RESULT_TEXT[a.result]
        if rng.random() < .72:
            a.satisfaction = rng.choices((1, 2, 3, 4, 5), RATING_WEIGHTS)[0]
            a.rated_at = a.closed_at + DAY
            if a.satisfaction <= 2:
                a.satisfaction_comment = "问题没有真正解决。"

    def reopen(self, a, plan):
        """Re-opened once within the window: a new clock from that day; half closed again since."""
        rng = self.rng
        day = a.closed_at.date() + rng.randrange(1, 4) * DAY
        plan["first_close"] = (a.closed_at, a.result_text)
        a.reopen_count, a.reopened_at = 1, _at(day, 11)
        a.satisfaction, a.rated_at, a.satisfaction_comment = rng.choice([1, 2]), a.closed_at + DAY, "问题没有真正解决。"
        a.clock_started_on = day
        a.due_on = _add(day, self.rules.categories[a.category].time_limit_days)
        a.status, a.closed_at, a.closed_on_time, a.result, a.result_text = "HANDLING", None, None, "", ""
        if a.due_on < self.last - 5 * DAY and rng.random() < .6:
            self.close(a, day, a.due_on)
            a.status = "CLOSED"

    # --- history ----------------------------------------------------------------------------------
    def events(self, a, plan):
        org_id = a.org_id
        submitted = a.received_at
        out = [AppealEvent(appeal=a, kind="SUBMITTED", public=True, created_at=submitted,
                           text=self.channels[a.channel]),
               AppealEvent(appeal=a, kind="ROUTED", public=True, to_org_id=org_id if not plan["dispatched"] else
                           self.gen.root.id, actor_org_id=org_id, created_at=submitted)]
        if plan["dispatched"]:
            out.append(AppealEvent(appeal=a, kind="DISPATCHED", public=True, from_org_id=self.gen.root.id,
                                   to_org_id=org_id, actor_org_id=self.gen.root.id, created_at=submitted + DAY / 4,
                                   reason="企业未登记，请所在镇街核实处理。"))
        if plan.get("withdrawn"):
            out.append(AppealEvent(appeal=a, kind="WITHDRAWN", public=True, created_at=plan["withdrawn"],
                                   text="问题已自行解决。"))
            return out
        if a.accepted_at:
            out.append(AppealEvent(appeal=a, kind="ACCEPTED", public=True, actor_org_id=org_id,
                                   created_at=a.accepted_at))
            if int(a.tracking_code, 16) % 3 == 0:
                out.append(AppealEvent(appeal=a, kind="NOTE", public=False, actor_org_id=org_id,
                                       created_at=a.accepted_at + DAY / 8, text="已电话联系企业人事部门了解情况。"))
            if a.status != "CLOSED" or int(a.tracking_code, 16) % 2:  # (a closing is itself told to the worker)
                out.append(AppealEvent(appeal=a, kind="REPLY", public=True, actor_org_id=org_id,
                                       created_at=a.accepted_at + DAY / 4, text="您的诉求已受理，我们正在与企业沟通。"))
        if a.escalation_level:
            out.append(AppealEvent(appeal=a, kind="ESCALATED", public=False, from_org_id=org_id,
                                   to_org_id=a.escalated_to_id, created_at=a.escalated_at,
                                   text="超过办理时限，已提级督办。"))
        first = plan.get("first_close")
        if first:
            closed_at, text = first
            out.append(AppealEvent(appeal=a, kind="CLOSED", public=True, actor_org_id=org_id, created_at=closed_at,
                                   text=text))
            out.append(AppealEvent(appeal=a, kind="RATED", public=True, created_at=closed_at + DAY,
                                   text=f"{a.satisfaction}/5 {a.satisfaction_comment}".strip()))
            out.append(AppealEvent(appeal=a, kind="REOPENED", public=True, created_at=a.reopened_at,
                                   text="企业仍未补发，申请重新办理。"))
        if a.status == "CLOSED":
            out.append(AppealEvent(appeal=a, kind="CLOSED", public=True, actor_org_id=org_id, created_at=a.closed_at,
                                   text=a.result_text))
            if a.satisfaction and not first:
                out.append(AppealEvent(appeal=a, kind="RATED", public=True, created_at=a.rated_at,
                                       text=f"{a.satisfaction}/5 {a.satisfaction_comment}".strip()))
        return out

    # --- all -------------------------------------------------------------------------------------
    def run(self):
        total = SIZE[self.scale]
        built = [self.build(i, total) for i in range(total)]
        built.sort(key=lambda pair: pair[0].received_at)
        counters = {}
        for a, _plan in built:  # numbered per year in order of receipt, as the counter would
            year = timezone.localtime(a.received_at).year
            counters[year] = counters.get(year, 0) + 1
            a.number = f"{self.rules.number_prefix}{year}-{counters[year]:06d}"
        appeals = [a for a, _plan in built]
        with _keep_given_created_at(Appeal, AppealEvent):
            Appeal.objects.bulk_create(appeals, batch_size=2000)
            events = [e for a, plan in built for e in self.events(a, plan)]
            AppealEvent.objects.bulk_create(events, batch_size=5000)
        for year, last in counters.items():
            AppealCounter.objects.update_or_create(year=year, defaults={"last": last})
        return {"appeals": len(appeals), "appeal_events": len(events)}


def seed(gen) -> dict:
    return AppealDemo(gen).run()
