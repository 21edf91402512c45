"""Every write of attendance, completion and certificates. Atomic, checked (`require`), locked
(the course row), validated, audited (`training.attendance_*`, `training.certificate_*`).

- `record_attendance`: the list entry of one session (status per enrolled trainee), all or nothing;
- `checkin_url` / `check_in`: the session's QR code carries a signed token (django.core.signing,
  keyed with the session's `checkin_token`); a member opening it on the phone inside the window
  (rules: from `checkin_opens_minutes` before the start to `checkin_closes_minutes` after the end)
  is checked in if they hold a seat on the course;
- `record_scores`: the assessment scores of a course (0–100), all or nothing;
- `decide_completion`: when the course has finished, each seat becomes COMPLETED or NOT_COMPLETED
  by `completion_outcome` (attended hours / hours of non-cancelled sessions ≥ the minimum share,
  and score ≥ pass mark when an assessment is required);
- `issue_certificates` / `issue_certificate`: a number and a verification code per COMPLETED seat;
  `revoke_certificate` (training.approve); `verify_code` (public); `render_certificate_pdf`.

Verification code: 12 random characters (Crockford base 32, 60 bits, `secrets`) followed by 4
check characters, an HMAC-SHA256 of the random part under the SECRET_KEY. A changed character
fails the check before any database read, so a tampered code and an unknown code answer the same.
"""

import datetime
import hashlib
import hmac
import secrets
import tempfile
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.core.qr import qr_svg

from ..models.attendance import (
    PRESENT_STATUSES,
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    Certificate,
    CertificateStatus,
)
from ..models.courses import Course, CourseSession, CourseStatus
from ..models.enrolment import SEAT_STATUSES, Enrolment, EnrolmentStatus
from ..policies.attendance import APPROVE, CHANGE, EXPORT
from ..rules.attendance import rules

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U
RANDOM_LEN, CHECK_LEN = 12, 4
CHECKIN_SALT = "gonghui.training.checkin"
SCORE_MAX = Decimal("100")
ONE_PLACE = Decimal("0.1")
ATTENDANCE_COURSE_STATUSES = (CourseStatus.OPEN, CourseStatus.CLOSED, CourseStatus.FINISHED)


def now():
    return timezone.now()


def today():
    return timezone.localdate()


# --- the completion rule ------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    completed: bool
    share: Decimal  # attended / total hours, 0..1 (4 places)
    attendance_ok: bool
    assessment_ok: bool


def min_share(course) -> Decimal:
    return course.min_attendance if course.min_attendance is not None else Decimal(str(rules().min_attendance))


def completion_outcome(*, attended_hours, total_hours, min_attendance, assessment_required, score,
                       pass_mark) -> Outcome:
    """The completion rule. Exactly the minimum share completes; a missing score fails a required
    assessment. Compared as exact decimals (attended ≥ share × total), never as rounded floats."""
    attended, total = Decimal(attended_hours or 0), Decimal(total_hours or 0)
    share = (attended / total).quantize(Decimal("0.0001")) if total > 0 else Decimal(0)
    attendance_ok = total > 0 and attended >= Decimal(min_attendance) * total
    assessment_ok = (not assessment_required) or (score is not None and Decimal(score) >= Decimal(pass_mark))
    return Outcome(completed=attendance_ok and assessment_ok, share=share, attendance_ok=attendance_ok,
                   assessment_ok=assessment_ok)


def total_hours(course) -> Decimal:
    return CourseSession.objects.filter(course=course, is_cancelled=False).aggregate(
        h=Sum("hours"))["h"] or Decimal(0)


def attended_hours_by_enrolment(course) -> dict:
    rows = (Attendance.objects.filter(session__course=course, session__is_cancelled=False,
                                      status__in=PRESENT_STATUSES)
            .values("enrolment_id").annotate(h=Sum("session__hours")))
    return {r["enrolment_id"]: r["h"] or Decimal(0) for r in rows}


# --- helpers --------------------------------------------------------------------------------------

def _lock_course(course):
    return lock_one(Course, course.pk)


def _seats(course):
    return Enrolment.objects.filter(course=course, status__in=SEAT_STATUSES)


def locked_reason(course, *, scores=False):
    """Why the course's attendance (or, with `scores`, its scores) can no longer be written, else None.
    The pages show it instead of a form that could only be refused."""
    if course.status not in ATTENDANCE_COURSE_STATUSES:
        return DomainError((_("Scores cannot be recorded: the course is “%(status)s”.") if scores else
                            _("Attendance cannot be recorded: the course is “%(status)s”."))
                           % {"status": course.get_status_display()}, code="wrong_stage")
    if course.status == CourseStatus.FINISHED and Certificate.objects.filter(enrolment__course=course).exists():
        return DomainError(_("Certificates of this course are issued: its scores can no longer change.") if scores
                           else _("Certificates of this course are issued: its attendance can no longer change."),
                           code="certificates_issued")
    return None


def _course_open_for_attendance(course, *, scores=False):
    refusal = locked_reason(course, scores=scores)
    if refusal is not None:
        raise refusal


def _session_ready(session):
    if session.is_cancelled:
        raise DomainError(_("This session is cancelled: no attendance is recorded for it."),
                          code="session_cancelled", field="session")
    if session.starts_at > now():
        raise DomainError(_("This session has not started yet: record its attendance once it starts."),
                          code="session_not_started", field="session")


# --- attendance list entry ------------------------------------------------------------------------

@transaction.atomic
def record_attendance(*, actor, session, entries: dict, note="") -> int:
    """Record the status of each enrolled trainee at `session`: `entries` maps enrolment id → status
    (AttendanceStatus). All or nothing: one unknown trainee or status refuses the whole list, with
    the rows named. Returns the number of rows written or changed."""
    course = session.course
    require(actor, CHANGE, course.org)
    course = _lock_course(course)
    session = CourseSession.objects.get(pk=session.pk)
    _course_open_for_attendance(course)
    _session_ready(session)
    if not entries:
        raise DomainError(_("Choose an attendance status for at least one trainee."), code="required",
                          field="entries")
    if len(note or "") > 200:
        raise DomainError(_("The note is longer than %(n)s characters.") % {"n": 200}, code="too_long", field="note")
    seats = {e.pk: e for e in _seats(course).select_related("person")}
    errors = []
    clean = {}
    for raw_id, status in entries.items():
        try:
            eid = int(raw_id)
        except (TypeError, ValueError):
            errors.append(_("“%(id)s” is not a trainee of this course.") % {"id": raw_id})
            continue
        if eid not in seats:
            errors.append(_("Enrolment %(id)s does not hold a seat on this course.") % {"id": eid})
            continue
        if status not in AttendanceStatus.values:
            errors.append(_("%(name)s: “%(status)s” is not an attendance status.")
                          % {"name": seats[eid].person.name, "status": status})
            continue
        clean[eid] = status
    if errors:
        raise DomainError(" ".join(errors), code="invalid_rows", field="entries")
    existing = {a.enrolment_id: a for a in Attendance.objects.filter(session=session, enrolment_id__in=clean)}
    at = now()
    new, changed = [], []
    for eid, status in clean.items():
        row = existing.get(eid)
        if row is None:
            new.append(Attendance(enrolment_id=eid, session=session, status=status, method=AttendanceMethod.LIST,
                                  recorded_by=actor, recorded_at=at, note=note or ""))
        elif row.status != status:
            row.status, row.method, row.recorded_by, row.recorded_at = status, AttendanceMethod.LIST, actor, at
            changed.append(row)
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(changed, ["status", "method", "recorded_by", "recorded_at"])
    counts = {s: sum(1 for v in clean.values() if v == s) for s in AttendanceStatus.values}
    audit.record(actor=actor, action="training.attendance_record", obj=course, org=course.org,
                 after={"session": session.pk, "starts_at": session.starts_at.isoformat(), "written": len(new),
                        "changed": len(changed), **{k.lower(): v for k, v in counts.items()}})
    return len(new) + len(changed)


# --- QR check-in ----------------------------------------------------------------------------------

def _key_of(session) -> str:
    return hashlib.sha256(f"checkin:{session.checkin_token}".encode()).hexdigest()[:16]


def ensure_checkin_token(session) -> CourseSession:
    if not session.checkin_token:
        CourseSession.objects.filter(pk=session.pk, checkin_token="").update(
            checkin_token=secrets.token_urlsafe(32))
        session.refresh_from_db(fields=["checkin_token"])
    return session


def checkin_token(session) -> str:
    session = ensure_checkin_token(session)
    return signing.dumps({"s": session.pk, "k": _key_of(session)}, salt=CHECKIN_SALT, compress=True)


def checkin_url(session) -> str:
    """The absolute URL the session's QR code shows."""
    path = reverse("training:checkin", kwargs={"session_pk": session.pk})
    return f"{settings.SITE_URL.rstrip('/')}{path}?t={checkin_token(session)}"


def checkin_window(session):
    r = rules()
    return (session.starts_at - datetime.timedelta(minutes=r.checkin_opens_minutes),
            session.ends_at + datetime.timedelta(minutes=r.checkin_closes_minutes))


@transaction.atomic
def rotate_checkin_token(*, actor, session) -> CourseSession:
    """A new secret: QR codes shown or photographed before stop working."""
    require(actor, CHANGE, session.course.org)
    session = lock_one(CourseSession, session.pk)
    session.checkin_token = secrets.token_urlsafe(32)
    session.save(update_fields=["checkin_token", "updated_at"])
    audit.record(actor=actor, action="training.checkin_rotate", obj=session.course, org=session.course.org,
                 after={"session": session.pk})
    return session


@dataclass(frozen=True)
class CheckIn:
    attendance: Attendance
    already: bool  # the trainee had already been recorded at this session


@transaction.atomic
def check_in(*, actor, person, session_pk, token) -> CheckIn:
    """The member `person` (the account's own person) checks in at session `session_pk` with the
    token of its QR code. Refused with a clear message: wrong or old code, outside the window,
    not enrolled, cancelled session or course."""
    invalid = DomainError(_("This check-in code is not valid for this session. Scan the code shown in the room "
                            "again."), code="invalid_token", field="token")
    try:
        data = signing.loads(token or "", salt=CHECKIN_SALT)
    except signing.BadSignature as exc:
        raise invalid from exc
    if not isinstance(data, dict) or data.get("s") != session_pk:
        raise invalid
    session = CourseSession.objects.select_related("course").filter(pk=session_pk).first()
    if session is None or not session.checkin_token or not hmac.compare_digest(str(data.get("k")),
                                                                               _key_of(session)):
        raise invalid
    if person is None:
        raise DomainError(_("Your account is not linked to a member of the registry, so it cannot check in."),
                          code="no_person")
    course = session.course
    if session.is_cancelled or course.status not in ATTENDANCE_COURSE_STATUSES:
        raise DomainError(_("This session is cancelled: there is nothing to check in to."), code="session_cancelled")
    opens, closes = checkin_window(session)
    at = now()
    local = timezone.localtime
    if at < opens:
        raise DomainError(_("Check-in opens at %(time)s, %(minutes)s minutes before the session starts.")
                          % {"time": local(opens).strftime("%Y-%m-%d %H:%M"),
                             "minutes": rules().checkin_opens_minutes}, code="too_early")
    if at > closes:
        raise DomainError(_("Check-in for this session closed at %(time)s. Ask the organiser to record your "
                            "attendance.") % {"time": local(closes).strftime("%Y-%m-%d %H:%M")}, code="too_late")
    enrolment = Enrolment.objects.filter(course=course, person=person, status__in=SEAT_STATUSES).first()
    if enrolment is None:
        waiting = Enrolment.objects.filter(course=course, person=person,
                                           status=EnrolmentStatus.WAITLISTED).exists()
        raise DomainError(_("You are on the waiting list of “%(course)s”, not enrolled: you cannot check in.")
                          % {"course": course.title} if waiting else
                          _("You are not enrolled in “%(course)s”, so you cannot check in. Ask the organiser.")
                          % {"course": course.title}, code="not_enrolled")
    _course_row = _lock_course(course)  # noqa: F841 — serialises with the list entry of the same course
    existing = Attendance.objects.filter(enrolment=enrolment, session=session).first()
    if existing is not None:
        return CheckIn(existing, already=True)
    late = at > session.starts_at + datetime.timedelta(minutes=rules().late_after_minutes)
    row = Attendance.objects.create(enrolment=enrolment, session=session,
                                    status=AttendanceStatus.LATE if late else AttendanceStatus.PRESENT,
                                    method=AttendanceMethod.QR, recorded_by=actor, recorded_at=at)
    audit.record(actor=actor, action="training.attendance_checkin", obj=course, org=course.org,
                 after={"session": session.pk, "starts_at": session.starts_at.isoformat(), "trainee": person.name,
                        "attendance": row.status})
    return CheckIn(row, already=False)


# --- scores -----------------------------------------------------------------------------------------

def parse_score(value, name=""):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        score = Decimal(str(value).strip())
    except ArithmeticError as exc:
        raise DomainError(_("%(name)s: “%(value)s” is not a score.") % {"name": name, "value": value},
                          code="invalid_score") from exc
    if not score.is_finite() or score < 0 or score > SCORE_MAX:
        raise DomainError(_("%(name)s: a score is between 0 and 100.") % {"name": name}, code="invalid_score")
    if score != score.quantize(ONE_PLACE):
        raise DomainError(_("%(name)s: a score has at most one decimal place.") % {"name": name},
                          code="invalid_score")
    return score.quantize(ONE_PLACE)


@transaction.atomic
def record_scores(*, actor, course, scores: dict) -> int:
    """Assessment scores: enrolment id → score (0–100, one decimal) or None to clear. All or nothing."""
    require(actor, CHANGE, course.org)
    course = _lock_course(course)
    _course_open_for_attendance(course, scores=True)
    seats = {e.pk: e for e in _seats(course).select_related("person")}
    errors, clean = [], {}
    for raw_id, value in scores.items():
        try:
            eid = int(raw_id)
        except (TypeError, ValueError):
            errors.append(_("“%(id)s” is not a trainee of this course.") % {"id": raw_id})
            continue
        if eid not in seats:
            errors.append(_("Enrolment %(id)s does not hold a seat on this course.") % {"id": eid})
            continue
        try:
            clean[eid] = parse_score(value, seats[eid].person.name)
        except DomainError as exc:
            errors.append(exc.messages[0])
    if errors:
        raise DomainError(" ".join(errors), code="invalid_rows", field="scores")
    changed = []
    for eid, score in clean.items():
        e = seats[eid]
        if e.assessment_score != score:
            e.assessment_score, e.updated_at = score, now()
            changed.append(e)
    Enrolment.objects.bulk_update(changed, ["assessment_score", "updated_at"]) if changed else None
    audit.record(actor=actor, action="training.scores_record", obj=course, org=course.org,
                 after={"changed": len(changed), "scores": {str(e.pk): str(e.assessment_score) for e in changed}})
    return len(changed)


# --- completion --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    completed: int
    not_completed: int
    kept: int  # seats with a certificate already, left COMPLETED


@transaction.atomic
def decide_completion(*, actor, course) -> Decision:
    """Decide every seat of a finished course (or a closed course whose sessions have all ended):
    COMPLETED or NOT_COMPLETED by the rule; attended hours are written on each enrolment. Running it
    again after a correction decides again (a seat with a certificate stays COMPLETED)."""
    require(actor, CHANGE, course.org)
    course = _lock_course(course)
    if course.status not in (CourseStatus.CLOSED, CourseStatus.FINISHED):
        raise DomainError(_("Completion is decided when the course has finished: the course is “%(status)s”.")
                          % {"status": course.get_status_display()}, code="wrong_stage")
    live = CourseSession.objects.filter(course=course, is_cancelled=False)
    if not live.exists():
        raise DomainError(_("The course has no sessions held: there is nothing to decide."), code="no_sessions")
    if course.status == CourseStatus.CLOSED and live.filter(ends_at__gt=now()).exists():
        raise DomainError(_("Some sessions of the course have not ended yet: decide completion after the last "
                            "one."), code="sessions_pending")
    total = total_hours(course)
    attended = attended_hours_by_enrolment(course)
    certified = set(Certificate.objects.filter(enrolment__course=course).values_list("enrolment_id", flat=True))
    share = min_share(course)
    at = now()
    done = not_done = kept = 0
    seats = list(_seats(course))
    for e in seats:
        e.attended_hours = Decimal(attended.get(e.pk, 0)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
        outcome = completion_outcome(attended_hours=e.attended_hours, total_hours=total, min_attendance=share,
                                     assessment_required=course.assessment_required, score=e.assessment_score,
                                     pass_mark=course.pass_mark)
        if e.pk in certified:
            e.status = EnrolmentStatus.COMPLETED
            kept += 1
        elif outcome.completed:
            e.status = EnrolmentStatus.COMPLETED
            done += 1
        else:
            e.status = EnrolmentStatus.NOT_COMPLETED
            not_done += 1
        e.completion_decided_at = at
        e.updated_at = at
    Enrolment.objects.bulk_update(seats, ["attended_hours", "status", "completion_decided_at", "updated_at"])
    audit.record(actor=actor, action="training.completion_decide", obj=course, org=course.org,
                 after={"total_hours": str(total), "min_attendance": str(share), "completed": done + kept,
                        "not_completed": not_done})
    return Decision(completed=done, not_completed=not_done, kept=kept)


# --- certificates ------------------------------------------------------------------------------------

def _check_chars(random_part: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"training.certificate:{random_part}".encode(),
                      hashlib.sha256).digest()
    n = int.from_bytes(digest[:8], "big")
    out = []
    for _i in range(CHECK_LEN):
        out.append(ALPHABET[n % 32])
        n //= 32
    return "".join(out)


def new_code() -> str:
    random_part = "".join(secrets.choice(ALPHABET) for _i in range(RANDOM_LEN))
    return random_part + _check_chars(random_part)


def normalise_code(raw) -> str:
    """Upper case, no spaces or dashes; O→0 and I/L→1 as Crockford reads them."""
    text = str(raw or "").upper().translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    return "".join(ch for ch in text if ch not in " -\t\n")[:64]


def code_is_well_formed(code: str) -> bool:
    if len(code) != RANDOM_LEN + CHECK_LEN or any(ch not in ALPHABET for ch in code):
        return False
    return hmac.compare_digest(code[RANDOM_LEN:], _check_chars(code[:RANDOM_LEN]))


def display_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _number(course, enrolment) -> str:
    return f"{rules().certificate_prefix}-{course.year}-{enrolment.pk:07d}"


def programme_label(course) -> str:
    """The programme's name as printed, in the site's language whatever the request's."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(course.get_programme_display())


def _issue(actor, course, e, on, total):
    cert = Certificate(enrolment=e, number=_number(course, e), code=new_code(), holder_name=e.person.name,
                       course_title=course.title, programme_label=programme_label(course),
                       organiser_name=course.org.name, hours=e.attended_hours or total, issued_on=on, issued_by=actor)
    return cert


@transaction.atomic
def issue_certificates(*, actor, course, issued_on=None) -> list[Certificate]:
    """A certificate for every COMPLETED seat of the course that has none yet."""
    require(actor, CHANGE, course.org)
    course = _lock_course(course)
    if course.status != CourseStatus.FINISHED:
        raise DomainError(_("Certificates are issued once the course has finished."), code="wrong_stage")
    on = issued_on or today()
    pending = list(Enrolment.objects.filter(course=course, status=EnrolmentStatus.COMPLETED,
                                            certificate__isnull=True).select_related("person"))
    if not pending:
        raise DomainError(_("No completed trainee is waiting for a certificate (decide completion first)."),
                          code="nothing_to_issue")
    total = total_hours(course)
    certs = [_issue(actor, course, e, on, total) for e in pending]
    Certificate.objects.bulk_create(certs)
    certs = list(Certificate.objects.filter(enrolment__in=pending))
    for c in certs:
        audit.record(actor=actor, action="training.certificate_issue", obj=c, org=course.org,
                     after={"number": c.number, "holder": c.holder_name, "hours": str(c.hours)})
    return certs


@transaction.atomic
def issue_certificate(*, actor, enrolment, issued_on=None) -> Certificate:
    course = enrolment.course
    require(actor, CHANGE, course.org)
    course = _lock_course(course)
    e = Enrolment.objects.select_related("person").get(pk=enrolment.pk)
    if course.status != CourseStatus.FINISHED or e.status != EnrolmentStatus.COMPLETED:
        raise DomainError(_("A certificate is issued only to a trainee who completed a finished course."),
                          code="not_completed")
    if Certificate.objects.filter(enrolment=e).exists():
        raise DomainError(_("This trainee already has a certificate for this course."), code="already_issued")
    cert = _issue(actor, course, e, issued_on or today(), total_hours(course))
    cert.save()
    audit.record(actor=actor, action="training.certificate_issue", obj=cert, org=course.org,
                 after={"number": cert.number, "holder": cert.holder_name, "hours": str(cert.hours)})
    return cert


@transaction.atomic
def revoke_certificate(*, actor, certificate, reason) -> Certificate:
    org = certificate.enrolment.course.org
    require(actor, APPROVE, org)
    cert = lock_one(Certificate, certificate.pk)
    if cert.status == CertificateStatus.REVOKED:
        raise DomainError(_("This certificate is already revoked."), code="wrong_stage")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for revoking the certificate."), code="required", field="reason")
    if len(reason) > 400:
        raise DomainError(_("The reason is longer than %(n)s characters.") % {"n": 400}, code="too_long",
                          field="reason")
    cert.status, cert.revoked_at, cert.revoke_reason = CertificateStatus.REVOKED, now(), reason
    cert.save(update_fields=["status", "revoked_at", "revoke_reason"])
    audit.record(actor=actor, action="training.certificate_revoke", obj=cert, org=org,
                 before={"status": CertificateStatus.VALID}, after={"status": cert.status, "reason": reason})
    return cert


# --- public verification -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verification:
    result: str  # "valid", "revoked", "invalid"
    certificate: Certificate | None = None

    @property
    def holder_masked(self):
        return mask_name(self.certificate.holder_name) if self.certificate else ""


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小三 → 欧**三."""
    name = name or ""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def verify_code(raw) -> Verification:
    """The public check of a code: a code whose check characters fail is not looked up."""
    code = normalise_code(raw)
    if not code_is_well_formed(code):
        return Verification("invalid")
    cert = Certificate.objects.filter(code=code).first()
    if cert is None:
        return Verification("invalid")
    return Verification("revoked" if cert.status == CertificateStatus.REVOKED else "valid", cert)


def verify_url(certificate) -> str:
    path = reverse("training:verify_code", kwargs={"code": display_code(certificate.code)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def render_certificate_pdf(*, actor, certificate) -> bytes:
    from gonghui.core.pdf import render_pdf

    url = verify_url(certificate)
    data = render_pdf("training/attendance/certificate.pdf.html", {
        "cert": certificate, "code": display_code(certificate.code), "verify_url": url, "qr": qr_svg(url, scale=3),
        "verify_home": f"{settings.SITE_URL.rstrip('/')}{reverse('training:verify')}",
    })
    return data


# --- export --------------------------------------------------------------------------------------------

def export_certificates(*, actor, filters):
    from gonghui.core.excel import XlsxStream

    from ..selectors.attendance import filtered_certificates

    require(actor, EXPORT)
    qs = (filtered_certificates(actor, filters).order_by("-issued_on", "-id")
          .values_list("number", "holder_name", "enrolment__person__id_number_masked", "course_title",
                       "programme_label", "organiser_name", "hours", "issued_on", "status", "revoked_at"))
    statuses = dict(CertificateStatus.choices)
    headers = [_("Certificate number"), _("Holder"), _("ID card number"), _("Course"), _("Programme"), _("Organiser"),
               _("Class hours"), _("Issued on"), _("Status"), _("Revoked at")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Certificates"), headers=headers, widths=[18, 10, 20, 30, 20, 24, 8, 12, 8, 18],
                           text_columns=(2,))
        for values in qs.iterator(chunk_size=1000):
            row = list(values)
            row[6] = float(row[6])
            row[8] = str(statuses.get(row[8], row[8]))
            row[9] = timezone.localtime(row[9]).strftime("%Y-%m-%d %H:%M") if row[9] else ""
            sheet.append(row)
            rows += 1
    ref = _ExportRef(uuid.uuid4().hex)
    used = {"q": filters.q, "year": filters.year, "status": filters.status, "course": filters.course}
    for place in _export_places(actor) or [None]:
        audit.record(actor=actor, action="training.certificate_export", obj=ref,
                     object_type="training.CertificateExport", org=place, after={"filters": used, "rows": rows})
    return handle, rows


def _export_places(actor):
    """The top orgs of the actor's export reach: the trail of the export shows in their audit log."""
    from gonghui.orgs.models import Org

    if actor.is_superuser:
        return list(Org.objects.filter(depth=1))
    return list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)))


class _ExportRef:
    def __init__(self, pk):
        self.pk = pk

    def __str__(self):
        return f"export {self.pk}"
