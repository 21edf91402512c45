"""/venues, /rooms, /room-bookings, /performances, /screenings: the venues area.

- Reads go through the selectors (scope: the venue's org; a booking: the booking org's or the
  venue's subtree; performances and screenings: the host's). A record outside the caller's scope
  answers 404 like a missing one; a room, org or enterprise named in a body that the caller cannot
  use is 400 `unknown_reference` on that field.
- Every workflow action (`POST /room-bookings/{id}/confirm|reject|cancel`,
  `/performances/{id}/schedule|decline|done|cancel`, `/screenings/{id}/done|cancel`) calls exactly
  one service. A refused rule answers 400 with its code and field (`over_capacity`,
  `outside_hours`…); a taken slot 409 `double_booking`; a step the status does not allow 409
  `wrong_stage`.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`.
"""

import datetime

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
from gonghui.orgs.models import Enterprise, Org

from .models.venues import BookingStatus, PerformanceStatus, RoomKind, ScreeningStatus, VenueKind
from .policies import venues as policies
from .selectors import venues as selectors
from .services import venues as services

router = Router(tags=["venues"])


def _org(user, pk, action=policies.VIEW):
    if pk is None:
        return None
    return Org.objects.visible_to(user, action).filter(pk=pk).first() or Org(path="~", depth=0)


# --- venues and rooms ---------------------------------------------------------------------------

class RoomOut(ApiSchema):
    id: int
    venue: Ref
    name: str
    kind: RoomKind
    capacity: int
    equipment: str
    is_bookable: bool
    opens_at: datetime.time
    closes_at: datetime.time


class VenueOut(ApiSchema):
    id: int
    org: Ref = Field(description="The org running the venue.")
    kind: VenueKind
    name: str
    address: str
    contact_phone: str
    is_active: bool


class VenueDetail(VenueOut):
    description: str
    rooms: list[RoomOut]


class VenuePage(PageMeta):
    items: list[VenueOut]


class RoomPage(PageMeta):
    items: list[RoomOut]


class VenueFiltersIn(PageParams):
    org: Id | None = None
    kind: VenueKind | None = None
    q: Text(60) | None = None


def venue_row(v):
    return {"id": v.pk, "org": ref(v.org), "kind": v.kind, "name": v.name, "address": v.address,
            "contact_phone": v.contact_phone, "is_active": v.is_active}


def room_row(r):
    return {"id": r.pk, "venue": ref(r.venue), "name": r.name, "kind": r.kind, "capacity": r.capacity,
            "equipment": r.equipment, "is_bookable": r.is_bookable, "opens_at": r.opens_at,
            "closes_at": r.closes_at}


@router.get("/venues", response={200: VenuePage, **READ_ERRORS}, summary="List venues")
def list_venues(request, filters: Query[VenueFiltersIn]):
    user = request.auth
    qs = selectors.filtered_venues(user, selectors.VenueFilters(q=filters.q or "", org=_org(user, filters.org),
                                                                kind=filters.kind or ""))
    return paginate(qs, filters, row=venue_row, load=selectors.Venue.objects.select_related("org"))


@router.get("/venues/{venue_id}", response={200: VenueDetail, **READ_ERRORS}, summary="Get a venue with its rooms")
def get_venue(request, venue_id: Id):
    v = selectors.venues(request.auth).select_related("org").filter(pk=venue_id).first()
    if v is None:
        raise not_found()
    return {**venue_row(v), "description": v.description,
            "rooms": [room_row(r) for r in v.rooms.select_related("venue").order_by("name", "id")]}


class VenueIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The org running the venue.")
    name: Text(80)
    address: Text(200)
    kind: VenueKind = VenueKind.OTHER
    contact_phone: Text(20) = ""
    description: Text(2000) = ""


@router.post("/venues", response={201: VenueDetail, **WRITE_ERRORS}, summary="Add a venue")
def create_venue(request, payload: VenueIn):
    user = request.auth
    org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
    v = services.create_venue(actor=user, org=org, name=payload.name, address=payload.address, kind=payload.kind,
                              contact_phone=payload.contact_phone, description=payload.description)
    return 201, {**venue_row(v), "description": v.description, "rooms": []}


class RoomFiltersIn(PageParams):
    venue: Id | None = None
    bookable: bool | None = None


@router.get("/rooms", response={200: RoomPage, **READ_ERRORS}, summary="List rooms")
def list_rooms(request, filters: Query[RoomFiltersIn]):
    qs = selectors.rooms(request.auth)
    if filters.venue is not None:
        qs = qs.filter(venue_id=filters.venue)
    if filters.bookable is not None:
        qs = qs.filter(is_bookable=filters.bookable)
    return paginate(qs, filters, row=room_row, load=selectors.Room.objects.select_related("venue"))


@router.get("/rooms/{room_id}", response={200: RoomOut, **READ_ERRORS}, summary="Get a room")
def get_room(request, room_id: Id):
    r = selectors.rooms(request.auth).select_related("venue").filter(pk=room_id).first()
    if r is None:
        raise not_found()
    return room_row(r)


class RoomIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    venue: Id
    name: Text(60)
    capacity: int = Field(ge=1, le=5000)
    kind: RoomKind = RoomKind.MEETING
    equipment: Text(300) = ""
    is_bookable: bool = True
    opens_at: datetime.time = datetime.time(8, 0)
    closes_at: datetime.time = datetime.time(21, 0)


@router.post("/rooms", response={201: RoomOut, **WRITE_ERRORS}, summary="Add a room to a venue")
def create_room(request, payload: RoomIn):
    user = request.auth
    venue = resolve(selectors.venues(user).select_related("org"), payload.venue, field="venue")
    r = services.create_room(actor=user, venue=venue, name=payload.name, capacity=payload.capacity,
                             kind=payload.kind, equipment=payload.equipment, is_bookable=payload.is_bookable,
                             opens_at=payload.opens_at, closes_at=payload.closes_at)
    return 201, room_row(r)


# --- bookings -----------------------------------------------------------------------------------

class BookingOut(ApiSchema):
    id: int
    number: str
    room: Ref
    venue: Ref
    org: Ref = Field(description="The org that booked.")
    purpose: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    attendees: int
    status: BookingStatus
    reason: str


class BookingActionsOut(ApiSchema):
    confirm: bool
    reject: bool
    cancel: bool


class BookingDetail(BookingOut):
    contact_name: str
    contact_phone: str = Field(description="The contact's mobile, masked (stored encrypted).")
    note: str
    decided_at: datetime.datetime | None
    actions: BookingActionsOut


class BookingPage(PageMeta):
    items: list[BookingOut]


class BookingFiltersIn(PageParams):
    org: Id | None = Field(None, description="Bookings made by, or at venues of, this org's subtree.")
    venue: Id | None = None
    status: BookingStatus | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: Text(60) | None = Field(None, description="The number, or part of the purpose, union or room name.")


def booking_row(b):
    return {"id": b.pk, "number": b.number, "room": ref(b.room), "venue": ref(b.room.venue), "org": ref(b.org),
            "purpose": b.purpose, "starts_at": b.starts_at, "ends_at": b.ends_at, "attendees": b.attendees,
            "status": b.status, "reason": b.reason}


def booking_detail(user, b):
    b = selectors.booking_detail(b)
    return {**booking_row(b), "contact_name": b.contact_name, "contact_phone": b.contact_phone_masked, "note": b.note,
            "decided_at": b.decided_at, "actions": vars(policies.booking_actions(user, b))}


def _load_booking(user, booking_id):
    b = selectors.bookings(user).select_related("room__venue__org", "org").filter(pk=booking_id).first()
    if b is None:
        raise not_found()
    return b


@router.get("/room-bookings", response={200: BookingPage, **READ_ERRORS}, summary="List room bookings")
def list_bookings(request, filters: Query[BookingFiltersIn]):
    user = request.auth
    venue = None
    if filters.venue is not None:
        venue = selectors.venues(user).filter(pk=filters.venue).first()
    qs = selectors.filtered_bookings(user, selectors.BookingFilters(
        q=filters.q or "", org=_org(user, filters.org), venue=venue, status=filters.status or "",
        date_from=filters.date_from, date_to=filters.date_to))
    if filters.venue is not None and venue is None:
        qs = qs.none()
    return paginate(qs, filters, row=booking_row, load=selectors.booking_rows())


@router.get("/room-bookings/{booking_id}", response={200: BookingDetail, **READ_ERRORS},
            summary="Get a room booking")
def get_booking(request, booking_id: Id):
    user = request.auth
    return booking_detail(user, _load_booking(user, booking_id))


class BookingIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    room: Id
    org: Id = Field(description="The booking org: one where the caller may act, at or below the venue's org.")
    purpose: Text(200)
    starts_at: datetime.datetime
    ends_at: datetime.datetime = Field(description="The same day as starts_at, within the room's opening hours.")
    attendees: int = Field(ge=1, le=5000)
    contact_name: Text(40)
    contact_phone: Text(20)
    note: Text(400) = ""


@router.post("/room-bookings", response={201: BookingDetail, **WRITE_ERRORS},
             summary="Request a room booking (400 double_booking when the slot is taken)")
def create_booking(request, payload: BookingIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                        description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        require(user, policies.CHANGE, org)
        room = resolve(selectors.bookable_rooms(user, org), payload.room, field="room")
        b = services.request_booking(actor=user, room=room, org=org, purpose=payload.purpose,
                                     starts_at=payload.starts_at, ends_at=payload.ends_at,
                                     attendees=payload.attendees, contact_name=payload.contact_name,
                                     contact_phone=payload.contact_phone, note=payload.note)
        return 201, booking_detail(user, b)

    return idempotent(request, idempotency_key, payload, run, schema=BookingDetail)


class NoBody(ApiSchema):
    model_config = ConfigDict(extra="forbid")


class ReasonIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)


_booking_action = workflow_actions(router, path="/room-bookings", id_param="booking_id", load=_load_booking,
                                   render=booking_detail, response=BookingDetail, operation_prefix="booking")


@_booking_action("confirm", "Confirm a requested booking (the venue's org)", NoBody)
def confirm(user, b, p):
    """400 `double_booking` if another holding booking overlaps; 400 `already_started`."""
    services.confirm_booking(actor=user, booking=b)


@_booking_action("reject", "Reject a requested booking", ReasonIn)
def reject(user, b, p):
    services.reject_booking(actor=user, booking=b, reason=p.reason)


@_booking_action("cancel", "Cancel a booking (the booking org or the venue's)", ReasonIn)
def cancel(user, b, p):
    services.cancel_booking(actor=user, booking=b, reason=p.reason)


# --- performances -------------------------------------------------------------------------------

class PerformanceOut(ApiSchema):
    id: int
    org: Ref = Field(description="The host (the requesting union, or the district).")
    title: str
    status: PerformanceStatus
    wanted_on: datetime.date | None
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    place: str
    enterprise: Ref | None
    booking: int | None
    expected_audience: int
    audience: int | None


class PerformanceActionsOut(ApiSchema):
    schedule: bool
    decline: bool
    done: bool
    cancel: bool


class PerformanceDetail(PerformanceOut):
    programme: str
    summary: str
    reason: str
    actions: PerformanceActionsOut


class PerformancePage(PageMeta):
    items: list[PerformanceOut]


class ProgrammeFiltersIn(PageParams):
    org: Id | None = None
    status: str | None = Field(None, max_length=10)
    year: int | None = Field(None, ge=2000, le=2100)
    q: Text(60) | None = None


def performance_row(p):
    return {"id": p.pk, "org": ref(p.org), "title": p.title, "status": p.status, "wanted_on": p.wanted_on,
            "starts_at": p.starts_at, "ends_at": p.ends_at, "place": p.place, "enterprise": ref(p.enterprise),
            "booking": p.booking_id, "expected_audience": p.expected_audience, "audience": p.audience}


def performance_detail(user, p):
    p = selectors.performance_rows().get(pk=p.pk)
    return {**performance_row(p), "programme": p.programme, "summary": p.summary, "reason": p.reason,
            "actions": vars(policies.performance_actions(user, p))}


def _load_performance(user, performance_id):
    p = selectors.performances(user).select_related("org", "booking__room__venue").filter(pk=performance_id).first()
    if p is None:
        raise not_found()
    return p


def _programme_filters(user, f):
    return selectors.ProgrammeFilters(q=f.q or "", org=_org(user, f.org), status=f.status or "", year=f.year)


@router.get("/performances", response={200: PerformancePage, **READ_ERRORS}, summary="List art troupe performances")
def list_performances(request, filters: Query[ProgrammeFiltersIn]):
    user = request.auth
    return paginate(selectors.filtered_performances(user, _programme_filters(user, filters)), filters,
                    row=performance_row, load=selectors.performance_rows())


@router.get("/performances/{performance_id}", response={200: PerformanceDetail, **READ_ERRORS},
            summary="Get an art troupe performance")
def get_performance(request, performance_id: Id):
    user = request.auth
    return performance_detail(user, _load_performance(user, performance_id))


class PerformanceIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The requesting union (or town).")
    title: Text(120)
    wanted_on: datetime.date
    place: Text(200) = ""
    enterprise: Id | None = None
    expected_audience: int = Field(0, ge=0, le=100000)
    programme: Text(2000) = ""


@router.post("/performances", response={201: PerformanceDetail, **WRITE_ERRORS},
             summary="Request an art troupe performance (送文化进企业)")
def create_performance(request, payload: PerformanceIn):
    user = request.auth
    org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
    enterprise = None
    if payload.enterprise is not None:
        enterprise = resolve(Enterprise.objects.filter(union__path__startswith=org.path), payload.enterprise,
                             field="enterprise")
    p = services.request_performance(actor=user, org=org, title=payload.title, wanted_on=payload.wanted_on,
                                     place=payload.place, enterprise=enterprise,
                                     expected_audience=payload.expected_audience, programme=payload.programme)
    return 201, performance_detail(user, p)


class ScheduleIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    room: Id | None = Field(None, description="A room: booked and confirmed for the district (double-booking "
                                              "checked). Else the requested place or `place`.")
    place: Text(200) = ""
    programme: Text(2000) | None = None


class DoneIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    audience: int = Field(ge=0, le=100000)
    summary: Text(1000) = ""


_perf_action = workflow_actions(router, path="/performances", id_param="performance_id", load=_load_performance,
                                render=performance_detail, response=PerformanceDetail,
                                operation_prefix="performance")


@_perf_action("schedule", "Schedule a requested performance (district)", ScheduleIn)
def schedule(user, p, body):
    room = None
    if body.room is not None:
        room = resolve(selectors.bookable_rooms(user, policies.district_of(p.org)), body.room, field="room")
    services.schedule_performance(actor=user, performance=p, starts_at=body.starts_at, ends_at=body.ends_at,
                                  room=room, place=body.place, programme=body.programme)


@_perf_action("decline", "Decline a requested performance (district)", ReasonIn)
def decline(user, p, body):
    services.decline_performance(actor=user, performance=p, reason=body.reason)


@_perf_action("done", "Record a performance's audience", DoneIn)
def done(user, p, body):
    services.record_performance(actor=user, performance=p, audience=body.audience, summary=body.summary)


@_perf_action("cancel", "Cancel a performance", ReasonIn)
def cancel_performance(user, p, body):
    services.cancel_performance(actor=user, performance=p, reason=body.reason)


# --- screenings ---------------------------------------------------------------------------------

class ScreeningOut(ApiSchema):
    id: int
    org: Ref = Field(description="The host union or town.")
    film: str
    starts_at: datetime.datetime
    site: str
    enterprise: Ref | None
    status: ScreeningStatus
    audience: int | None
    note: str


class ScreeningPage(PageMeta):
    items: list[ScreeningOut]


def screening_row(s):
    return {"id": s.pk, "org": ref(s.org), "film": s.film, "starts_at": s.starts_at, "site": s.site,
            "enterprise": ref(s.enterprise), "status": s.status, "audience": s.audience, "note": s.note}


def _load_screening(user, screening_id):
    s = selectors.screenings(user).select_related("org", "enterprise").filter(pk=screening_id).first()
    if s is None:
        raise not_found()
    return s


def screening_detail(user, s):
    return screening_row(selectors.screening_rows().get(pk=s.pk))


@router.get("/screenings", response={200: ScreeningPage, **READ_ERRORS}, summary="List film screenings")
def list_screenings(request, filters: Query[ProgrammeFiltersIn]):
    user = request.auth
    return paginate(selectors.filtered_screenings(user, _programme_filters(user, filters)), filters,
                    row=screening_row, load=selectors.screening_rows())


@router.get("/screenings/{screening_id}", response={200: ScreeningOut, **READ_ERRORS}, summary="Get a screening")
def get_screening(request, screening_id: Id):
    user = request.auth
    return screening_row(_load_screening(user, screening_id))


class ScreeningIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id
    film: Text(120)
    starts_at: datetime.datetime
    site: Text(200) = ""
    enterprise: Id | None = None
    note: Text(400) = ""


@router.post("/screenings", response={201: ScreeningOut, **WRITE_ERRORS}, summary="Plan a film screening")
def create_screening(request, payload: ScreeningIn):
    user = request.auth
    org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
    enterprise = None
    if payload.enterprise is not None:
        enterprise = resolve(Enterprise.objects.filter(union__path__startswith=org.path), payload.enterprise,
                             field="enterprise")
    s = services.plan_screening(actor=user, org=org, film=payload.film, starts_at=payload.starts_at,
                                site=payload.site, enterprise=enterprise, note=payload.note)
    return 201, screening_row(s)


class ScreeningDoneIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    audience: int = Field(ge=0, le=100000)
    note: Text(400) = ""


_screen_action = workflow_actions(router, path="/screenings", id_param="screening_id", load=_load_screening,
                                  render=screening_detail, response=ScreeningOut, operation_prefix="screening")


@_screen_action("done", "Record a screening's audience", ScreeningDoneIn)
def screening_done(user, s, body):
    services.record_screening(actor=user, screening=s, audience=body.audience, note=body.note)


@_screen_action("cancel", "Cancel a planned screening", ReasonIn)
def screening_cancel(user, s, body):
    services.cancel_screening(actor=user, screening=s, reason=body.reason)
