"""/enrolments: places on training courses.

- Reads go through the selectors (scope: the course organiser's subtree and the trainee's union's).
  A record outside the caller's scope answers 404 like a missing one; a course, union or person
  named in a body the caller cannot use is 400 `unknown_reference` on that field.
- `POST /enrolments`: the organiser enrols one person (`training.change` on the course's org).
  `POST /enrolments/bulk`: a union enrols live members of its own, all or nothing — a refusal is
  400 `not_eligible` with one item per refused person in `errors` (`field`: `people[<index>]`).
- `POST /enrolments/{id}/cancel`: the organiser or the trainee's union frees the place; the first on
  the waiting list takes a freed seat.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
"""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router
from pydantic import ConfigDict

from gonghui.core.api_support import (
    IDEMPOTENCY_HEADER_DOC,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
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
from gonghui.members.models import Person
from gonghui.orgs.models import Org

from .models.courses import Course, Programme
from .models.enrolment import EnrolmentChannel, EnrolmentStatus
from .policies import enrolment as policies
from .selectors import enrolment as selectors
from .services import enrolment as services

router = Router(tags=["enrolments"])


class PersonRef(ApiSchema):
    id: int
    name: str
    id_number_masked: str


class CourseRef(ApiSchema):
    id: int
    code: str
    title: str
    year: int


class EnrolmentRow(ApiSchema):
    id: int
    course: CourseRef
    person: PersonRef
    union: Ref | None = Field(description="The union of the trainee's live membership at enrolment.")
    town: Ref | None
    status: EnrolmentStatus
    waitlist_position: int | None = Field(description="1 = next to get a seat (WAITLISTED only).")
    channel: EnrolmentChannel
    enrolled_at: datetime.datetime
    promoted_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None


class EnrolmentPage(PageMeta):
    items: list[EnrolmentRow]


class EnrolmentActionsOut(ApiSchema):
    cancel: bool


class EnrolmentDetail(EnrolmentRow):
    cancel_reason: str
    attended_hours: float
    assessment_score: float | None
    actions: EnrolmentActionsOut


class EnrolmentFiltersIn(PageParams):
    course: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    status: EnrolmentStatus | None = None
    channel: EnrolmentChannel | None = None
    programme: Programme | None = None
    org: Id | None = Field(None, description="Only this town's or union's subtree.")
    q: Text(60) | None = Field(None, description="Start of the name, or part of the course or union name.")


class EnrolIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    course: Id
    person: Id = Field(description="A person of the registry visible to the caller.")


class BulkIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    course: Id = Field(description="An OPEN course organised by the union or above it.")
    union: Id = Field(description="The grassroots union enrolling its live members.")
    people: list[Id] = Field(description="The members, in the order they take places.", min_length=1,
                             max_length=500)


class BulkOut(ApiSchema):
    enrolled: int
    waitlisted: int
    items: list[EnrolmentRow]


class CancelIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400) = ""


def _person(p):
    return {"id": p.pk, "name": p.name, "id_number_masked": p.id_number_masked}


def enrolment_row(x):
    c = x.course
    return {"id": x.pk, "course": {"id": c.pk, "code": c.code, "title": c.title, "year": c.year},
            "person": _person(x.person), "union": ref(x.union), "town": ref(x.town), "status": x.status,
            "waitlist_position": x.waitlist_position, "channel": x.channel, "enrolled_at": x.enrolled_at,
            "promoted_at": x.promoted_at, "cancelled_at": x.cancelled_at}


def enrolment_out(user, enrolment):
    x = selectors.enrolment_detail(enrolment)
    return {**enrolment_row(x), "cancel_reason": x.cancel_reason, "attended_hours": float(x.attended_hours),
            "assessment_score": float(x.assessment_score) if x.assessment_score is not None else None,
            "actions": {"cancel": policies.may_cancel(user, x)}}


def _enrolment(user, enrolment_id):
    x = selectors.enrolments(user).select_related("course", "course__org", "person", "union", "town").filter(
        pk=enrolment_id).first()
    if x is None:
        raise not_found()
    return x


@router.get("/enrolments", response={200: EnrolmentPage, **READ_ERRORS}, summary="List enrolments")
def list_enrolments(request, filters: Query[EnrolmentFiltersIn]):
    user = request.auth
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first() if filters.org else None
    course = Course(pk=filters.course) if filters.course else None
    qs = selectors.filtered_enrolments(user, selectors.EnrolmentFilters(
        q=filters.q or "", org=org, course=course, year=filters.year, status=filters.status or "",
        channel=filters.channel or "", programme=filters.programme or ""))
    if filters.org and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=enrolment_row, load=selectors.enrolment_rows())


def _course_for(user, course_id, union):
    """The course named in a bulk request: one the caller sees, or one organised by the union or
    above it (a union enrols its members in the town's and the district's courses)."""
    from django.db.models import Q

    open_to_union = Q(org__path__in=selectors.ancestor_paths(union))
    visible = Q(pk__in=Course.objects.visible_to(user, policies.VIEW).values("pk"))
    return resolve(Course.objects.filter(open_to_union | visible).select_related("org"), course_id, field="course")


@router.post("/enrolments", response={201: EnrolmentDetail, **WRITE_ERRORS},
             summary="Enrol one person (the course's organiser)")
def create_enrolment(request, payload: EnrolIn,
                     idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                          description=IDEMPOTENCY_HEADER_DOC)):
    """400 with the rule's code: `not_open`, `window`, `not_a_member`, `skill_level`, `out_of_area`,
    `overlap` (names the clashing course and session), `already_enrolled`, `full`."""
    user = request.auth

    def run():
        course = resolve(Course.objects.visible_to(user, policies.VIEW), payload.course, field="course")
        require(user, policies.CHANGE, course.org)
        person = resolve(Person.objects.visible_to(user), payload.person, field="person")
        x = services.enrol(actor=user, course=course, person=person)
        return 201, enrolment_out(user, x)

    return idempotent(request, idempotency_key, payload, run, schema=EnrolmentDetail)


@router.post("/enrolments/bulk", response={201: BulkOut, **WRITE_ERRORS},
             summary="A union enrols live members of its own (all or nothing)")
def bulk_enrol(request, payload: BulkIn,
               idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                    description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        union = resolve(Org.objects.visible_to(user, policies.VIEW), payload.union, field="union")
        require(user, policies.CHANGE, union)
        course = _course_for(user, payload.course, union)
        found = {p.pk: p for p in Person.objects.filter(pk__in=payload.people, memberships__union=union).distinct()}
        missing = [{"field": f"people[{i}]", "code": "unknown_reference",
                    "message": _("No live member of this union with id %(id)s.") % {"id": pk}}
                   for i, pk in enumerate(payload.people) if pk not in found]
        if missing:
            raise ApiError(400, "unknown_reference", "; ".join(m["message"] for m in missing),
                           field=missing[0]["field"], errors=missing)
        index = {pk: i for i, pk in reversed(list(enumerate(payload.people)))}
        try:
            created = services.enrol_members(actor=user, course=course, union=union,
                                              people=[found[pk] for pk in payload.people])
        except services.EnrolmentRowsError as exc:
            errors = [{"field": f"people[{index[r['person']]}]", "code": r["code"], "message": f"{r['name']}: "
                       f"{r['message']}"} for r in exc.rows]
            raise ApiError(400, exc.code, exc.text, field=errors[0]["field"], errors=errors) from exc
        rows = selectors.enrolment_rows().filter(pk__in=[x.pk for x in created]).order_by("pk")
        items = [enrolment_row(x) for x in rows]
        return 201, {"enrolled": sum(1 for x in created if x.status == EnrolmentStatus.ENROLLED),
                     "waitlisted": sum(1 for x in created if x.status == EnrolmentStatus.WAITLISTED),
                     "items": items}

    return idempotent(request, idempotency_key, payload, run, schema=BulkOut)


# After /enrolments/bulk: a path parameter would swallow it.
@router.get("/enrolments/{enrolment_id}", response={200: EnrolmentDetail, **READ_ERRORS},
            summary="Get an enrolment")
def get_enrolment(request, enrolment_id: Id):
    user = request.auth
    return enrolment_out(user, _enrolment(user, enrolment_id))


_action = workflow_actions(router, path="/enrolments", id_param="enrolment_id", load=_enrolment,
                           render=enrolment_out, response=EnrolmentDetail, operation_prefix="enrolment")


@_action("cancel", "Cancel a place (the first on the waiting list takes a freed seat)", CancelIn)
def cancel(user, x, p):
    """409 `wrong_stage` when the place is already cancelled or the course is over."""
    services.cancel_enrolment(actor=user, enrolment=x, reason=p.reason)
