"""Every write of the venues area: venues and rooms, room bookings, art-troupe performances and
film screenings, and the exports. Atomic, checked (`require`), locked, validated, audited
(`services.venue_*`, `services.room_*`, `services.booking_*`, `services.performance_*`,
`services.screening_*`).

No double booking: a booking holds its slot while REQUESTED or CONFIRMED. Requesting and
confirming lock the room row first (`lock_one(Room)`), then look for a holding booking of the room
that overlaps (`starts_at < other.ends_at and ends_at > other.starts_at`, touching slots are
fine); two concurrent requests for one room queue on that lock, so the second one sees the first.
"""

import datetime
import tempfile
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.orgs.models import Org

from ..models.venues import (
    HOLDING,
    BookingCounter,
    BookingStatus,
    Performance,
    PerformanceStatus,
    Room,
    RoomBooking,
    RoomKind,
    Screening,
    ScreeningStatus,
    Venue,
    VenueKind,
)
from ..policies.venues import APPROVE, CHANGE, EXPORT, can, district_of
from ..rules.venues import rules

BOOKING_FIELDS = ["status", "room", "org", "purpose", "starts_at", "ends_at", "attendees", "reason"]
PERFORMANCE_FIELDS = ["status", "title", "starts_at", "ends_at", "place", "booking", "audience", "reason"]
SCREENING_FIELDS = ["status", "film", "starts_at", "site", "audience", "note"]
VENUE_FIELDS = ["name", "kind", "address", "contact_phone", "is_active"]
ROOM_FIELDS = ["name", "kind", "capacity", "equipment", "is_bookable", "opens_at", "closes_at"]


def now():
    return timezone.now()


def today():
    return timezone.localdate()


def local(dt):
    return timezone.localtime(dt)


# --- helpers ----------------------------------------------------------------------------------

def _text(value, field, label, *, required=True, limit=200):
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _count(value, field, label, *, minimum=0, maximum=100000):
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("%(label)s is a whole number.") % {"label": label}, code="bad_number",
                          field=field) from None
    if not minimum <= n <= maximum:
        raise DomainError(_("%(label)s is between %(min)s and %(max)s.") % {"label": label, "min": minimum,
                                                                             "max": maximum},
                          code="out_of_range", field=field)
    return n


def _wrong_stage(x):
    return DomainError(_("This step cannot be recorded now: the record is “%(status)s”.")
                       % {"status": x.get_status_display()}, code="wrong_stage")


def _record(actor, action, obj, org, before, fields, **extra):
    b, a = audit.changed(before, audit.snapshot(obj, fields=fields))
    audit.record(actor=actor, action=action, obj=obj, org=org, before=b, after={**a, **extra})


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _choice(value, choices, field):
    if value not in choices.values:
        raise DomainError(_("Choose a value from the list."), code="bad_choice", field=field)
    return value


def _phone(value, field="contact_phone", *, required=True):
    value = _text(value, field, _("The phone number"), required=required, limit=20)
    if value and not all(c.isdigit() or c in "-+ " for c in value):
        raise DomainError(_("The phone number has digits and dashes only."), code="bad_phone", field=field)
    return value


def _aware(value, field, label):
    if value is None:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not datetime.date(2000, 1, 1) <= local(value).date() <= datetime.date(2100, 12, 31):
        raise DomainError(_("%(label)s is out of range.") % {"label": label}, code="bad_date", field=field)
    return value


def fmt(dt):
    return local(dt).strftime("%Y-%m-%d %H:%M")


# --- venues and rooms -------------------------------------------------------------------------

@transaction.atomic
def create_venue(*, actor, org, name, address, kind=VenueKind.OTHER, contact_phone="", description="") -> Venue:
    require(actor, CHANGE, org)
    v = Venue(org=org, kind=_choice(kind, VenueKind, "kind"), name=_text(name, "name", _("The name"), limit=80),
              address=_text(address, "address", _("The address")),
              contact_phone=_phone(contact_phone, required=False),
              description=_text(description, "description", _("The description"), required=False, limit=2000))
    if Venue.objects.filter(name=v.name).exists():
        raise DomainError(_("A venue with this name already exists."), code="duplicate_name", field="name")
    v.save()
    audit.record(actor=actor, action="services.venue_create", obj=v, org=org,
                 after=audit.snapshot(v, fields=VENUE_FIELDS))
    return v


@transaction.atomic
def update_venue(*, actor, venue, name, address, kind, contact_phone="", description="", is_active=True) -> Venue:
    require(actor, CHANGE, venue.org)
    v = lock_one(Venue, venue.pk)
    before = audit.snapshot(v, fields=VENUE_FIELDS)
    v.name = _text(name, "name", _("The name"), limit=80)
    if Venue.objects.filter(name=v.name).exclude(pk=v.pk).exists():
        raise DomainError(_("A venue with this name already exists."), code="duplicate_name", field="name")
    v.kind, v.address = _choice(kind, VenueKind, "kind"), _text(address, "address", _("The address"))
    v.contact_phone = _phone(contact_phone, required=False)
    v.description = _text(description, "description", _("The description"), required=False, limit=2000)
    v.is_active = bool(is_active)
    v.save()
    _record(actor, "services.venue_update", v, v.org, before, VENUE_FIELDS)
    return v


def _room_values(*, name, kind, capacity, equipment, is_bookable, opens_at, closes_at):
    if opens_at is None or closes_at is None:
        raise DomainError(_("Give the opening hours."), code="required", field="opens_at")
    if closes_at <= opens_at:
        raise DomainError(_("The room must close after it opens."), code="hours_order", field="closes_at")
    return {"name": _text(name, "name", _("The name"), limit=60), "kind": _choice(kind, RoomKind, "kind"),
            "capacity": _count(capacity, "capacity", pgettext("venues", "The capacity"), minimum=1, maximum=5000),
            "equipment": _text(equipment, "equipment", _("The equipment"), required=False, limit=300),
            "is_bookable": bool(is_bookable), "opens_at": opens_at, "closes_at": closes_at}


@transaction.atomic
def create_room(*, actor, venue, name, capacity, kind=RoomKind.MEETING, equipment="", is_bookable=True,
                opens_at=datetime.time(8, 0), closes_at=datetime.time(21, 0)) -> Room:
    require(actor, CHANGE, venue.org)
    values = _room_values(name=name, kind=kind, capacity=capacity, equipment=equipment, is_bookable=is_bookable,
                          opens_at=opens_at, closes_at=closes_at)
    lock_one(Venue, venue.pk)
    if Room.objects.filter(venue=venue, name=values["name"]).exists():
        raise DomainError(_("This venue already has a room with this name."), code="duplicate_name", field="name")
    room = Room.objects.create(venue=venue, **values)
    audit.record(actor=actor, action="services.room_create", obj=room, org=venue.org,
                 after=audit.snapshot(room, fields=ROOM_FIELDS))
    return room


def _fits_held_bookings(room, values):
    """Smaller capacity or shorter hours may not strand a booking still to come (cancel it first)."""
    for b in room.bookings.filter(status__in=HOLDING, ends_at__gt=now()).select_related("org").order_by("starts_at"):
        s, e = local(b.starts_at), local(b.ends_at)
        if b.attendees > values["capacity"]:
            field = "capacity"
        elif s.time() < values["opens_at"] or e.time() > values["closes_at"]:
            field = "opens_at"
        else:
            continue
        raise DomainError(_("Booking %(number)s (%(org)s, %(start)s–%(end)s, %(n)s people) would no longer fit; "
                            "cancel or move it first.")
                          % {"number": b.number, "org": b.org.name, "start": fmt(b.starts_at),
                             "end": f"{e:%H:%M}", "n": b.attendees}, code="strands_booking", field=field)


@transaction.atomic
def update_room(*, actor, room, name, capacity, kind, equipment="", is_bookable=True, opens_at=None,
                closes_at=None) -> Room:
    require(actor, CHANGE, room.venue.org)
    r = lock_one(Room, room.pk)
    before = audit.snapshot(r, fields=ROOM_FIELDS)
    values = _room_values(name=name, kind=kind, capacity=capacity, equipment=equipment, is_bookable=is_bookable,
                          opens_at=opens_at, closes_at=closes_at)
    if Room.objects.filter(venue_id=r.venue_id, name=values["name"]).exclude(pk=r.pk).exists():
        raise DomainError(_("This venue already has a room with this name."), code="duplicate_name", field="name")
    _fits_held_bookings(r, values)
    for k, v in values.items():
        setattr(r, k, v)
    r.save()
    _record(actor, "services.room_update", r, room.venue.org, before, ROOM_FIELDS)
    return r


# --- bookings ---------------------------------------------------------------------------------

def _next_number(year):
    BookingCounter.objects.get_or_create(year=year)
    counter = BookingCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"CD{year}-{counter.last:04d}"


def overlapping(room, starts_at, ends_at, *, exclude=None, statuses=HOLDING):
    qs = RoomBooking.objects.filter(room=room, status__in=statuses, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.select_related("org").order_by("starts_at").first()


def _no_overlap(room, starts_at, ends_at, *, exclude=None, statuses=HOLDING):
    other = overlapping(room, starts_at, ends_at, exclude=exclude, statuses=statuses)
    if other is not None:
        raise DomainError(_("%(room)s is already booked from %(start)s to %(end)s by %(org)s (booking %(number)s, "
                            "%(status)s); choose another time or room.")
                          % {"room": room.name, "start": fmt(other.starts_at), "end": fmt(other.ends_at),
                             "org": other.org.name, "number": other.number, "status": other.get_status_display()},
                          code="double_booking", field="starts_at")


def check_slot(room, starts_at, ends_at, *, attendees=None, on=None):
    """The rules of a slot of a room (not the overlap): bookable, future, within a day and the
    opening hours, long enough, not too far ahead, attendees within the capacity."""
    r = rules()
    moment = on or now()
    starts_at = _aware(starts_at, "starts_at", _("The start"))
    ends_at = _aware(ends_at, "ends_at", _("The end"))
    if not room.is_bookable or not room.venue.is_active:
        raise DomainError(_("%(room)s cannot be booked at present.") % {"room": room}, code="room_not_bookable",
                          field="room")
    if ends_at <= starts_at:
        raise DomainError(_("The end must be after the start."), code="date_order", field="ends_at")
    if starts_at <= moment:
        raise DomainError(_("The start is in the past; book a future time."), code="in_the_past", field="starts_at")
    if local(starts_at).date() > today() + datetime.timedelta(days=r.max_days_ahead):
        raise DomainError(_("A room is booked at most %(n)s days ahead.") % {"n": r.max_days_ahead},
                          code="too_far_ahead", field="starts_at")
    s, e = local(starts_at), local(ends_at)
    if s.date() != e.date():
        raise DomainError(_("A booking starts and ends on the same day; book each day separately."),
                          code="several_days", field="ends_at")
    if (ends_at - starts_at) < datetime.timedelta(minutes=r.min_minutes):
        raise DomainError(_("A booking lasts at least %(n)s minutes.") % {"n": r.min_minutes}, code="too_short",
                          field="ends_at")
    if s.time() < room.opens_at or e.time() > room.closes_at:
        raise DomainError(_("%(room)s is open from %(open)s to %(close)s.")
                          % {"room": room.name, "open": room.opens_at.strftime("%H:%M"),
                             "close": room.closes_at.strftime("%H:%M")}, code="outside_hours", field="starts_at")
    if attendees is not None and attendees > room.capacity:
        raise DomainError(_("%(room)s holds %(n)s people; %(m)s is too many.")
                          % {"room": room.name, "n": room.capacity, "m": attendees}, code="over_capacity",
                          field="attendees")
    return starts_at, ends_at


@transaction.atomic
def request_booking(*, actor, room, org, purpose, starts_at, ends_at, attendees, contact_name, contact_phone,
                    note="") -> RoomBooking:
    """A booking request of `org` (a union, or a town/the district) for a slot of a room of a venue
    run by `org` or an org above it."""
    require(actor, CHANGE, org)
    purpose = _text(purpose, "purpose", _("The purpose"))
    attendees = _count(attendees, "attendees", _("The number of attendees"), minimum=1, maximum=5000)
    contact_name = _text(contact_name, "contact_name", _("The contact"), limit=40)
    contact_phone = _phone(contact_phone)
    note = _text(note, "note", _("The note"), required=False, limit=400)
    room = lock_one(Room, room.pk)
    venue = Venue.objects.select_related("org").get(pk=room.venue_id)
    room.venue = venue
    if not org.path.startswith(venue.org.path):
        raise DomainError(_("%(venue)s takes bookings from %(org)s and the unions below it only.")
                          % {"venue": venue.name, "org": venue.org.name}, code="room_not_open_to_org", field="room")
    starts_at, ends_at = check_slot(room, starts_at, ends_at, attendees=attendees)
    _no_overlap(room, starts_at, ends_at)
    b = RoomBooking(number=_next_number(local(starts_at).year), room=room, org=org, purpose=purpose,
                    starts_at=starts_at, ends_at=ends_at, attendees=attendees, contact_name=contact_name, note=note,
                    created_by=_user(actor))
    b.set_contact_phone(contact_phone)
    b.save(force_insert=True)
    audit.record(actor=actor, action="services.booking_request", obj=b, org=org,
                 after={**audit.snapshot(b, fields=BOOKING_FIELDS), "number": b.number})
    return b


def _locked_booking(booking):
    """The booking locked after its room (the order every booking write takes)."""
    room = lock_one(Room, booking.room_id)
    b = lock_one(RoomBooking, booking.pk)
    b.room = room
    room.venue = Venue.objects.select_related("org").get(pk=room.venue_id)
    return b


@transaction.atomic
def confirm_booking(*, actor, booking) -> RoomBooking:
    require(actor, APPROVE, booking.room.venue.org)
    b = _locked_booking(booking)
    if b.status != BookingStatus.REQUESTED:
        raise _wrong_stage(b)
    if b.starts_at <= now():
        raise DomainError(_("The slot has already started; it can only be rejected or cancelled."),
                          code="already_started")
    # Requests never overlap (checked at request time, under the same lock); against rows written
    # before that rule (or by hand), the confirmed one wins.
    _no_overlap(b.room, b.starts_at, b.ends_at, exclude=b.pk, statuses=[BookingStatus.CONFIRMED])
    before = audit.snapshot(b, fields=BOOKING_FIELDS)
    b.status, b.decided_at, b.decided_by = BookingStatus.CONFIRMED, now(), _user(actor)
    b.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    _record(actor, "services.booking_confirm", b, b.org, before, BOOKING_FIELDS)
    return b


@transaction.atomic
def reject_booking(*, actor, booking, reason) -> RoomBooking:
    require(actor, APPROVE, booking.room.venue.org)
    reason = _text(reason, "reason", _("The reason"), limit=400)
    b = _locked_booking(booking)
    if b.status != BookingStatus.REQUESTED:
        raise _wrong_stage(b)
    before = audit.snapshot(b, fields=BOOKING_FIELDS)
    b.status, b.reason, b.decided_at, b.decided_by = BookingStatus.REJECTED, reason, now(), _user(actor)
    b.save(update_fields=["status", "reason", "decided_at", "decided_by", "updated_at"])
    _record(actor, "services.booking_reject", b, b.org, before, BOOKING_FIELDS)
    return b


@transaction.atomic
def cancel_booking(*, actor, booking, reason) -> RoomBooking:
    """By the booking org (`services.change`) or the venue's (`services.approve`), before it ends."""
    if not (can(actor, CHANGE, booking.org) or can(actor, APPROVE, booking.room.venue.org)):
        require(actor, APPROVE, booking.room.venue.org)
    reason = _text(reason, "reason", _("The reason"), limit=400)
    b = _locked_booking(booking)
    if b.status not in HOLDING:
        raise _wrong_stage(b)
    if b.ends_at <= now():
        raise DomainError(_("The booking is over; it cannot be cancelled any more."), code="already_over")
    before = audit.snapshot(b, fields=BOOKING_FIELDS)
    b.status, b.reason = BookingStatus.CANCELLED, reason
    b.save(update_fields=["status", "reason", "updated_at"])
    _record(actor, "services.booking_cancel", b, b.org, before, BOOKING_FIELDS)
    return b


# --- performances -----------------------------------------------------------------------------

@transaction.atomic
def request_performance(*, actor, org, title, wanted_on, place="", enterprise=None, expected_audience=0,
                        programme="") -> Performance:
    """送文化进企业: a union (or a town) asks the art troupe for a show at its enterprise or a place."""
    require(actor, CHANGE, org)
    title = _text(title, "title", _("The title"), limit=120)
    if wanted_on is None:
        raise DomainError(_("%(label)s is required.") % {"label": _("The wanted date")}, code="required",
                          field="wanted_on")
    if wanted_on < today():
        raise DomainError(_("The wanted date is in the past."), code="in_the_past", field="wanted_on")
    if wanted_on > today() + datetime.timedelta(days=365):
        raise DomainError(_("The wanted date is more than a year ahead."), code="too_far_ahead", field="wanted_on")
    place = _text(place, "place", _("The place"), required=False)
    if enterprise is not None and not (enterprise.union_id and enterprise.union.path.startswith(org.path)):
        raise DomainError(_("Choose an enterprise of %(org)s.") % {"org": org.name}, code="enterprise_not_of_org",
                          field="enterprise")
    if enterprise is None and not place:
        raise DomainError(_("Give the enterprise or the place of the show."), code="required", field="place")
    p = Performance.objects.create(
        org=org, title=title, wanted_on=wanted_on, place=place, enterprise=enterprise,
        expected_audience=_count(expected_audience, "expected_audience", _("The expected audience")),
        programme=_text(programme, "programme", _("The programme"), required=False, limit=2000),
        created_by=_user(actor))
    audit.record(actor=actor, action="services.performance_request", obj=p, org=org,
                 after=audit.snapshot(p, fields=PERFORMANCE_FIELDS))
    return p


@transaction.atomic
def schedule_performance(*, actor, performance, starts_at, ends_at, room=None, place="", programme=None,
                         contact_name="", contact_phone="") -> Performance:
    """The district schedules a requested show: at a room of a venue (a CONFIRMED booking of the
    district is made, with the double-booking check) or at the requested/given outside place."""
    require(actor, APPROVE, district_of(performance.org))
    p = lock_one(Performance, performance.pk)
    if p.status != PerformanceStatus.REQUESTED:
        raise _wrong_stage(p)
    starts_at = _aware(starts_at, "starts_at", _("The start"))
    ends_at = _aware(ends_at, "ends_at", _("The end"))
    if ends_at <= starts_at:
        raise DomainError(_("The end must be after the start."), code="date_order", field="ends_at")
    if starts_at <= now():
        raise DomainError(_("The start is in the past; schedule a future time."), code="in_the_past",
                          field="starts_at")
    before = audit.snapshot(p, fields=PERFORMANCE_FIELDS)
    if programme is not None:
        p.programme = _text(programme, "programme", _("The programme"), required=False, limit=2000)
    place = _text(place, "place", _("The place"), required=False)
    if room is not None:
        district = district_of(p.org)
        b = request_booking(actor=actor, room=room, org=district, purpose=_("Art troupe: %(title)s")
                            % {"title": p.title}, starts_at=starts_at, ends_at=ends_at,
                            attendees=min(max(p.expected_audience, 1), room.capacity),
                            contact_name=contact_name or (getattr(actor, "username", "") or "-"),
                            contact_phone=contact_phone or "0")
        b = confirm_booking(actor=actor, booking=b)
        p.booking = b
    elif place:
        p.place = place
    elif not p.place and not p.enterprise_id:
        raise DomainError(_("Choose a room or give the place of the show."), code="required", field="place")
    p.starts_at, p.ends_at, p.status = starts_at, ends_at, PerformanceStatus.SCHEDULED
    p.save()
    _record(actor, "services.performance_schedule", p, p.org, before, PERFORMANCE_FIELDS)
    return p


@transaction.atomic
def decline_performance(*, actor, performance, reason) -> Performance:
    require(actor, APPROVE, district_of(performance.org))
    reason = _text(reason, "reason", _("The reason"), limit=400)
    p = lock_one(Performance, performance.pk)
    if p.status != PerformanceStatus.REQUESTED:
        raise _wrong_stage(p)
    before = audit.snapshot(p, fields=PERFORMANCE_FIELDS)
    p.status, p.reason = PerformanceStatus.REJECTED, reason
    p.save(update_fields=["status", "reason", "updated_at"])
    _record(actor, "services.performance_decline", p, p.org, before, PERFORMANCE_FIELDS)
    return p


@transaction.atomic
def cancel_performance(*, actor, performance, reason) -> Performance:
    """A request by its union or the district; a scheduled show by the district (its booking is
    cancelled with it)."""
    district = district_of(performance.org)
    if performance.status == PerformanceStatus.SCHEDULED:
        require(actor, APPROVE, district)
    elif not can(actor, APPROVE, district):
        require(actor, CHANGE, performance.org)
    reason = _text(reason, "reason", _("The reason"), limit=400)
    p = lock_one(Performance, performance.pk)
    if p.status not in (PerformanceStatus.REQUESTED, PerformanceStatus.SCHEDULED):
        raise _wrong_stage(p)
    before = audit.snapshot(p, fields=PERFORMANCE_FIELDS)
    if p.booking_id and p.booking.status in HOLDING and p.booking.ends_at > now():
        cancel_booking(actor=actor, booking=p.booking, reason=reason)
    p.status, p.reason = PerformanceStatus.CANCELLED, reason
    p.save(update_fields=["status", "reason", "updated_at"])
    _record(actor, "services.performance_cancel", p, p.org, before, PERFORMANCE_FIELDS)
    return p


@transaction.atomic
def record_performance(*, actor, performance, audience, summary="") -> Performance:
    require(actor, CHANGE, performance.org)
    p = lock_one(Performance, performance.pk)
    if p.status != PerformanceStatus.SCHEDULED:
        raise _wrong_stage(p)
    if p.starts_at > now():
        raise DomainError(_("The show has not started yet; record the audience afterwards."), code="not_started",
                          field="audience")
    before = audit.snapshot(p, fields=PERFORMANCE_FIELDS)
    p.audience = _count(audience, "audience", _("The audience"), minimum=0, maximum=100000)
    p.summary = _text(summary, "summary", _("The summary"), required=False, limit=1000)
    p.status = PerformanceStatus.DONE
    p.save(update_fields=["audience", "summary", "status", "updated_at"])
    _record(actor, "services.performance_done", p, p.org, before, PERFORMANCE_FIELDS)
    return p


# --- screenings -------------------------------------------------------------------------------

@transaction.atomic
def plan_screening(*, actor, org, film, starts_at, site="", enterprise=None, note="") -> Screening:
    require(actor, CHANGE, org)
    film = _text(film, "film", _("The film"), limit=120)
    starts_at = _aware(starts_at, "starts_at", _("The start"))
    if local(starts_at).date() < today():
        raise DomainError(_("The screening day is in the past."), code="in_the_past", field="starts_at")
    if enterprise is not None and not (enterprise.union_id and enterprise.union.path.startswith(org.path)):
        raise DomainError(_("Choose an enterprise of %(org)s.") % {"org": org.name}, code="enterprise_not_of_org",
                          field="enterprise")
    site = _text(site, "site", _("The site"), required=enterprise is None)
    if not site:
        site = enterprise.name
    s = Screening.objects.create(org=org, film=film, starts_at=starts_at, site=site, enterprise=enterprise,
                                 note=_text(note, "note", _("The note"), required=False, limit=400),
                                 created_by=_user(actor))
    audit.record(actor=actor, action="services.screening_plan", obj=s, org=org,
                 after=audit.snapshot(s, fields=SCREENING_FIELDS))
    return s


@transaction.atomic
def record_screening(*, actor, screening, audience, note="") -> Screening:
    require(actor, CHANGE, screening.org)
    s = lock_one(Screening, screening.pk)
    if s.status != ScreeningStatus.PLANNED:
        raise _wrong_stage(s)
    if s.starts_at > now():
        raise DomainError(_("The film has not been shown yet; record the audience afterwards."),
                          code="not_started", field="audience")
    before = audit.snapshot(s, fields=SCREENING_FIELDS)
    s.audience = _count(audience, "audience", _("The audience"), minimum=0, maximum=100000)
    if note:
        s.note = _text(note, "note", _("The note"), required=False, limit=400)
    s.status = ScreeningStatus.SHOWN
    s.save(update_fields=["audience", "note", "status", "updated_at"])
    _record(actor, "services.screening_done", s, s.org, before, SCREENING_FIELDS)
    return s


@transaction.atomic
def cancel_screening(*, actor, screening, reason) -> Screening:
    require(actor, CHANGE, screening.org)
    reason = _text(reason, "reason", _("The reason"), limit=400)
    s = lock_one(Screening, screening.pk)
    if s.status != ScreeningStatus.PLANNED:
        raise _wrong_stage(s)
    before = audit.snapshot(s, fields=SCREENING_FIELDS)
    s.status, s.note = ScreeningStatus.CANCELLED, reason
    s.save(update_fields=["status", "note", "updated_at"])
    _record(actor, "services.screening_cancel", s, s.org, before, SCREENING_FIELDS)
    return s


# --- exports ----------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return self.pk


def _export_places(actor, org):
    if org is not None:
        return [org]
    if actor.is_superuser:
        return list(Org.objects.filter(depth=1))
    return list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)))


def _export(actor, filters, *, title, object_type, action, headers, widths, rows):
    from gonghui.core.excel import XlsxStream

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    n = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(title, headers=headers, widths=widths)
        for row in rows:
            sheet.append(row)
            n += 1
    ref = uuid.uuid4().hex
    for place in _export_places(actor, filters.org) or [None]:
        audit.record(actor=actor, action=action, obj=_ExportRef(ref), object_type=object_type, org=place,
                     after={"filters": {k: str(v) for k, v in vars(filters).items() if v not in (None, "")},
                            "rows": n})
    handle.seek(0)
    return handle, n


def export_venues(*, actor, filters):
    """The filtered venues the actor may see, one row per room (a venue without rooms: one row)."""
    from ..selectors.venues import filtered_venues

    qs = filtered_venues(actor, filters).select_related("org").prefetch_related("rooms").order_by("name", "id")
    rows = ([v.name, str(v.get_kind_display()), v.org.name, v.address, v.contact_phone,
             _("Yes") if v.is_active else _("No"), r.name if r else "", str(r.get_kind_display()) if r else "",
             r.capacity if r else "", r.equipment if r else "",
             f"{r.opens_at:%H:%M}–{r.closes_at:%H:%M}" if r else "", (_("Yes") if r.is_bookable else _("No")) if r
             else ""]
            for v in qs.iterator(chunk_size=500) for r in (list(v.rooms.all()) or [None]))
    return _export(actor, filters, title=_("Venues and rooms"), object_type="services.VenueExport",
                   action="services.venue_export",
                   headers=[pgettext("venues", "Venue"), _("Kind"), pgettext("venues", "Run by"), _("Address"),
                            _("Contact phone"), _("In use"), _("Room"), _("Kind"), pgettext("venues", "Capacity"),
                            _("Equipment"), _("Opening hours"), _("Bookable")],
                   widths=[24, 14, 24, 30, 14, 6, 16, 12, 8, 24, 12, 6], rows=rows)


def export_bookings(*, actor, filters):
    from ..selectors.venues import filtered_bookings

    exportable = RoomBooking.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_bookings(actor, filters).filter(pk__in=exportable).order_by("starts_at", "id")
          .select_related("room__venue", "org"))
    rows = ([b.number, b.room.venue.name, b.room.name, b.org.name, b.purpose, fmt(b.starts_at), fmt(b.ends_at),
             b.attendees, b.contact_name, b.contact_phone_masked, str(b.get_status_display()), b.reason]
            for b in qs.iterator(chunk_size=1000))
    return _export(actor, filters, title=_("Room bookings"), object_type="services.RoomBookingExport",
                   action="services.booking_export",
                   headers=[pgettext("venues", "Number"), pgettext("venues", "Venue"),
                            _("Room"), _("Booked by"), _("Purpose"), _("Starts at"),
                            _("Ends at"), _("Attendees"), _("Contact"), _("Contact phone"), _("Status"),
                            _("Reason")],
                   widths=[14, 24, 16, 28, 30, 17, 17, 8, 10, 14, 10, 30], rows=rows)


def export_performances(*, actor, filters):
    from ..selectors.venues import filtered_performances

    exportable = Performance.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_performances(actor, filters).filter(pk__in=exportable).order_by("-id")
          .select_related("org", "enterprise", "booking__room__venue"))
    rows = ([p.title, p.org.name, p.where, p.wanted_on, fmt(p.starts_at) if p.starts_at else "",
             str(p.get_status_display()), p.expected_audience, p.audience if p.audience is not None else "",
             p.reason] for p in qs.iterator(chunk_size=1000))
    return _export(actor, filters, title=_("Art troupe performances"), object_type="services.PerformanceExport",
                   action="services.performance_export",
                   headers=[pgettext("venues", "Title"),
                            _("Host"), _("Place"), _("Wanted on"), _("Starts at"), _("Status"),
                            _("Expected audience"), _("Audience"), _("Reason")],
                   widths=[28, 28, 30, 12, 17, 10, 10, 10, 30], rows=rows)


def export_screenings(*, actor, filters):
    from ..selectors.venues import filtered_screenings

    exportable = Screening.objects.visible_to(actor, EXPORT).values("pk")
    qs = filtered_screenings(actor, filters).filter(pk__in=exportable).order_by("-id").select_related("org")
    rows = ([s.film, s.org.name, s.site, fmt(s.starts_at), str(s.get_status_display()),
             s.audience if s.audience is not None else "", s.note] for s in qs.iterator(chunk_size=1000))
    return _export(actor, filters, title=_("Film screenings"), object_type="services.ScreeningExport",
                   action="services.screening_export",
                   headers=[_("Film"), _("Host"), _("Site"), _("Starts at"), _("Status"), _("Audience"), _("Note")],
                   widths=[24, 28, 30, 17, 10, 10, 30], rows=rows)
