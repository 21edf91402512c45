"""Demo rows of publicity `studies`: cadre study sessions with invitees and attendance.

Organisers: the district, town1 (城厢), town2 (北干), union1 and other towns (three at small scale,
every town at district scale). The demo generator makes no cadre accounts besides the demo ones
(created after the module seeds), so this seeds a few cadre accounts per organising town (two town
cadres, and the staff of up to six unions; usernames `studydemo-…`, no usable password) to be the
invitees. Each organiser has HELD sessions last year and this year (attendance 80–95 % present or
late, some leave with a reason, a few absent), one CANCELLED, one started today with its sheet still
open, and PLANNED ones to come; the latest held session of town1 and town2 has a PDF material.
`invite_demo_accounts()` (for the lead to call after the demo accounts exist) adds town1, town2,
union1 and district to the sessions of their organisers so "my study sessions" has data for them.
Bulk writes."""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone

from gonghui.accounts.models import RoleAssignment, User
from gonghui.accounts.roles import Role
from gonghui.orgs.models import OrgLevel
from gonghui.publicity.models.studies import StudyInvitee, StudyMaterial, StudySession

MODELS = (StudySession, StudyInvitee, StudyMaterial)
DAY = datetime.timedelta(days=1)
TITLES = {
    "THEORY": ["学习贯彻习近平新时代中国特色社会主义思想", "学习中国工会十八大精神", "学习党的二十届三中全会精神"],
    "BUSINESS": ["基层工会经费管理业务培训", "工会会员实名制工作培训", "集体协商业务培训", "工会财务审计实务"],
    "POLICY": ["新就业形态劳动者权益保障政策宣讲", "《工会法》修订要点解读", "职工医疗互助政策解读"],
    "PARTY": ["党史学习教育专题党课", "“不忘初心”主题学习"],
    "OTHER": ["工会干部心理健康讲座", "先进典型事迹报告会"],
}
PLACES = ["区总工会三楼会议室", "街道党群服务中心", "职工之家活动室", "区职工文化宫报告厅", ""]
SPEAKERS = ["王建国", "李红", "陈志强", "区委党校刘老师", "周敏"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞"]
LEAVE_REASONS = ["出差", "病假", "参加上级会议", "企业生产任务紧", "事假"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _cadres(rng, towns, unions_by_town):
    """Create the cadre accounts of the organising towns; {town id: [(user id, org id)]}."""
    password = make_password(None)
    plan = []
    for town in towns:
        plan += [(town.id, Role.TOWN_CADRE, f"studydemo-{town.id}-t{n}") for n in range(2)]
        for union_id in unions_by_town.get(town.id, [])[:6]:
            plan.append((union_id, Role.UNION_STAFF, f"studydemo-{town.id}-u{union_id}"))
    User.objects.bulk_create([User(username=name, password=password, is_active=True,
                                   display_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN))
                              for _org, _role, name in plan], ignore_conflicts=True)
    ids = dict(User.objects.filter(username__in=[p[2] for p in plan]).values_list("username", "pk"))
    RoleAssignment.objects.bulk_create([RoleAssignment(user_id=ids[name], org_id=org, role=role)
                                        for org, role, name in plan], ignore_conflicts=True)
    by_town = {}
    for org, _role, name in plan:
        by_town.setdefault(int(name.split("-")[1]), []).append((ids[name], org))
    return by_town, len(plan)


def _plans(today):
    this, last = today.year, today.year - 1
    return ([("HELD", last)] * 4 + [("HELD", this)] * 4 + [("CANCELLED", this), ("OPEN", this)]
            + [("PLANNED", this)] * 2)


def _when(rng, kind, year, today):
    if kind == "HELD":
        latest = min(today - 9 * DAY, datetime.date(year, 12, 20))
        return max(datetime.date(year, 1, 8), latest - rng.randint(0, 300) * DAY)
    if kind == "OPEN":
        return today
    return today + rng.randint(3, 40) * DAY


def seed(gen) -> dict:
    from gonghui.core.demo.generator import TOWN1, TOWN2

    rng = random.Random(gen.seed * 7919 + 17)
    small = gen.scale.name == "small"
    today = timezone.localdate()
    town1, town2 = gen.town_by_name[TOWN1], gen.town_by_name[TOWN2]
    others = [t for t in gen.towns if t.id not in (town1.id, town2.id) and t.level == OrgLevel.TOWN]
    towns = [town1, town2] + (rng.sample(others, min(3, len(others))) if small else others)
    unions_by_town = {}
    for u in gen.unions:
        if u.town is not None:
            unions_by_town.setdefault(u.town.id, []).append(u.id)
    # `seed_demo --no-accounts` (DEBUG off) creates no login at all: the sessions then have no invitees.
    cadres, accounts = _cadres(rng, towns, unions_by_town) if getattr(gen, "with_accounts", True) else ({}, 0)
    union1_town = gen.union1.town.id if gen.union1.town else town1.id
    organisers = [(gen.root.id, None)] + [(t.id, t.id) for t in towns] + [(gen.union1.id, union1_town)]
    sessions, invitees_plan = [], []
    for org_id, town_id in organisers:
        if town_id is None:  # the district invites every seeded cadre
            pool = [c for cs in cadres.values() for c in cs]
        elif org_id == gen.union1.id:
            pool = [c for c in cadres.get(town_id, []) if c[1] == org_id]
        else:
            pool = cadres.get(town_id, [])
        for status, year in _plans(today):
            kind = rng.choice(list(TITLES))
            day = _when(rng, status, year, today)
            hour = 9 if status != "OPEN" else max(0, timezone.localtime().hour - 1)
            starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
            place = rng.choice(PLACES)
            s = StudySession(org_id=org_id, town_id=town_id, kind=kind, title=rng.choice(TITLES[kind]),
                             topic="围绕主题开展专题学习，交流工作体会。", starts_at=starts,
                             ends_at=starts + datetime.timedelta(hours=rng.choice((2, 3))), place=place,
                             online_url="" if place else "https://meeting.example.cn/" + str(rng.randint(10**8, 10**9)),
                             speaker=rng.choice(SPEAKERS),
                             status={"OPEN": "PLANNED"}.get(status, status),
                             cancel_reason="与上级会议时间冲突，另行通知" if status == "CANCELLED" else "",
                             held_at=starts + 3 * datetime.timedelta(hours=1) if status == "HELD" else None)
            sessions.append(s)
            invitees_plan.append((status, pool))
    StudySession.objects.bulk_create(sessions, batch_size=1000)
    rows = []
    now = timezone.now()
    for s, (status, pool) in zip(sessions, invitees_plan, strict=True):
        share = rng.uniform(0.80, 0.95)
        for user_id, org_id in pool:
            row = StudyInvitee(session_id=s.pk, user_id=user_id, org_id=org_id)
            if status == "HELD":
                roll = rng.random()
                row.status = ("PRESENT" if roll < share - 0.06 else "LATE" if roll < share else
                              "LEAVE" if roll < share + (1 - share) * 0.6 else "ABSENT")
                row.reason = rng.choice(LEAVE_REASONS) if row.status == "LEAVE" else ""
                row.method = rng.choice(("QR", "SHEET"))
                row.recorded_at = min(s.ends_at, now)
            rows.append(row)
    StudyInvitee.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    materials = 0
    for org_id in (town1.id, town2.id):
        latest = (StudySession.objects.filter(org_id=org_id, status="HELD").order_by("-starts_at").first())
        if latest is not None:
            m = StudyMaterial(session=latest, name="学习材料.pdf", kind="pdf", size=len(PDF))
            m.file.save(f"studydemo-{latest.pk}.pdf", ContentFile(PDF), save=False)
            m.save()
            materials += 1
    return {"sessions": len(sessions), "invitees": len(rows), "materials": materials, "cadre_accounts": accounts}


def invite_demo_accounts() -> int:
    """After the demo accounts exist: invite district/town1/town2/union1 to the sessions of the
    organisers in their reach (idempotent).
    Returns how many invitations it tried to add (the unique constraint skips existing ones)."""
    added = 0
    for ra in RoleAssignment.objects.filter(user__username__in=("district", "town1", "town2", "union1"),
                                            role__in=(Role.DISTRICT_STAFF, Role.TOWN_CADRE, Role.UNION_CHAIR)
                                            ).select_related("org"):
        ids = StudySession.objects.filter(org__path__in=[ra.org.path[:i] for i in range(4, len(ra.org.path) + 1, 4)]
                                          ).values_list("pk", flat=True)
        rows = [StudyInvitee(session_id=pk, user_id=ra.user_id, org_id=ra.org_id) for pk in ids]
        added += len(StudyInvitee.objects.bulk_create(rows, ignore_conflicts=True))
        # The sessions already held have their sheet recorded: the demo cadres were there.
        StudyInvitee.objects.filter(user_id=ra.user_id, session_id__in=ids, session__status="HELD",
                                    status="").update(status="PRESENT", method="SHEET", recorded_at=timezone.now())
    return added
