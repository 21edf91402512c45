"""/worker-schools (职工学校) and /teachers (the teacher pool).

- Reads go through the selectors (scope: the running / registering org's subtree). A record
  outside the caller's scope answers 404 like a missing one; an org or person named in a body the
  caller cannot use is 400 `unknown_reference` on that field.
- Writes call exactly one service: create (POST), update (PATCH: the fields sent replace the
  current ones), and the steps `POST /worker-schools/{id}/close|reopen`,
  `POST /teachers/{id}/deactivate|reactivate`. A rule that refuses answers 400 with its code and
  field; a step the status does not allow 409 `wrong_stage`.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
"""

import datetime
from decimal import Decimal

from ninja import Field, Header, Query, Router
from pydantic import ConfigDict

from gonghui.core.api_support import (
    IDEMPOTENCY_HEADER_DOC,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiSchema,
    Id,
    PageMeta,
    PageParams,
    Ref,
    Text,
    idempotent,
    not_found,
    paginate,
    ref,
    resolve,
    workflow_actions,
)
from gonghui.core.policies import require
from gonghui.orgs.models import Org

from .models.schools import DeliveryMode, SchoolStatus, TeacherKind
from .policies import schools as policies
from .selectors import schools as selectors
from .services import schools as services

router = Router(tags=["worker-schools"])


# --- schemas ----------------------------------------------------------------------------------------

class SchoolRow(ApiSchema):
    id: int
    name: str
    org: Ref = Field(description="The org that runs the school (the district, a town or a platform).")
    address: str
    capacity: int
    modes: list[DeliveryMode]
    status: SchoolStatus
    closed_on: datetime.date | None


class SchoolPage(PageMeta):
    items: list[SchoolRow]


class SchoolActionsOut(ApiSchema):
    edit: bool
    close: bool
    reopen: bool


class CourseLine(ApiSchema):
    id: int
    title: str
    year: int
    status: str


class SchoolDetail(SchoolRow):
    contact_name: str
    contact_phone: str
    description: str
    close_reason: str
    courses: list[CourseLine] = Field(description="Courses at the school the caller may see (newest 20).")
    actions: SchoolActionsOut


class SchoolFiltersIn(PageParams):
    status: SchoolStatus | None = None
    mode: DeliveryMode | None = None
    org: Id | None = Field(None, description="Only this town's or union's subtree.")
    q: Text(60) | None = Field(None, description="Part of the name, address or running org's name.")


class SchoolIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The district, a town or a platform of the caller's.")
    name: Text(80)
    address: Text(200)
    capacity: int
    modes: list[DeliveryMode]
    contact_name: Text(32) = ""
    contact_phone: Text(20) = ""
    description: Text(2000) = ""


class SchoolPatch(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    name: Text(80) | None = None
    address: Text(200) | None = None
    capacity: int | None = None
    modes: list[DeliveryMode] | None = None
    contact_name: Text(32) | None = None
    contact_phone: Text(20) | None = None
    description: Text(2000) | None = None


class CloseIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)
    closed_on: datetime.date | None = Field(None, description="Default: today.")


class ReopenIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400) = ""


class PersonRef(ApiSchema):
    id: int
    name: str
    id_number_masked: str


class TeacherRow(ApiSchema):
    id: int
    name: str
    kind: TeacherKind
    org: Ref = Field(description="The org that registered the teacher.")
    person: PersonRef | None = Field(description="For internal masters and model workers.")
    employer: str
    title: str
    specialities: list[str]
    is_active: bool = Field(description="In the pool (may be given new sessions).")


class TeacherPage(PageMeta):
    items: list[TeacherRow]


class TeacherActionsOut(ApiSchema):
    edit: bool
    deactivate: bool
    reactivate: bool


class SessionLine(ApiSchema):
    id: int
    course: CourseLine
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    hours: Decimal
    is_cancelled: bool


class SessionTotals(ApiSchema):
    sessions: int
    hours: Decimal
    upcoming: int


class TeacherDetail(TeacherRow):
    phone: str = Field(description="The mobile, masked (stored encrypted).")
    note: str
    deactivated_on: datetime.date | None
    sessions: list[SessionLine] = Field(description="Sessions in courses the caller may see, newest first.")
    totals: SessionTotals
    actions: TeacherActionsOut


class TeacherFiltersIn(PageParams):
    kind: TeacherKind | None = None
    speciality: Text(30) | None = Field(None, description="One whole speciality, e.g. 电工.")
    active: bool | None = Field(None, description="true: in the pool; false: out of it.")
    org: Id | None = None
    q: Text(60) | None = Field(None, description="Start of the name, or part of the employer or a speciality.")


class TeacherIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The registering org (the caller's).")
    kind: TeacherKind
    person: Id | None = Field(None, description="Internal masters and model workers: a person with a live "
                                                "membership.")
    name: Text(64) = Field("", description="External lecturers (a person's teacher takes the person's name).")
    employer: Text(120) = ""
    title: Text(60) = ""
    specialities: list[Text(30)]
    phone: Text(20) = ""
    note: Text(400) = ""


class TeacherPatch(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: TeacherKind | None = None
    name: Text(64) | None = None
    employer: Text(120) | None = None
    title: Text(60) | None = None
    specialities: list[Text(30)] | None = None
    phone: Text(20) | None = None
    note: Text(400) | None = None


class DeactivateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)


class EmptyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")


# --- output -------------------------------------------------------------------------------------------

def school_row(x):
    return {"id": x.pk, "name": x.name, "org": ref(x.org), "address": x.address, "capacity": x.capacity,
            "modes": x.modes, "status": x.status, "closed_on": x.closed_on}


def school_out(user, school):
    x = selectors.school_rows().get(pk=school.pk)
    courses, _counts = selectors.school_courses(user, x)
    return {**school_row(x), "contact_name": x.contact_name, "contact_phone": x.contact_phone,
            "description": x.description, "close_reason": x.close_reason,
            "courses": [{"id": c.pk, "title": c.title, "year": c.year, "status": c.status} for c in courses],
            "actions": vars(policies.school_actions(user, x))}


def _school(user, school_id, *, read=False):
    """The school if the user manages it (or, to read, if it is run above them); else 404."""
    qs = selectors.readable_schools(user) if read else selectors.schools(user)
    x = qs.select_related("org").filter(pk=school_id).first()
    if x is None:
        raise not_found()
    return x


def _person(p):
    return {"id": p.pk, "name": p.name, "id_number_masked": p.id_number_masked} if p is not None else None


def teacher_row(x):
    return {"id": x.pk, "name": x.name, "kind": x.kind, "org": ref(x.org), "person": _person(x.person),
            "employer": x.employer, "title": x.title, "specialities": x.specialities, "is_active": x.is_active}


def teacher_out(user, teacher):
    x = selectors.teacher_rows().get(pk=teacher.pk)
    sessions, totals = selectors.teacher_sessions(user, x)
    return {**teacher_row(x), "phone": x.phone_masked, "note": x.note, "deactivated_on": x.deactivated_on,
            "sessions": [{"id": s.pk, "course": {"id": s.course.pk, "title": s.course.title, "year": s.course.year,
                                                 "status": s.course.status},
                          "title": s.title, "starts_at": s.starts_at, "ends_at": s.ends_at, "place": s.place,
                          "hours": s.hours, "is_cancelled": s.is_cancelled} for s in sessions],
            "totals": totals, "actions": vars(policies.teacher_actions(user, x))}


def _teacher(user, teacher_id, *, read=False):
    """The teacher if the user manages them (or, to read, if registered above them); else 404."""
    qs = selectors.readable_teachers(user) if read else selectors.teachers(user)
    x = qs.select_related("org", "person").filter(pk=teacher_id).first()
    if x is None:
        raise not_found()
    return x


def _org(user, org_id):
    if org_id is None:
        return None, False
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=org_id).first()
    return org, org is None


# --- worker schools ------------------------------------------------------------------------------------

@router.get("/worker-schools", response={200: SchoolPage, **READ_ERRORS}, summary="List worker schools")
def list_schools(request, filters: Query[SchoolFiltersIn]):
    user = request.auth
    org, hidden = _org(user, filters.org)
    qs = selectors.filtered_schools(user, selectors.SchoolFilters(
        q=filters.q or "", org=org, status=filters.status or "", mode=filters.mode or ""))
    if hidden:
        qs = qs.none()
    return paginate(qs, filters, row=school_row, load=selectors.school_rows())


@router.get("/worker-schools/{school_id}", response={200: SchoolDetail, **READ_ERRORS},
            summary="Get a worker school with its courses")
def get_school(request, school_id: Id):
    user = request.auth
    return school_out(user, _school(user, school_id, read=True))


@router.post("/worker-schools", response={201: SchoolDetail, **WRITE_ERRORS}, summary="Open a worker school")
def create_school(request, payload: SchoolIn,
                  idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                       description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        require(user, policies.APPROVE, org)
        x = services.create_school(actor=user, org=org, name=payload.name, address=payload.address,
                                   capacity=payload.capacity, modes=[str(m) for m in payload.modes],
                                   contact_name=payload.contact_name, contact_phone=payload.contact_phone,
                                   description=payload.description)
        return 201, school_out(user, x)

    return idempotent(request, idempotency_key, payload, run, schema=SchoolDetail)


@router.patch("/worker-schools/{school_id}", response={200: SchoolDetail, **WRITE_ERRORS},
              summary="Edit a worker school (the fields sent)")
def update_school(request, school_id: Id, payload: SchoolPatch):
    user = request.auth
    x = _school(user, school_id)
    sent = payload.dict(exclude_unset=True)
    values = {k: sent[k] if k in sent and sent[k] is not None else getattr(x, k)
              for k in ("name", "address", "capacity", "modes", "contact_name", "contact_phone", "description")}
    values["modes"] = [str(m) for m in values["modes"]]
    services.update_school(actor=user, school=x, **values)
    return school_out(user, x)


_school_action = workflow_actions(router, path="/worker-schools", id_param="school_id", load=_school,
                                  render=school_out, response=SchoolDetail, operation_prefix="worker_school")


@_school_action("close", "Close the school (refused while a course there is not finished or cancelled)", CloseIn)
def close(user, x, p):
    services.close_school(actor=user, school=x, reason=p.reason, closed_on=p.closed_on)


@_school_action("reopen", "Reopen a closed school", ReopenIn)
def reopen(user, x, p):
    services.reopen_school(actor=user, school=x, reason=p.reason)


# --- teachers -------------------------------------------------------------------------------------------

@router.get("/teachers", response={200: TeacherPage, **READ_ERRORS}, tags=["teachers"], summary="List teachers")
def list_teachers(request, filters: Query[TeacherFiltersIn]):
    user = request.auth
    org, hidden = _org(user, filters.org)
    active = "" if filters.active is None else ("1" if filters.active else "0")
    qs = selectors.filtered_teachers(user, selectors.TeacherFilters(
        q=filters.q or "", org=org, kind=filters.kind or "", speciality=filters.speciality or "", active=active))
    if hidden:
        qs = qs.none()
    return paginate(qs, filters, row=teacher_row, load=selectors.teacher_rows())


@router.get("/teachers/{teacher_id}", response={200: TeacherDetail, **READ_ERRORS}, tags=["teachers"],
            summary="Get a teacher with the sessions they teach")
def get_teacher(request, teacher_id: Id):
    user = request.auth
    return teacher_out(user, _teacher(user, teacher_id, read=True))


@router.post("/teachers", response={201: TeacherDetail, **WRITE_ERRORS}, tags=["teachers"],
             summary="Add a teacher to the pool")
def create_teacher(request, payload: TeacherIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                        description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        from gonghui.members.models import Person

        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        require(user, policies.CHANGE, org)
        person = resolve(Person.objects.visible_to(user, policies.CHANGE), payload.person, field="person")
        x = services.create_teacher(actor=user, org=org, kind=payload.kind, person=person, name=payload.name,
                                    employer=payload.employer, title=payload.title,
                                    specialities=list(payload.specialities), phone=payload.phone, note=payload.note)
        return 201, teacher_out(user, x)

    return idempotent(request, idempotency_key, payload, run, schema=TeacherDetail)


@router.patch("/teachers/{teacher_id}", response={200: TeacherDetail, **WRITE_ERRORS}, tags=["teachers"],
              summary="Edit a teacher (the fields sent)")
def update_teacher(request, teacher_id: Id, payload: TeacherPatch):
    user = request.auth
    x = _teacher(user, teacher_id)
    sent = payload.dict(exclude_unset=True)
    values = {k: sent[k] if k in sent and sent[k] is not None else getattr(x, k)
              for k in ("kind", "name", "employer", "title", "specialities", "note")}
    # The mobile is kept encrypted: an unsent one is the stored number, decrypted only to be written back.
    values["phone"] = sent["phone"] if sent.get("phone") is not None else x.phone()
    services.update_teacher(actor=user, teacher=x, **values)
    return teacher_out(user, x)


_teacher_action = workflow_actions(router, path="/teachers", id_param="teacher_id", load=_teacher,
                                   render=teacher_out, response=TeacherDetail, operation_prefix="teacher")


@_teacher_action("deactivate", "Take a teacher out of the pool (refused while they teach upcoming sessions)",
                 DeactivateIn)
def deactivate(user, x, p):
    services.deactivate_teacher(actor=user, teacher=x, reason=p.reason)


@_teacher_action("reactivate", "Put a teacher back into the pool", EmptyIn)
def reactivate(user, x, p):
    services.reactivate_teacher(actor=user, teacher=x)
