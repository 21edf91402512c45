"""/courses: courses of every programme and delivery mode, their sessions, and their workflow.

- Reads go through the selectors (scope: the organiser's subtree). A course outside the caller's
  scope answers 404 like a missing one; an org, school, enterprise or teacher named in a body the
  caller cannot use is 400 `unknown_reference` on that field.
- `POST /courses` creates a DRAFT course numbered PX<year>-<nnnn>; `PATCH /courses/{id}` edits it.
- Workflow actions `POST /courses/{id}/open|close|reopen|finish|cancel` call one service each; a
  step the status does not allow is 409 `wrong_stage`, a rule that refuses it 400 with its code.
- Sessions: `POST /courses/{id}/sessions`, `PATCH /courses/{id}/sessions/{sid}`,
  `POST /courses/{id}/sessions/{sid}/cancel` (400 `teacher_busy`, `session_overlap`,
  `date_out_of_year`…).
- List: keyset pagination, newest first: `?after=<next_after>&limit=1..200`.
"""

import datetime
from decimal import Decimal

from ninja import Field, Query, Router
from pydantic import ConfigDict

from gonghui.core.api_support import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiSchema,
    Id,
    PageMeta,
    PageParams,
    Ref,
    Text,
    not_found,
    paginate,
    ref,
    resolve,
    workflow_actions,
)
from gonghui.core.policies import require
from gonghui.members.models import SkillLevel
from gonghui.orgs.models import Org

from .models.courses import CourseSession, CourseStatus, Programme
from .models.schools import DeliveryMode, Teacher, WorkerSchool
from .policies import courses as policies
from .selectors import courses as selectors
from .services import courses as services

router = Router(tags=["courses"])


class SessionOut(ApiSchema):
    id: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    teacher: Ref | None
    hours: Decimal
    is_cancelled: bool


class CourseRow(ApiSchema):
    id: int
    code: str = Field(description="PX<year>-<nnnn>, given at creation.")
    title: str
    programme: Programme
    mode: DeliveryMode
    year: int
    org: Ref = Field(description="The organiser.")
    town: Ref | None
    school: Ref | None
    host_enterprise: Ref | None
    provider: str
    capacity: int
    seats_taken: int
    waiting: int
    session_count: int
    total_hours: Decimal
    first_session_at: datetime.datetime | None
    status: CourseStatus


class CoursePage(PageMeta):
    items: list[CourseRow]


class CourseActionsOut(ApiSchema):
    edit: bool
    sessions: bool
    open: bool
    close: bool
    reopen: bool
    finish: bool
    cancel: bool


class CourseDetail(CourseRow):
    description: str
    target_trades: list[str]
    waitlist_limit: int
    fee: Decimal
    subsidy: Decimal
    enrol_opens_on: datetime.date | None
    enrol_closes_on: datetime.date | None
    members_only: bool
    min_skill_level: str
    self_enrolment: bool
    min_attendance: Decimal | None
    assessment_required: bool
    pass_mark: Decimal
    cancel_reason: str
    sessions: list[SessionOut]
    actions: CourseActionsOut


class CourseFiltersIn(PageParams):
    year: int | None = Field(None, ge=2000, le=2100)
    programme: Programme | None = None
    mode: DeliveryMode | None = None
    status: CourseStatus | None = None
    school: Id | None = None
    org: Id | None = Field(None, description="Only courses organised in this town's or union's subtree.")
    q: Text(60) | None = Field(None, description="Start of the course number, or part of the title or organiser.")
    offered: bool = Field(False, description="Courses offered to the caller from above (published courses of "
                                             "their town or the district) instead of the caller's own.")


class CourseFieldsIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    title: Text(120) | None = None
    programme: Programme | None = None
    mode: DeliveryMode | None = None
    year: int | None = None
    school: Id | None = Field(None, description="Required for INDEPENDENT.")
    host_enterprise: Id | None = Field(None, description="Required for IN_ENTERPRISE (in the organiser's town).")
    provider: Text(120) | None = Field(None, description="Required for COMMISSIONED.")
    description: Text(4000) | None = None
    target_trades: list[Text(30)] | None = None
    capacity: int | None = None
    waitlist_limit: int | None = None
    fee: Decimal | None = None
    subsidy: Decimal | None = None
    enrol_opens_on: datetime.date | None = None
    enrol_closes_on: datetime.date | None = None
    members_only: bool | None = None
    min_skill_level: SkillLevel | None = None
    self_enrolment: bool | None = None
    min_attendance: Decimal | None = Field(None, description="Share of the class hours, 0.01–1 (empty: default).")
    assessment_required: bool | None = None
    pass_mark: Decimal | None = None


class CourseCreateIn(CourseFieldsIn):
    org: Id = Field(description="The organiser: the district, a town or a union.")
    title: Text(120)
    programme: Programme
    mode: DeliveryMode
    capacity: int


class SessionIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    title: Text(120) = ""
    place: Text(120) = ""
    teacher: Id | None = None
    hours: Decimal | None = Field(None, description="Default: the session's length.")


class CancelIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)


class EmptyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")


def _session(s):
    return {"id": s.pk, "title": s.title, "starts_at": s.starts_at, "ends_at": s.ends_at, "place": s.place,
            "teacher": ref(s.teacher), "hours": s.hours, "is_cancelled": s.is_cancelled}


def course_row(c):
    return {"id": c.pk, "code": c.code, "title": c.title, "programme": c.programme, "mode": c.mode, "year": c.year,
            "org": ref(c.org), "town": ref(c.town), "school": ref(c.school), "host_enterprise": ref(c.host_enterprise),
            "provider": c.provider, "capacity": c.capacity, "seats_taken": c.seats, "waiting": c.waiting,
            "session_count": c.session_count, "total_hours": c.total_hours or Decimal("0"),
            "first_session_at": c.first_at, "status": c.status}


def course_out(user, course):
    c = selectors.course_detail(course)
    return {**course_row(c), **{k: getattr(c, k) for k in (
        "description", "target_trades", "waitlist_limit", "fee", "subsidy", "enrol_opens_on", "enrol_closes_on",
        "members_only", "min_skill_level", "self_enrolment", "min_attendance", "assessment_required", "pass_mark",
        "cancel_reason")},
        "sessions": [_session(s) for s in selectors.course_sessions(c)],
        "actions": vars(policies.course_actions(user, c))}


def _course(user, course_id):
    c = selectors.courses(user).select_related("org", "town", "school", "host_enterprise").filter(pk=course_id).first()
    if c is None:
        raise not_found()
    return c


def _refs(user, payload, org):
    """The related records named in the body, resolved (400 unknown_reference when unusable)."""
    data = payload.dict(exclude_unset=True)
    data.pop("org", None)
    if data.get("school") is not None:
        data["school"] = resolve(WorkerSchool.objects.all(), data["school"], field="school")
    if data.get("host_enterprise") is not None:
        data["host_enterprise"] = resolve(selectors.enterprise_choices(org), data["host_enterprise"],
                                          field="host_enterprise")
    if "target_trades" in data and data["target_trades"] is None:
        data["target_trades"] = []
    for name in ("provider", "description", "min_skill_level"):
        if name in data and data[name] is None:
            data[name] = ""
    return data


@router.get("/courses", response={200: CoursePage, **READ_ERRORS}, summary="List courses")
def list_courses(request, filters: Query[CourseFiltersIn]):
    user = request.auth
    org = None
    if filters.org is not None:
        org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first()
    qs = selectors.filtered_courses(user, selectors.CourseFilters(
        q=filters.q or "", org=org, year=filters.year, programme=filters.programme or "", mode=filters.mode or "",
        school=filters.school, status=filters.status or "", offered=filters.offered))
    if filters.org is not None and org is None and not filters.offered:
        qs = qs.none()
    return paginate(qs, filters, row=course_row, load=selectors.course_rows())


@router.get("/courses/{course_id}", response={200: CourseDetail, **READ_ERRORS},
            summary="Get a course with its sessions (also a published course offered from above: read only)")
def get_course(request, course_id: Id):
    user = request.auth
    c = (selectors.readable_courses(user).select_related("org", "town", "school", "host_enterprise")
         .filter(pk=course_id).first())
    if c is None:
        raise not_found()
    return course_out(user, c)


@router.post("/courses", response={201: CourseDetail, **WRITE_ERRORS}, summary="Create a course (a draft)")
def create_course(request, payload: CourseCreateIn):
    user = request.auth
    org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
    require(user, policies.CHANGE, org)
    data = _refs(user, payload, org)
    if data.get("year") is None:
        data["year"] = services.today().year
    data = {k: v for k, v in data.items() if v is not None or k in ("school", "host_enterprise", "min_attendance",
                                                                       "enrol_opens_on", "enrol_closes_on")}
    course = services.create_course(actor=user, org=org, **data)
    return 201, course_out(user, course)


@router.patch("/courses/{course_id}", response={200: CourseDetail, **WRITE_ERRORS}, summary="Edit a course")
def edit_course(request, course_id: Id, payload: CourseFieldsIn):
    user = request.auth
    course = _course(user, course_id)
    data = _refs(user, payload, course.org)
    data = {k: v for k, v in data.items() if v is not None or k in ("school", "host_enterprise", "min_attendance",
                                                                       "enrol_opens_on", "enrol_closes_on")}
    services.update_course(actor=user, course=course, **data)
    return course_out(user, course)


_action = workflow_actions(router, path="/courses", id_param="course_id", load=_course, render=course_out,
                           response=CourseDetail, operation_prefix="course")


@_action("open", "Open enrolment (needs a session)", EmptyIn)
def open_(user, c, p):
    services.open_course(actor=user, course=c)


@_action("close", "Close enrolment", EmptyIn)
def close(user, c, p):
    services.close_course(actor=user, course=c)


@_action("reopen", "Reopen enrolment", EmptyIn)
def reopen(user, c, p):
    services.reopen_course(actor=user, course=c)


@_action("finish", "Finish the course after its last session (completion is then decided)", EmptyIn)
def finish(user, c, p):
    services.finish_course(actor=user, course=c)


@_action("cancel", "Cancel the course: live enrolments are cancelled and trainees told", CancelIn)
def cancel(user, c, p):
    services.cancel_course(actor=user, course=c, reason=p.reason)


def _session_values(user, payload):
    teacher = resolve(Teacher.objects.all(), payload.teacher, field="teacher") if payload.teacher else None
    return {"starts_at": payload.starts_at, "ends_at": payload.ends_at, "title": payload.title,
            "place": payload.place, "teacher": teacher, "hours": payload.hours}


def _load_session(course, session_id):
    s = CourseSession.objects.filter(course=course, pk=session_id).select_related("course__org").first()
    if s is None:
        raise not_found()
    return s


@router.post("/courses/{course_id}/sessions", response={201: CourseDetail, **WRITE_ERRORS},
             summary="Add a session")
def add_session(request, course_id: Id, payload: SessionIn):
    user = request.auth
    course = _course(user, course_id)
    services.add_session(actor=user, course=course, **_session_values(user, payload))
    return 201, course_out(user, course)


@router.patch("/courses/{course_id}/sessions/{session_id}", response={200: CourseDetail, **WRITE_ERRORS},
              summary="Change a session")
def edit_session(request, course_id: Id, session_id: Id, payload: SessionIn):
    user = request.auth
    course = _course(user, course_id)
    services.update_session(actor=user, session=_load_session(course, session_id),
                            **_session_values(user, payload))
    return course_out(user, course)


@router.post("/courses/{course_id}/sessions/{session_id}/cancel", response={200: CourseDetail, **WRITE_ERRORS},
             summary="Cancel a session")
def cancel_session(request, course_id: Id, session_id: Id, payload: CancelIn):
    user = request.auth
    course = _course(user, course_id)
    services.cancel_session(actor=user, session=_load_session(course, session_id), reason=payload.reason)
    return course_out(user, course)
