"""Demo appeals (voice `appeals` area): appeals of union1 (member1's among them), of unions of town1
(城厢街道) and town2 (北干街道), a few held by those towns and the district (to dispatch), and at
district scale about one union in twenty of the other towns (five at small scale). Received over
2026 up to `ON`; statuses: new, being handled (some overdue and escalated), closed on time or late
(most rated), withdrawn. Each has the history a real one would have (submitted, routed, accepted,
reply, internal note, closed, escalated). Bulk writes: a few queries per table."""

import datetime
import random

from django.utils import timezone

from gonghui.core import pii, workdays
from gonghui.voice.models.appeals import Appeal, AppealCounter, AppealEvent
from gonghui.voice.rules.appeals import rules

ON = datetime.date(2026, 11, 30)
MODELS = (AppealCounter, Appeal, AppealEvent)
TOPICS = {
    "WAGES_OWED": ["公司拖欠两个月工资", "加班费未按规定支付", "年终奖被无故扣发"],
    "CONTRACT": ["入职半年未签劳动合同", "合同到期单位不续签也不补偿", "被要求签空白合同"],
    "INJURY": ["工伤认定材料单位不配合", "工伤医疗费未报销", "停工留薪期工资未发"],
    "SOCIAL_INSURANCE": ["单位未缴纳社会保险", "公积金缴纳基数偏低", "社保断缴三个月"],
    "DISMISSAL": ["被口头通知辞退无补偿", "怀孕期间被调岗降薪", "以末位淘汰为由解除合同"],
    "HARDSHIP": ["家人重病申请困难帮扶", "子女上学经济困难", "突遇火灾生活困难"],
    "OTHER": ["食堂伙食差希望改善", "夏季高温车间降温措施不足", "希望组织职工技能培训"],
}
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰"]


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed(gen) -> dict:
    from gonghui.core.demo.generator import TOWN1, TOWN2

    rng = random.Random(gen.seed * 131 + 7)
    small = gen.scale.name == "small"
    towns = [gen.town_by_name[TOWN1], gen.town_by_name[TOWN2]]
    town_ids = {t.id for t in towns}
    anchored = [u for u in gen.unions if u is not gen.union1 and u.town is not None and u.town.id in town_ids]
    others = [u for u in gen.unions if u is not gen.union1 and u not in anchored]
    picked = [gen.union1, *anchored[:15],
              *(rng.sample(others, min(5, len(others))) if small else [u for u in others if rng.randrange(20) == 0])]
    holders = [(u, (8 if u is gen.union1 else rng.choice([2, 3, 4])), u.town) for u in picked]
    holders += [(t, 3, t) for t in towns] + [(gen.root, 3, None)]
    r = rules()
    appeals, plans = [], []
    number = 0
    phone_cache = {}
    for org, count, town in holders:
        for i in range(count):
            number += 1
            category = rng.choice(list(TOPICS))
            received = ON - datetime.timedelta(days=rng.randrange(0, 330))
            due = workdays.add_working_days(received, r.categories[category].time_limit_days)
            anonymous = category == "OTHER" and rng.random() < .3
            mine = org is gen.union1 and i == 0 and gen.member1
            status = "CLOSED" if due < ON - datetime.timedelta(days=10) and rng.random() < .85 else rng.choice(
                ["NEW", "HANDLING", "HANDLING", "CLOSED"])
            if org.level != "GRASSROOTS" and status != "CLOSED":
                status = "NEW"
            if rng.random() < .03:
                status = "WITHDRAWN"
            name = "" if anonymous or mine else rng.choice(NAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            phone = f"13{rng.randrange(10**9):09d}"
            a = Appeal(number=f"{r.number_prefix}2026-{number:06d}", category=category,
                       channel=rng.choice(["PORTAL", "PORTAL", "WEB", "PHONE", "VISIT"]),
                       title=rng.choice(TOPICS[category]), content="职工反映：" + rng.choice(TOPICS[category])
                       + "，希望工会帮助协调解决。", anonymous=anonymous, person_id=gen.member1 if mine else None,
                       contact_name=name, tracking_code=f"{rng.randrange(16**12):012X}", org_id=org.id,
                       town_id=town.id if town else None, status=status, received_at=_at(received),
                       clock_started_on=received, due_on=due)
            if name:
                key = phone
                if key not in phone_cache:
                    phone_cache[key] = (pii.encrypt(phone), pii.lookup_hash(phone), pii.mask_phone(phone))
                a.contact_phone_enc, a.contact_phone_hash, a.contact_phone_masked = phone_cache[key]
            if status in ("HANDLING", "CLOSED"):
                a.accepted_at = _at(received + datetime.timedelta(days=1))
            if status == "CLOSED":
                late = rng.random() < .15
                closed = (workdays.add_working_days(due, rng.randrange(1, 4)) if late
                          else workdays.add_working_days(received, rng.randrange(1, max(2, (due - received).days))))
                closed = min(closed, ON)
                a.closed_at, a.closed_on_time = _at(closed, 16), closed <= due
                a.result = rng.choice(["RESOLVED", "RESOLVED", "RESOLVED", "PARTLY", "EXPLAINED", "REFERRED"])
                a.result_text = "经工会协调，企业已按规定处理。" if a.result == "RESOLVED" else "已向职工解释相关政策。"
                if rng.random() < .7:
                    a.satisfaction = rng.choice([5, 5, 4, 4, 3, 2])
                    a.rated_at = a.closed_at + datetime.timedelta(days=1)
            open_late = status in ("NEW", "HANDLING") and due < ON
            if open_late and org.level == "GRASSROOTS" and org.town is not None:
                a.escalation_level, a.escalated_to_id = 1, org.town.id
                a.escalated_at = _at(due + datetime.timedelta(days=1))
            appeals.append(a)
            plans.append((a, org))
    Appeal.objects.bulk_create(appeals, batch_size=2000)
    AppealCounter.objects.update_or_create(year=2026, defaults={"last": number})
    events = []
    for a, org in plans:
        events.append(AppealEvent(appeal=a, kind="SUBMITTED", public=True))
        events.append(AppealEvent(appeal=a, kind="ROUTED", public=True, to_org_id=org.id, actor_org_id=org.id))
        if a.accepted_at:
            events.append(AppealEvent(appeal=a, kind="ACCEPTED", public=True, actor_org_id=org.id))
            events.append(AppealEvent(appeal=a, kind="NOTE", public=False, actor_org_id=org.id,
                                      text="已电话联系企业人事部门了解情况。"))
            events.append(AppealEvent(appeal=a, kind="REPLY", public=True, actor_org_id=org.id,
                                      text="您的诉求已受理，我们正在与企业沟通。"))
        if a.escalation_level:
            events.append(AppealEvent(appeal=a, kind="ESCALATED", public=False, from_org_id=org.id,
                                      to_org_id=a.escalated_to_id, text="超过办理时限，已提级督办。"))
        if a.status == "CLOSED":
            events.append(AppealEvent(appeal=a, kind="CLOSED", public=True, actor_org_id=org.id, text=a.result_text))
            if a.satisfaction:
                events.append(AppealEvent(appeal=a, kind="RATED", public=True, text=str(a.satisfaction)))
        if a.status == "WITHDRAWN":
            events.append(AppealEvent(appeal=a, kind="WITHDRAWN", public=True))
    AppealEvent.objects.bulk_create(events, batch_size=5000)
    return {"appeals": len(appeals), "appeal_events": len(events)}
