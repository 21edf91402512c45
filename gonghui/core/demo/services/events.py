"""Demo events of the `events` area of services (runs after `venues`).

Organisers: the district, town1 (城厢), town2 (北干), union1 and other towns (three at small scale,
every town at district scale). Each organiser has, per year, events of every kind: last year
FINISHED ones (with check-ins) and a CANCELLED one; this year FINISHED ones, a CLOSED one starting
in a few days, PUBLISHED ones (one of them full with a waiting list 1, 2, 3…) and a DRAFT. Places
go to live members of the unions inside the organiser's area (exactly as the services place them:
REGISTERED up to the capacity, then WAITLISTED without gaps), a few were cancelled; finished
events have 60–95 % of their places checked in (QR or the organiser's list). member1's person
(`gen.member1`) holds places on a published and a finished event, so /services/my/events/ has
data. Venues come from the venues area when it wrote some, else the free place is used.
Bulk writes; one membership query per event.
"""

import datetime
import random

from django.utils import timezone

from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.orgs.models import Org, OrgLevel
from gonghui.services.models.events import (
    CheckinMethod,
    Event,
    EventKind,
    EventPhoto,
    EventStatus,
    Registration,
    RegistrationChannel,
    RegistrationStatus,
)

MODELS = (Event, Registration, EventPhoto)
DAY = datetime.timedelta(days=1)
TITLES = {
    EventKind.CULTURE: ["职工歌咏比赛", "职工书画展", "“劳动最美”文艺汇演", "职工摄影大赛", "迎新春职工联欢会"],
    EventKind.SPORTS: ["职工趣味运动会", "职工篮球联赛", "职工乒乓球比赛", "职工拔河比赛", "职工健步走"],
    EventKind.OUTING: ["职工春游（湘湖）", "劳模疗休养", "职工亲子游（杭州动物园）"],
    EventKind.LECTURE: ["职工心理健康讲座", "家庭教育公益讲座", "健康养生讲座"],
    EventKind.OTHER: ["职工相亲交友会", "青年职工读书会"],
}
PLACES = ["街道文体中心", "区职工文化宫大礼堂", "湘湖景区入口集合", "区体育中心", "社区活动室"]
REASONS = ["临时加班", "身体不适", "家中有事", ""]


def _plans(year):
    last, this = year - 1, year
    return [(last, EventStatus.FINISHED, "past"), (last, EventStatus.FINISHED, "past"),
            (last, EventStatus.CANCELLED, "past"), (this, EventStatus.FINISHED, "past"),
            (this, EventStatus.FINISHED, "past"), (this, EventStatus.CLOSED, "soon"),
            (this, EventStatus.PUBLISHED, "future"), (this, EventStatus.PUBLISHED, "future"),
            (this, EventStatus.DRAFT, "future")]


def seed(gen) -> dict:
    from gonghui.core.demo.generator import TOWN1, TOWN2
    from gonghui.services.models.venues import Venue

    rng = random.Random(gen.seed * 7907 + 91)
    small = gen.scale.name == "small"
    now = timezone.now()
    today = timezone.localdate()
    town1, town2 = gen.town_by_name[TOWN1], gen.town_by_name[TOWN2]
    organisers = [gen.root.id, town1.id, town2.id, gen.union1.id]
    towns = [t for t in gen.towns if t.id not in (town1.id, town2.id) and t.level == OrgLevel.TOWN]
    organisers += [t.id for t in (rng.sample(towns, min(3, len(towns))) if small else towns)]
    orgs = Org.objects.in_bulk(organisers)
    town_of_union = {u.id: (u.town.id if u.town else None) for u in gen.unions}
    venues = list(Venue.objects.filter(is_active=True).values_list("pk", "org__path"))
    member1 = getattr(gen, "member1", None)
    member1_union = (Membership.objects.filter(person_id=member1, status__in=LIVE_STATUSES)
                     .values_list("union_id", flat=True).first() if member1 else None)
    member1_path = Org.objects.filter(pk=member1_union).values_list("path", flat=True).first() or ""

    events = []
    for org_id in organisers:
        org = orgs[org_id]
        for year, status, when in _plans(today.year):
            kind = rng.choice(list(EventKind))
            if when == "past":
                latest = min(today - 2 * DAY, datetime.date(year, 12, 31))
                day = max(datetime.date(year, 1, 10), latest - rng.randint(5, 300) * DAY)
            elif when == "soon":
                day = today + rng.randint(2, 5) * DAY
            else:
                day = today + rng.randint(8, 40) * DAY
            starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.choice((9, 14, 19)))))
            usable = [pk for pk, path in venues if org.path.startswith(path) or path.startswith(org.path)]
            venue = rng.choice(usable) if usable and rng.random() < 0.6 else None
            e = Event(org_id=org_id, town_id=None if org.level == OrgLevel.DISTRICT else
                      (org_id if org.level == OrgLevel.TOWN else town_of_union.get(org_id)),
                      kind=kind, title=rng.choice(TITLES[kind]), venue_id=venue,
                      place="" if venue else rng.choice(PLACES),
                      description="欢迎广大职工踊跃报名参加。", starts_at=starts,
                      ends_at=starts + datetime.timedelta(hours=rng.choice((2, 3, 4))),
                      reg_opens_on=day - 30 * DAY, reg_closes_on=day - DAY,
                      capacity=rng.choice((20, 30, 40, 60)) if small else rng.choice((30, 50, 80, 120)),
                      waitlist_limit=rng.choice((0, 5, 10)), status=status,
                      cancel_reason="因天气原因取消" if status == EventStatus.CANCELLED else "")
            if when == "future":
                e.reg_opens_on = today - 3 * DAY
            events.append(e)
    published = [e for e in events if e.status == EventStatus.PUBLISHED]
    for e in published[::2]:  # about half the open events are full with a waiting list
        e.waitlist_limit = max(e.waitlist_limit, 5)
        e.full = True
    events = Event.objects.bulk_create(events)

    regs, used_member1 = [], set()
    offset = 0
    for e in events:
        if e.status == EventStatus.DRAFT:
            continue
        org = orgs[e.org_id]
        full = getattr(e, "full", False)
        want = e.capacity + min(e.waitlist_limit, 4) if full else int(e.capacity * rng.uniform(0.5, 0.95))
        offset = (offset + rng.randint(0, 300)) % 2000
        members = (Membership.objects.filter(union__path__startswith=org.path, status__in=LIVE_STATUSES)
                   .exclude(person_id=member1).order_by("pk").values_list("person_id", "union_id"))
        rows = list(members[offset: offset + want + 10])
        if len(rows) < want + 2:
            rows = list(members[: want + 10])
        seen, picked = set(), []
        for person_id, union_id in rows:
            if person_id not in seen:
                seen.add(person_id)
                picked.append((person_id, union_id))
        if member1 and member1_path.startswith(org.path) and e.status in (EventStatus.PUBLISHED,
                                                                           EventStatus.FINISHED) \
                and e.status not in used_member1:
            used_member1.add(e.status)
            picked.insert(0, (member1, member1_union))
        picked = picked[:want]
        at = min(now, e.starts_at - 3 * DAY)
        seats, position = 0, 0
        for i, (person_id, union_id) in enumerate(picked):
            x = Registration(event=e, person_id=person_id, union_id=union_id, town_id=town_of_union.get(union_id),
                             channel=rng.choice([RegistrationChannel.UNION] * 3 + [RegistrationChannel.SELF] * 2
                                                + [RegistrationChannel.STAFF]),
                             registered_at=at - datetime.timedelta(minutes=len(picked) - i))
            if e.status == EventStatus.CANCELLED:
                x.status, x.cancelled_at = RegistrationStatus.CANCELLED, e.starts_at - 2 * DAY
                x.cancel_reason = f"活动已取消：{e.cancel_reason}"
            elif seats < e.capacity:
                x.status, seats = RegistrationStatus.REGISTERED, seats + 1
                if e.status == EventStatus.FINISHED and (person_id == member1 or rng.random() < 0.8):
                    x.checked_in_at = e.starts_at + datetime.timedelta(minutes=rng.randint(-30, 20))
                    x.checkin_method = rng.choice([CheckinMethod.QR] * 3 + [CheckinMethod.LIST])
            elif e.status in (EventStatus.PUBLISHED, EventStatus.CLOSED):
                position += 1
                x.status, x.waitlist_position = RegistrationStatus.WAITLISTED, position
            else:
                continue
            regs.append(x)
        # a few cancelled places (freed before the waiting list existed: no promotion needed)
        if e.status != EventStatus.CANCELLED and not full:
            for person_id, union_id in rows[len(picked): len(picked) + rng.randint(0, 2)]:
                if person_id in {r[0] for r in picked}:
                    continue
                regs.append(Registration(event=e, person_id=person_id, union_id=union_id,
                                         town_id=town_of_union.get(union_id), channel=RegistrationChannel.SELF,
                                         registered_at=at - 2 * DAY, status=RegistrationStatus.CANCELLED,
                                         cancelled_at=at - DAY, cancel_reason=rng.choice(REASONS)))
    Registration.objects.bulk_create(regs, batch_size=2000)
    return {"events": len(events), "registrations": len(regs)}
