"""Demo attendance, completion and certificates (training `attendance` area; runs after
`courses` and `enrolment`).

- Attendance on every past, non-cancelled session of the CLOSED and FINISHED courses, for each seat
  holder: most trainees come to nearly every session, some to about four in five, a few to half;
  some arrive late, some are excused; about a third checked in with the QR code, the rest were
  entered on the list.
- FINISHED courses: assessment scores where an assessment is required (a few fail, a few were not
  assessed), then the completion decision by `services.attendance.completion_outcome` (the same
  rule the service applies: attended hours of non-cancelled sessions / their total ≥ the minimum
  share, score ≥ pass mark), attended hours written on each seat.
- Certificates for every COMPLETED seat (number PX-<year>-<enrolment id>, a verification code
  whose random part comes from the demo's random generator, so the data set is reproducible, and
  whose check characters are the HMAC the verification page checks); one certificate in about
  two hundred (at least one) is revoked — never member1's.
- member1's person (`gen.member1`): if the enrolment area gave them no seat on a finished course,
  a seat is added on a finished course open to union1 (past sessions, so it cannot overlap their
  open courses); they attend every session, pass, and hold a valid certificate.

Bulk writes; a few queries in all (no per-member or per-course queries).
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from gonghui.training.models.attendance import Attendance, AttendanceMethod, AttendanceStatus, Certificate
from gonghui.training.models.courses import Course, CourseSession, CourseStatus
from gonghui.training.models.enrolment import SEAT_STATUSES, Enrolment, EnrolmentChannel, EnrolmentStatus
from gonghui.training.services.attendance import (
    ALPHABET,
    RANDOM_LEN,
    _check_chars,
    completion_outcome,
    min_share,
    programme_label,
)

MODELS = (Attendance, Certificate)
DAY = datetime.timedelta(days=1)
PROFILES = ((0.95, 75), (0.8, 15), (0.5, 10))  # (chance of attending a session, weight %)
REVOKE_REASONS = ["考勤记录经核查不实，撤销证书", "培训期间冒名顶替签到，撤销证书", "证书信息有误，已重新发放"]


def _ancestor_paths(path, steplen=4):
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def _profile(rng):
    x = rng.uniform(0, 100)
    for chance, weight in PROFILES:
        if x < weight:
            return chance
        x -= weight
    return PROFILES[0][0]


def _code(rng):
    random_part = "".join(rng.choice(ALPHABET) for _i in range(RANDOM_LEN))
    return random_part + _check_chars(random_part)


def _member1_seat(gen, courses, now):
    """member1's seat on a finished course open to union1 (added when the enrolment area gave none)."""
    member1 = getattr(gen, "member1", None)
    if not member1:
        return None
    mine = Enrolment.objects.filter(person_id=member1, course__status=CourseStatus.FINISHED,
                                    status__in=SEAT_STATUSES).first()
    if mine is not None:
        return mine
    paths = set(_ancestor_paths(gen.union1.path))
    finished = [c for c in courses if c.status == CourseStatus.FINISHED and c.org.path in paths]
    if not finished:
        return None
    course = finished[-1]  # the latest one
    town = gen.union1.town.id if gen.union1.town else None
    return Enrolment.objects.create(course=course, person_id=member1, union_id=gen.union1.id, town_id=town,
                                    status=EnrolmentStatus.ENROLLED, channel=EnrolmentChannel.SELF,
                                    enrolled_at=now - 200 * DAY)


def seed(gen) -> dict:
    rng = random.Random(gen.seed * 6151 + 4)
    now = timezone.now()
    courses = list(Course.objects.filter(status__in=(CourseStatus.CLOSED, CourseStatus.FINISHED))
                   .select_related("org").order_by("pk"))
    if not courses:
        return {"attendance": 0, "certificates": 0}
    member1_seat = _member1_seat(gen, courses, now)
    member1 = member1_seat.person_id if member1_seat else None
    by_pk = {c.pk: c for c in courses}
    sessions = {}
    for s in CourseSession.objects.filter(course__in=courses, is_cancelled=False, starts_at__lt=now) \
            .order_by("starts_at", "pk"):
        sessions.setdefault(s.course_id, []).append(s)
    all_totals = {}
    for s in CourseSession.objects.filter(course__in=courses, is_cancelled=False).values("course_id", "hours"):
        all_totals[s["course_id"]] = all_totals.get(s["course_id"], Decimal(0)) + s["hours"]
    seats = list(Enrolment.objects.filter(course__in=courses, status__in=SEAT_STATUSES).order_by("course_id", "pk"))
    marks, attended = [], {}
    for e in seats:
        chance = 1.0 if e.person_id == member1 else _profile(rng)
        hours = Decimal(0)
        for s in sessions.get(e.course_id, ()):
            if rng.random() < chance:
                late = e.person_id != member1 and rng.random() < 0.06
                status = AttendanceStatus.LATE if late else AttendanceStatus.PRESENT
                hours += s.hours
            else:
                status = AttendanceStatus.EXCUSED if rng.random() < 0.3 else AttendanceStatus.ABSENT
            qr = status != AttendanceStatus.ABSENT and status != AttendanceStatus.EXCUSED and rng.random() < 0.35
            at = s.starts_at + datetime.timedelta(minutes=rng.randint(-20, 25)) if qr else s.ends_at
            marks.append(Attendance(enrolment_id=e.pk, session_id=s.pk, status=status,
                                    method=AttendanceMethod.QR if qr else AttendanceMethod.LIST, recorded_at=at))
        attended[e.pk] = hours
    Attendance.objects.bulk_create(marks, batch_size=5000)

    # completion of the finished courses
    decided, certs, counts = [], [], {"completed": 0, "not_completed": 0}
    for e in seats:
        course = by_pk[e.course_id]
        if course.status != CourseStatus.FINISHED:
            continue
        if course.assessment_required:
            if e.person_id == member1:
                e.assessment_score = Decimal("88.0")
            elif rng.random() < 0.03:
                e.assessment_score = None
            else:
                e.assessment_score = Decimal(str(round(min(100.0, max(20.0, rng.gauss(78, 11))), 1)))
        e.attended_hours = attended.get(e.pk, Decimal(0))
        total = all_totals.get(e.course_id, Decimal(0))
        outcome = completion_outcome(attended_hours=e.attended_hours, total_hours=total,
                                     min_attendance=min_share(course), assessment_required=course.assessment_required,
                                     score=e.assessment_score, pass_mark=course.pass_mark)
        last = sessions.get(e.course_id, [None])[-1]
        e.completion_decided_at = (last.ends_at if last else now) + DAY
        e.status = EnrolmentStatus.COMPLETED if outcome.completed else EnrolmentStatus.NOT_COMPLETED
        e.updated_at = now
        counts["completed" if outcome.completed else "not_completed"] += 1
        decided.append(e)
    Enrolment.objects.bulk_update(decided, ["assessment_score", "attended_hours", "completion_decided_at", "status",
                                            "updated_at"], batch_size=1000)
    people = dict(Enrolment.objects.filter(pk__in=[e.pk for e in decided if e.status == EnrolmentStatus.COMPLETED])
                  .values_list("pk", "person__name"))
    for e in decided:
        if e.status != EnrolmentStatus.COMPLETED:
            continue
        course = by_pk[e.course_id]
        issued_on = timezone.localtime(e.completion_decided_at).date() + 2 * DAY
        certs.append(Certificate(
            enrolment_id=e.pk, number=f"PX-{course.year}-{e.pk:07d}", code=_code(rng), holder_name=people[e.pk],
            course_title=course.title, programme_label=programme_label(course),
            organiser_name=course.org.name, hours=e.attended_hours, issued_on=min(issued_on, timezone.localdate())))
    revoked = 0
    candidates = [c for c, e in zip(certs, [x for x in decided if x.status == EnrolmentStatus.COMPLETED], strict=True)
                  if e.person_id != member1]
    if candidates:
        for c in rng.sample(candidates, max(1, len(candidates) // 200)):
            c.status = "REVOKED"
            c.revoked_at = timezone.make_aware(datetime.datetime.combine(c.issued_on + 20 * DAY, datetime.time(10)))
            c.revoked_at = min(c.revoked_at, now)
            c.revoke_reason = rng.choice(REVOKE_REASONS)
            revoked += 1
    Certificate.objects.bulk_create(certs, batch_size=2000)
    return {"attendance": len(marks), **counts, "certificates": len(certs), "revoked": revoked,
            "member1_certificate": bool(member1_seat and any(c.enrolment_id == member1_seat.pk for c in certs))}
