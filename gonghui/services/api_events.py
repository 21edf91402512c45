"""/events: culture and sports events, their registrations and check-in.

- Reads go through the selectors (scope: the organiser's subtree; registrations also the member's
  union's). A record outside the caller's scope answers 404 like a missing one; an org, venue,
  union or person named in a body the caller cannot use is 400 `unknown_reference` on that field.
- `POST /events` creates a DRAFT (`services.change` on the organiser); `PATCH /events/{id}`
  edits; `POST /events/{id}/publish|close|reopen|finish|cancel` are the workflow steps.
- `GET /events/{id}/registrations`, `POST /events/{id}/registrations` (the organiser registers one
  person), `POST /events/{id}/registrations/bulk` (a union registers its live members, all or
  nothing: 400 `not_eligible` with one item per refused person in `errors`),
  `POST /event-registrations/{id}/cancel`, `POST /events/{id}/check-in` (the organiser's list).
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
"""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router
from pydantic import ConfigDict

from gonghui.core.api_support import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
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
from gonghui.members.models import Person
from gonghui.orgs.models import Org

from .models.events import (
    CheckinMethod,
    Event,
    EventKind,
    EventStatus,
    RegistrationChannel,
    RegistrationStatus,
)
from .models.venues import Venue
from .policies import events as policies
from .selectors import events as selectors
from .services import events as services

router = Router(tags=["services"])


class EventRow(ApiSchema):
    id: int
    title: str
    kind: EventKind
    org: Ref
    venue: Ref | None
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    reg_opens_on: datetime.date | None
    reg_closes_on: datetime.date | None
    capacity: int
    waitlist_limit: int
    status: EventStatus
    registered: int = Field(description="Places taken (REGISTERED).")
    waiting: int
    checked_in: int


class EventPage(PageMeta):
    items: list[EventRow]


class EventActions(ApiSchema):
    change: bool
    steps: list[str]


class EventDetail(EventRow):
    description: str
    cancel_reason: str
    actions: EventActions


class EventFiltersIn(PageParams):
    year: int | None = Field(None, ge=2000, le=2100)
    kind: EventKind | None = None
    status: EventStatus | None = None
    org: Id | None = Field(None, description="Only this town's or union's subtree.")
    q: Text(60) | None = None
    offered: bool = Field(False, description="Events offered to the caller from above (published, closed or "
                                             "finished events of their town or the district: read only).")


class EventIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    title: Text(120)
    kind: EventKind
    description: Text(4000) = ""
    venue: Id | None = None
    place: Text(200) = ""
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    reg_opens_on: datetime.date | None = None
    reg_closes_on: datetime.date | None = None
    capacity: int = Field(ge=1, le=100000)
    waitlist_limit: int = Field(0, ge=0, le=100000)


class EventCreateIn(EventIn):
    org: Id = Field(description="The organiser: the district, a town or a union in the caller's reach.")


class ReasonIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400) = ""


class EmptyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")


class PersonRef(ApiSchema):
    id: int
    name: str
    id_number_masked: str


class RegistrationRow(ApiSchema):
    id: int
    event: Ref
    person: PersonRef
    union: Ref | None
    town: Ref | None
    status: RegistrationStatus
    waitlist_position: int | None
    channel: RegistrationChannel
    registered_at: datetime.datetime
    promoted_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    cancel_reason: str
    checked_in_at: datetime.datetime | None
    checkin_method: CheckinMethod | None


class RegistrationPage(PageMeta):
    items: list[RegistrationRow]


class RegisterIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    person: Id


class BulkIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    union: Id
    people: list[Id] = Field(min_length=1, max_length=500)


class BulkOut(ApiSchema):
    registered: int
    waitlisted: int
    items: list[RegistrationRow]


class CheckInListIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    registrations: list[Id] = Field(min_length=1, max_length=2000)


class CheckInOut(ApiSchema):
    checked_in: int


def event_row(e):
    return {"id": e.pk, "title": e.title, "kind": e.kind, "org": ref(e.org), "venue": ref(e.venue),
            "place": e.place, "starts_at": e.starts_at, "ends_at": e.ends_at, "reg_opens_on": e.reg_opens_on,
            "reg_closes_on": e.reg_closes_on, "capacity": e.capacity, "waitlist_limit": e.waitlist_limit,
            "status": e.status, "registered": e.seats, "waiting": e.waiting, "checked_in": e.checkins}


def event_out(user, event):
    e = selectors.event_detail(event)
    return {**event_row(e), "description": e.description, "cancel_reason": e.cancel_reason,
            "actions": {"change": policies.can(user, policies.CHANGE, e.org),
                        "steps": list(policies.steps_for(user, e))}}


def registration_row(x):
    p = x.person
    return {"id": x.pk, "event": {"id": x.event.pk, "name": x.event.title},
            "person": {"id": p.pk, "name": p.name, "id_number_masked": p.id_number_masked},
            "union": ref(x.union), "town": ref(x.town), "status": x.status, "waitlist_position": x.waitlist_position,
            "channel": x.channel, "registered_at": x.registered_at, "promoted_at": x.promoted_at,
            "cancelled_at": x.cancelled_at, "cancel_reason": x.cancel_reason, "checked_in_at": x.checked_in_at,
            "checkin_method": x.checkin_method or None}


def _event(user, event_id):
    e = selectors.events(user).select_related("org", "venue").filter(pk=event_id).first()
    if e is None:
        raise not_found()
    return e


def _data(payload, user):
    venue = resolve(Venue.objects.filter(is_active=True), payload.venue, field="venue") if payload.venue else None
    return {"title": payload.title, "kind": payload.kind, "description": payload.description, "venue": venue,
            "place": payload.place, "starts_at": payload.starts_at, "ends_at": payload.ends_at,
            "reg_opens_on": payload.reg_opens_on, "reg_closes_on": payload.reg_closes_on,
            "capacity": payload.capacity, "waitlist_limit": payload.waitlist_limit}


@router.get("/events", response={200: EventPage, **READ_ERRORS}, summary="List events")
def list_events(request, filters: Query[EventFiltersIn]):
    user = request.auth
    require(user, policies.VIEW)
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first() if filters.org else None
    qs = selectors.filtered_events(user, selectors.EventFilters(q=filters.q or "", org=org, year=filters.year,
                                                                kind=filters.kind or "", status=filters.status or ""),
                                    offered=filters.offered)
    if filters.org and org is None and not filters.offered:
        qs = qs.none()
    return paginate(qs, filters, row=event_row, load=selectors.event_rows())


@router.post("/events", response={201: EventDetail, **WRITE_ERRORS}, summary="Create an event (DRAFT)")
def create_event(request, payload: EventCreateIn):
    """400 with the field and code: `end_before_start`, `window`, `required`, `invalid`…"""
    user = request.auth
    org = resolve(Org.objects.visible_to(user, policies.CHANGE), payload.org, field="org")
    e = services.create_event(actor=user, org=org, data=_data(payload, user))
    return 201, event_out(user, e)


@router.get("/events/{event_id}", response={200: EventDetail, **READ_ERRORS}, summary="Get an event")
def get_event(request, event_id: Id):
    """Also an event offered from above (read only: `actions.change` false, no steps)."""
    user = request.auth
    e = selectors.readable_events(user).select_related("org", "venue").filter(pk=event_id).first()
    if e is None:
        raise not_found()
    return event_out(user, e)


@router.patch("/events/{event_id}", response={200: EventDetail, **WRITE_ERRORS}, summary="Edit an event")
def edit_event(request, event_id: Id, payload: EventIn):
    user = request.auth
    e = _event(user, event_id)
    require(user, policies.CHANGE, e.org)
    e = services.update_event(actor=user, event=e, data=_data(payload, user))
    return event_out(user, e)


_action = workflow_actions(router, path="/events", id_param="event_id", load=_event, render=event_out,
                           response=EventDetail, operation_prefix="event")


@_action("publish", "Publish (open registration)", EmptyIn)
def publish(user, e, p):
    services.step(actor=user, event=e, name="publish")


@_action("close", "Close registration", EmptyIn)
def close(user, e, p):
    services.step(actor=user, event=e, name="close")


@_action("reopen", "Reopen registration", EmptyIn)
def reopen(user, e, p):
    services.step(actor=user, event=e, name="reopen")


@_action("finish", "Mark the event finished", EmptyIn)
def finish(user, e, p):
    services.step(actor=user, event=e, name="finish")


@_action("cancel", "Cancel the event (every live registration is cancelled)", ReasonIn)
def cancel(user, e, p):
    """400 `required` without a reason; 409 `wrong_stage` when finished or cancelled."""
    services.step(actor=user, event=e, name="cancel", reason=p.reason)


@router.get("/events/{event_id}/registrations", response={200: RegistrationPage, **READ_ERRORS},
            summary="Registrations of an event")
def event_registrations(request, event_id: Id, filters: Query[PageParams]):
    user = request.auth
    e = selectors.readable_events(user).filter(pk=event_id).first()  # offered from above: our unions' places
    if e is None:
        raise not_found()
    qs = selectors.registrations(user).filter(event=e)
    return paginate(qs, filters, row=registration_row, load=selectors.registration_rows())


@router.post("/events/{event_id}/registrations", response={201: RegistrationRow, **WRITE_ERRORS},
             summary="Register one member (the organiser)")
def register(request, event_id: Id, payload: RegisterIn):
    """400 with the rule's code: `not_open`, `window`, `started`, `not_a_member`, `out_of_area`,
    `already_registered`, `full`."""
    user = request.auth
    e = _event(user, event_id)
    require(user, policies.CHANGE, e.org)
    person = resolve(Person.objects.visible_to(user), payload.person, field="person")
    x = services.register(actor=user, event=e, person=person)
    return 201, registration_row(selectors.registration_rows().get(pk=x.pk))


@router.post("/events/{event_id}/registrations/bulk", response={201: BulkOut, **WRITE_ERRORS},
             summary="A union registers live members of its own (all or nothing)")
def register_bulk(request, event_id: Id, payload: BulkIn):
    user = request.auth
    union = resolve(Org.objects.visible_to(user, policies.CHANGE), payload.union, field="union")
    e = Event.objects.filter(pk=event_id).select_related("org").first()
    if e is None or not (policies.can(user, policies.VIEW, e.org)
                         or selectors.union_choices(user, e).filter(pk=union.pk).exists()):
        raise not_found()
    found = {p.pk: p for p in Person.objects.filter(pk__in=payload.people, memberships__union=union).distinct()}
    missing = [{"field": f"people[{i}]", "code": "unknown_reference",
                "message": _("No live member of this union with id %(id)s.") % {"id": pk}}
               for i, pk in enumerate(payload.people) if pk not in found]
    if missing:
        raise ApiError(400, "unknown_reference", "; ".join(m["message"] for m in missing),
                       field=missing[0]["field"], errors=missing)
    index = {pk: i for i, pk in reversed(list(enumerate(payload.people)))}
    try:
        created = services.register_members(actor=user, event=e, union=union,
                                            people=[found[pk] for pk in payload.people])
    except services.RegistrationRowsError as exc:
        errors = [{"field": f"people[{index[r['person']]}]", "code": r["code"],
                   "message": f"{r['name']}: {r['message']}"} for r in exc.rows]
        raise ApiError(400, exc.code, exc.text, field=errors[0]["field"], errors=errors) from exc
    rows = selectors.registration_rows().filter(pk__in=[x.pk for x in created]).order_by("pk")
    return 201, {"registered": sum(1 for x in created if x.status == RegistrationStatus.REGISTERED),
                 "waitlisted": sum(1 for x in created if x.status == RegistrationStatus.WAITLISTED),
                 "items": [registration_row(x) for x in rows]}


@router.post("/events/{event_id}/check-in", response={200: CheckInOut, **WRITE_ERRORS},
             summary="Check registered people in (the organiser's list)")
def check_in(request, event_id: Id, payload: CheckInListIn):
    user = request.auth
    e = _event(user, event_id)
    require(user, policies.CHANGE, e.org)
    return {"checked_in": services.check_in_list(actor=user, event=e, registration_ids=payload.registrations)}


def _registration(user, registration_id):
    x = selectors.registrations(user).select_related("event", "event__org", "person", "union", "town").filter(
        pk=registration_id).first()
    if x is None:
        raise not_found()
    return x


@router.get("/event-registrations/{registration_id}", response={200: RegistrationRow, **READ_ERRORS},
            summary="Get an event registration")
def get_registration(request, registration_id: Id):
    return registration_row(_registration(request.auth, registration_id))


@router.post("/event-registrations/{registration_id}/cancel", response={200: RegistrationRow, **WRITE_ERRORS},
             summary="Cancel a registration (the first on the waiting list takes the place)")
def cancel_registration(request, registration_id: Id, payload: ReasonIn):
    user = request.auth
    x = _registration(user, registration_id)
    services.cancel_registration(actor=user, registration=x, reason=payload.reason)
    return registration_row(_registration(user, registration_id))
