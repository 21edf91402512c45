"""Attendance, completion and certificates of training.

- `POST /course-sessions/{id}/attendance`: the list entry of a session (rows of enrolment + status),
  all or nothing (400 `invalid_rows` naming every bad row);
- `POST /course-sessions/{id}/check-in`: the caller's own person checks in with the QR token;
- `POST /courses/{id}/scores`, `POST /courses/{id}/completion`, `POST /courses/{id}/certificates`:
  scores, the completion decision, issuing certificates (training.change in the organiser's subtree);
- `GET /certificates`, `GET /certificates/{id}`, `POST /certificates/{id}/revoke` (training.approve);
- `GET /certificates/verify/{code}`: public (no credentials), the same answer for a tampered and an
  unknown code; rate-limited per client IP together with the public page (`verify_rate` in
  rules/attendance.py, 429 `rate_limited` with Retry-After).
`GET /certificates` is ordered by issue date, newest first (ties: newest id); `after` is the last id
of the previous page.
A record outside the caller's scope answers 404 like a missing one.
"""

import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Status
from pydantic import ConfigDict

from gonghui.core.api_support import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiSchema,
    Id,
    PageMeta,
    PageParams,
    Text,
    enforce_rate,
    error_responses,
    get_visible,
    not_found,
)
from gonghui.core.policies import require
from gonghui.members.selectors import person_of_account

from .models.attendance import AttendanceStatus, CertificateStatus
from .models.courses import Course
from .policies import attendance as policies
from .rules.attendance import rules
from .selectors import attendance as selectors
from .services import attendance as services

router = Router(tags=["training"])


# --- schemas ------------------------------------------------------------------------------------------

class AttendanceRowIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")
    enrolment: Id
    status: AttendanceStatus


class AttendanceIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")
    rows: list[AttendanceRowIn] = Field(min_length=1, max_length=500)
    note: Text(200) = ""


class AttendanceOut(ApiSchema):
    session: int
    written: int = Field(description="Rows written or changed.")


class SheetRow(ApiSchema):
    enrolment: int
    person: int
    name: str
    status: AttendanceStatus | None = Field(description="null: not recorded yet.")
    method: str | None


class SheetOut(ApiSchema):
    session: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    hours: Decimal
    is_cancelled: bool
    rows: list[SheetRow]


class CheckInIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")
    token: Text(512) = Field(description="The `t` parameter of the session's QR code URL.")


class CheckInOut(ApiSchema):
    session: int
    enrolment: int
    status: AttendanceStatus
    already: bool = Field(description="True when the trainee had already been recorded at this session.")


class ScoreRowIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")
    enrolment: Id
    score: Decimal | None = Field(None, description="0–100, one decimal place; null clears it.")


class ScoresIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")
    rows: list[ScoreRowIn] = Field(min_length=1, max_length=500)


class ChangedOut(ApiSchema):
    changed: int


class DecisionOut(ApiSchema):
    completed: int
    not_completed: int


class CertificateRow(ApiSchema):
    id: int
    number: str
    holder_name: str
    course: int
    course_title: str
    programme_label: str
    organiser_name: str
    hours: Decimal
    issued_on: datetime.date
    status: CertificateStatus
    revoked_at: datetime.datetime | None


class CertificateDetail(CertificateRow):
    code: str = Field(description="The verification code, as printed (groups of four).")
    verify_url: str
    revoke_reason: str


class CertificatePage(PageMeta):
    items: list[CertificateRow]


class IssuedOut(ApiSchema):
    items: list[CertificateRow]


class CertificateFiltersIn(PageParams):
    year: int | None = Field(None, ge=2000, le=2100, description="Year of issue.")
    status: CertificateStatus | None = None
    course: Id | None = None
    q: Text(60) | None = Field(None, description="Start of the holder's name, the number, or part of the course.")


class RevokeIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")
    reason: Text(400)


class VerifyOut(ApiSchema):
    result: str = Field(description="valid, revoked or invalid (tampered and unknown codes alike).")
    holder: str | None = Field(None, description="The holder's name masked (张*三).")
    course_title: str | None = None
    organiser_name: str | None = None
    hours: Decimal | None = None
    issued_on: datetime.date | None = None
    number: str | None = None
    revoked_on: datetime.date | None = None


# --- output -------------------------------------------------------------------------------------------

def certificate_row(c):
    return {"id": c.pk, "number": c.number, "holder_name": c.holder_name, "course": c.enrolment.course_id,
            "course_title": c.course_title, "programme_label": c.programme_label,
            "organiser_name": c.organiser_name, "hours": c.hours, "issued_on": c.issued_on, "status": c.status,
            "revoked_at": c.revoked_at}


def certificate_out(c):
    return {**certificate_row(c), "code": services.display_code(c.code), "verify_url": services.verify_url(c),
            "revoke_reason": c.revoke_reason}


def _certificate(user, pk):
    c = selectors.certificate_rows().filter(pk=pk, pk__in=selectors.certificates(user).values("pk")) \
        .select_related("enrolment__course__org").first()
    if c is None:
        raise not_found()
    return c


def _session(user, pk):
    s = selectors.visible_sessions(user).select_related("course__org").filter(pk=pk).first()
    if s is None:
        raise not_found()
    return s


# --- attendance -----------------------------------------------------------------------------------------

@router.get("/course-sessions/{session_id}/attendance", response={200: SheetOut, **READ_ERRORS},
            summary="The attendance sheet of a session (every seat holder)")
def get_attendance(request, session_id: Id):
    s = _session(request.auth, session_id)
    rows = [{"enrolment": r.enrolment.pk, "person": r.enrolment.person_id, "name": r.enrolment.person.name,
             "status": r.attendance.status if r.attendance else None,
             "method": r.attendance.method if r.attendance else None} for r in selectors.session_sheet(s)]
    return {"session": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at, "hours": s.hours,
            "is_cancelled": s.is_cancelled, "rows": rows}


@router.post("/course-sessions/{session_id}/attendance", response={200: AttendanceOut, **WRITE_ERRORS},
             summary="Record the attendance of a session (all rows or none)")
def record_attendance(request, session_id: Id, payload: AttendanceIn):
    user = request.auth
    s = _session(user, session_id)
    require(user, policies.CHANGE, s.course.org)
    n = services.record_attendance(actor=user, session=s, entries={r.enrolment: r.status for r in payload.rows},
                                   note=payload.note)
    return {"session": s.pk, "written": n}


@router.post("/course-sessions/{session_id}/check-in", response={200: CheckInOut, **WRITE_ERRORS},
             summary="Check the caller in at a session with its QR token")
def check_in(request, session_id: Id, payload: CheckInIn):
    user = request.auth
    result = services.check_in(actor=user, person=person_of_account(user), session_pk=session_id,
                               token=payload.token)
    a = result.attendance
    return {"session": a.session_id, "enrolment": a.enrolment_id, "status": a.status, "already": result.already}


@router.post("/courses/{course_id}/scores", response={200: ChangedOut, **WRITE_ERRORS},
             summary="Record assessment scores (all rows or none)")
def record_scores(request, course_id: Id, payload: ScoresIn):
    user = request.auth
    course = get_visible(Course.objects.select_related("org"), user, course_id)
    require(user, policies.CHANGE, course.org)
    n = services.record_scores(actor=user, course=course, scores={r.enrolment: r.score for r in payload.rows})
    return {"changed": n}


@router.post("/courses/{course_id}/completion", response={200: DecisionOut, **WRITE_ERRORS},
             summary="Decide completion of every seat of a finished course")
def decide_completion(request, course_id: Id):
    user = request.auth
    course = get_visible(Course.objects.select_related("org"), user, course_id)
    require(user, policies.CHANGE, course.org)
    d = services.decide_completion(actor=user, course=course)
    return {"completed": d.completed + d.kept, "not_completed": d.not_completed}


@router.post("/courses/{course_id}/certificates", response={201: IssuedOut, **WRITE_ERRORS},
             summary="Issue certificates to the completed trainees who have none")
def issue_certificates(request, course_id: Id):
    user = request.auth
    course = get_visible(Course.objects.select_related("org"), user, course_id)
    require(user, policies.CHANGE, course.org)
    certs = services.issue_certificates(actor=user, course=course)
    certs = list(selectors.certificate_rows().filter(pk__in=[c.pk for c in certs]))
    return Status(201, {"items": [certificate_row(c) for c in certs]})


# --- certificates ---------------------------------------------------------------------------------------

@router.get("/certificates", response={200: CertificatePage, **READ_ERRORS},
            summary="List completion certificates (newest issue date first; `after`: the last id of a page)")
def list_certificates(request, filters: Query[CertificateFiltersIn]):
    user = request.auth
    require(user, policies.VIEW)
    page = selectors.certificate_page(user, selectors.CertificateFilters(
        q=filters.q or "", year=filters.year, status=filters.status or "", course=filters.course),
        after=filters.after, size=filters.limit)
    return {"items": [certificate_row(c) for c in page.items], "count": page.count,
            "count_capped": page.count_capped, "next_after": page.next_after, "limit": filters.limit}


@router.get("/certificates/verify/{code}", response={200: VerifyOut, **error_responses(429)}, auth=None,
            summary="Verify a certificate code (public; rate-limited per client IP, 429 with Retry-After)")
def verify(request, code: str):
    enforce_rate(request, "training-verify", rules().verify_rate)  # the page's budget too
    v = services.verify_code(code[:64])
    if v.result == "invalid":
        return {"result": "invalid"}
    c = v.certificate
    if v.result == "revoked":
        return {"result": "revoked", "number": c.number, "revoked_on": c.revoked_at.date() if c.revoked_at else None}
    return {"result": "valid", "holder": v.holder_masked, "course_title": c.course_title,
            "organiser_name": c.organiser_name, "hours": c.hours, "issued_on": c.issued_on, "number": c.number}


@router.get("/certificates/{certificate_id}", response={200: CertificateDetail, **READ_ERRORS},
            summary="Get a certificate")
def get_certificate(request, certificate_id: Id):
    return certificate_out(_certificate(request.auth, certificate_id))


@router.post("/certificates/{certificate_id}/revoke", response={200: CertificateDetail, **WRITE_ERRORS},
             summary="Revoke a certificate (towns and the district)")
def revoke_certificate(request, certificate_id: Id, payload: RevokeIn):
    user = request.auth
    c = _certificate(user, certificate_id)
    require(user, policies.APPROVE, c.enrolment.course.org)
    services.revoke_certificate(actor=user, certificate=c, reason=payload.reason)
    return certificate_out(_certificate(user, certificate_id))
