"""Demo on-the-job activities (岗位成才/建功/练兵): for union1, unions of town1 and town2 and a
sample of others (about one union in fifteen at `district` scale), one to three activities in
2026 with three to eight of the union's live members each and their results. Written in bulk; the
participant count on each activity matches its participant rows."""

import datetime
import random

from gonghui.competitions.models.activities import ActivityParticipant, JobActivity
from gonghui.members.models import Membership

MODELS = (JobActivity, ActivityParticipant)
TITLES = {
    "TRAINING": ["数控车工岗位练兵", "电焊工技能练兵", "叉车操作岗位练兵", "消防应急演练比武", "质检员岗位练兵"],
    "TALENT": ["青年职工岗位成才计划", "师带徒结对成才", "技能等级提升培训班"],
    "MERIT": ["“当好主人翁 建功新时代”岗位建功", "节能降耗岗位建功", "安全生产岗位建功竞赛"],
}
PLACES = ["一号车间", "培训中心", "职工之家", "生产车间", "多功能厅"]
RESULTS = ["优秀", "合格", "合格", "技术能手", "良好"]


def seed(gen) -> dict:
    from gonghui.core.demo.generator import TOWN1, TOWN2

    rng = random.Random(gen.seed * 5087 + 11)
    small = gen.scale.name == "small"
    anchors = [u for u in gen.unions if u.town is not None and u.town.short_name in (TOWN1, TOWN2)]
    others = [u for u in gen.unions if u not in anchors and u is not gen.union1]
    chosen = [gen.union1, *[u for u in anchors if u is not gen.union1][: 8 if small else 30]]
    chosen += rng.sample(others, min(len(others), 4)) if small else [u for u in others if rng.randrange(15) == 0]
    activities, plans = [], []
    for u in chosen:
        members = list(Membership.objects.filter(union_id=u.id, status="ACTIVE").order_by("id")
                       .values_list("person_id", flat=True)[:24])
        for _n in range(3 if u is gen.union1 else rng.randint(1, 3)):
            kind = rng.choice(list(TITLES))
            held = datetime.date(2026, rng.randint(1, 11), rng.randint(1, 28))
            people = rng.sample(members, min(len(members), rng.randint(3, 8)))
            a = JobActivity(org_id=u.id, kind=kind, title=rng.choice(TITLES[kind]), held_on=held,
                            ends_on=held + datetime.timedelta(days=rng.choice([0, 1, 2])) if kind != "TALENT" else None,
                            place=rng.choice(PLACES), participant_count=len(people),
                            description="由企业工会组织，职工踊跃参加。")
            activities.append(a)
            plans.append(people)
    JobActivity.objects.bulk_create(activities, batch_size=1000)
    rows = [ActivityParticipant(activity_id=a.pk, person_id=p, result=rng.choice(RESULTS))
            for a, people in zip(activities, plans, strict=True) for p in people]
    ActivityParticipant.objects.bulk_create(rows, batch_size=2000)
    gen.writer.reset_sequences(list(MODELS))
    return {"activities": len(activities), "participants": len(rows)}
