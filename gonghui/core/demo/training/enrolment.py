"""Demo enrolments on the demo courses (training `enrolment` area; runs after `courses`).

Every course that is OPEN, CLOSED or FINISHED gets trainees from the unions inside its organiser's
area (union1's members first where the course is open to union1): seats filled to 60–100 % of the
capacity; about one OPEN course in three is full with a waiting list (places 1, 2, 3…); some places
were cancelled, and where someone was waiting the first of the list was promoted (`promoted_at`),
exactly as `services.enrolment` does it. Channels mix union bulk, organiser and self-enrolment.
member1's person (`gen.member1`) holds a seat and a waiting place on courses open to union1 whose
sessions do not overlap, so the member page (/training/my/) has data. Nobody is booked on two
overlapping courses (a person is used on one course only, member1 aside).

Bulk writes; one membership query per course (hundreds at district scale, well under a few seconds).
"""

import datetime
import random

from django.db.models import Min

from gonghui.members.models import LIVE_STATUSES, Membership, SkillLevel
from gonghui.training.models.courses import Course, CourseSession, CourseStatus
from gonghui.training.models.enrolment import Enrolment, EnrolmentChannel, EnrolmentStatus

MODELS = (Enrolment,)
CHANNELS = [EnrolmentChannel.UNION] * 6 + [EnrolmentChannel.SELF] * 3 + [EnrolmentChannel.STAFF]
REASONS = ["工作安排冲突", "身体原因", "已参加同类培训", "调离本单位", ""]


def _ancestor_paths(path, steplen=4):
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def seed(gen) -> dict:
    rng = random.Random(gen.seed * 7919 + 83)
    courses = list(Course.objects.filter(status__in=(CourseStatus.OPEN, CourseStatus.CLOSED, CourseStatus.FINISHED))
                   .select_related("org").order_by("pk"))
    if not courses:
        return {"enrolments": 0}
    towns = {u.id: (u.town.id if u.town else None) for u in gen.unions}
    union1 = gen.union1
    first_start = dict(Course.objects.filter(pk__in=[c.pk for c in courses])
                       .annotate(s=Min("sessions__starts_at")).values_list("pk", "s"))
    spans = {}
    for s in CourseSession.objects.filter(course__in=courses, is_cancelled=False).values(
            "course_id", "starts_at", "ends_at"):
        spans.setdefault(s["course_id"], []).append((s["starts_at"], s["ends_at"]))
    used, rows, member1_spans, member1_places, fulls = set(), [], [], 0, 0
    member1 = getattr(gen, "member1", None)
    for course in courses:
        open_to_union1 = course.org.path in _ancestor_paths(union1.path)
        want = max(1, int(course.capacity * rng.uniform(0.6, 1.0)))
        full = course.status == CourseStatus.OPEN and course.waitlist_limit > 0 and (
            rng.randrange(3) == 0 or not fulls or (open_to_union1 and fulls == 1))
        cancels = rng.randint(0, max(1, want // 8))
        if full:
            fulls += 1
            want = course.capacity + min(course.waitlist_limit, 6)
            cancels = min(cancels, 2)
        start = first_start.get(course.pk)
        base = (start - datetime.timedelta(days=rng.randint(10, 40))) if start else None
        if base is None:
            continue
        levels = SkillLevel.values[SkillLevel.values.index(course.min_skill_level):] if course.min_skill_level \
            else SkillLevel.values
        candidates = []
        if open_to_union1:
            candidates += list(Membership.objects.filter(union_id=union1.id, status__in=LIVE_STATUSES,
                                                                 person__skill_level__in=levels)
                               .exclude(person_id=member1).order_by("-id")
                               .values_list("person_id", "union_id")[: want + cancels + len(used) % 7 + 40])
        candidates += list(Membership.objects.filter(union__path__startswith=course.org.path, status__in=LIVE_STATUSES,
                                                  person__skill_level__in=levels)
                           .exclude(person_id=member1).order_by("id")
                           .values_list("person_id", "union_id")[rng.randint(0, 200): rng.randint(0, 200) + 400])
        picked, seen = [], set()
        for person_id, union_id in candidates:
            if person_id in used or person_id in seen:
                continue
            seen.add(person_id)
            picked.append((person_id, union_id))
            if len(picked) >= want + cancels:
                break
        # member1: a seat or a waiting place on courses open to union1 that do not overlap each other
        if member1 and open_to_union1 and member1_places < 3 and course.status == CourseStatus.OPEN \
                and not course.min_skill_level:
            mine = spans.get(course.pk, [])
            if not any(a < d and b > c for a, b in mine for c, d in member1_spans):
                member1_spans += mine
                member1_places += 1
                at = 0 if member1_places == 1 else min(len(picked), course.capacity + 1)
                picked.insert(at, (member1, union1.id))
        seats = waiting = 0
        course_rows = []
        for i, (person_id, union_id) in enumerate(picked):
            if person_id != member1:
                used.add(person_id)
            when = base + datetime.timedelta(hours=i * 3 + rng.randint(0, 2))
            channel = rng.choice(CHANNELS)
            x = Enrolment(course_id=course.pk, person_id=person_id, union_id=union_id, town_id=towns.get(union_id),
                          channel=channel, enrolled_at=when)
            if seats < course.capacity:
                x.status, seats = EnrolmentStatus.ENROLLED, seats + 1
            elif waiting < course.waitlist_limit:
                waiting += 1
                x.status, x.waitlist_position = EnrolmentStatus.WAITLISTED, waiting
            else:
                break
            course_rows.append(x)
        # cancellations: a seat holder (not member1) cancels; the first waiting takes the seat
        holders = [x for x in course_rows if x.status == EnrolmentStatus.ENROLLED and x.person_id != member1]
        for _ in range(min(cancels, max(len(holders) - 1, 0))):
            x = holders.pop(rng.randrange(len(holders)))
            x.status, x.cancelled_at = EnrolmentStatus.CANCELLED, x.enrolled_at + datetime.timedelta(days=2)
            x.cancel_reason = rng.choice(REASONS)
            queue = sorted((w for w in course_rows if w.status == EnrolmentStatus.WAITLISTED),
                           key=lambda w: w.waitlist_position)
            if queue and course.status in (CourseStatus.OPEN, CourseStatus.CLOSED):
                first = queue[0]
                # the seat is freed after the waiting person joined the list, and promoted at that moment
                x.cancelled_at = max(x.cancelled_at, first.enrolled_at + datetime.timedelta(hours=1))
                first.status, first.waitlist_position, first.promoted_at = EnrolmentStatus.ENROLLED, None, \
                    x.cancelled_at
                for w in queue[1:]:
                    w.waitlist_position -= 1
        if course.status == CourseStatus.FINISHED:  # no waiting list is left on a finished course
            course_rows = [x for x in course_rows if x.status != EnrolmentStatus.WAITLISTED]
        rows += course_rows
    Enrolment.objects.bulk_create(rows, batch_size=2000)
    counts = {}
    for x in rows:
        counts[x.status] = counts.get(x.status, 0) + 1
    return {"enrolments": len(rows), **{k.lower(): v for k, v in sorted(counts.items())},
            "member1": member1_places}
