"""Every write of events. Atomic, checked (`require`), locked, validated, audited
(`services.event_*`).

Registration (`register`, `register_members`, `register_self`) locks the event row first, so
concurrent registrations queue up: while places are free a person is REGISTERED; then, while the
waiting list has room (`Event.waitlist_limit`, 0 = no list), WAITLISTED at the next place (1, 2, 3…
without gaps); then the event is full and the request is refused. A bulk registration by a union
is all or nothing: one refused person refuses the whole request with one line per refused person.

Eligibility of each person: the event is PUBLISHED, today is inside its registration window and
the event has not started; the person is a live member whose union is inside the organiser's
subtree (a district event is open to every union); not already registered.

Cancelling frees the place: it goes to the first of the waiting list (automatic promotion, in
order) and everyone behind a cancelled waiting place moves up one. Raising the capacity promotes
the same way.

Check-in: the event's QR code carries a signed token keyed with the event's `checkin_token`
(rotating it invalidates every code shown before); a registered member opening it inside the
check-in window is checked in once. The organiser can check people in on the list as well.
"""

import datetime
import hashlib
import hmac
import secrets
import tempfile
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock, lock_one
from gonghui.core.policies import require
from gonghui.core.uploads import validate_document
from gonghui.members.models import LIVE_STATUSES as LIVE_MEMBERSHIP
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import OrgLevel

from ..models.events import (
    LIVE_STATUSES,
    CheckinMethod,
    Event,
    EventKind,
    EventPhoto,
    EventStatus,
    Registration,
    RegistrationChannel,
    RegistrationStatus,
)
from ..policies.events import CANCELLABLE, CHANGE, EDITABLE, EXPORT, RUNNING, STEPS
from ..rules.events import rules

CHECKIN_SALT = "services.events.checkin"
EVENT_FIELDS = ["title", "kind", "description", "venue", "place", "starts_at", "ends_at", "reg_opens_on",
                "reg_closes_on", "capacity", "waitlist_limit", "status", "cancel_reason"]
REG_FIELDS = ["status", "waitlist_position", "channel", "promoted_at", "cancelled_at", "cancel_reason",
              "checked_in_at", "checkin_method"]
_OFFSET = 1_000_000


def now():
    return timezone.now()


def today():
    return timezone.localdate()


def _snap(x, fields):
    return audit.snapshot(x, fields=fields)


def _in_subtree(org, root) -> bool:
    return org is not None and root is not None and org.path.startswith(root.path)


# --- events -----------------------------------------------------------------------------------------

def clean_event_data(data: dict) -> dict:
    """Check the event's fields (a dict as the form or the API gives them); DomainError naming the
    field otherwise."""
    title = (data.get("title") or "").strip()
    if not title:
        raise DomainError(_("Enter the event's title."), code="required", field="title")
    if len(title) > 120:
        raise DomainError(_("The title is longer than %(n)s characters.") % {"n": 120}, code="too_long",
                          field="title")
    if data.get("kind") not in EventKind.values:
        raise DomainError(_("Choose the kind of event."), code="invalid", field="kind")
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not starts:
        raise DomainError(_("Enter when the event starts."), code="required", field="starts_at")
    if not ends:
        raise DomainError(_("Enter when the event ends."), code="required", field="ends_at")
    if ends <= starts:
        raise DomainError(_("The event must end after it starts."), code="end_before_start", field="ends_at")
    if not 2000 <= timezone.localtime(starts).year <= 2100:
        raise DomainError(_("The start date is out of range."), code="out_of_range", field="starts_at")
    if ends - starts > datetime.timedelta(days=31):
        raise DomainError(_("An event lasts at most 31 days."), code="too_long", field="ends_at")
    opens, closes = data.get("reg_opens_on"), data.get("reg_closes_on")
    if opens and closes and closes < opens:
        raise DomainError(_("Registration cannot close before it opens."), code="window", field="reg_closes_on")
    if closes and closes > timezone.localtime(starts).date():
        raise DomainError(_("Registration must close on or before the day the event starts."), code="window",
                          field="reg_closes_on")
    capacity = data.get("capacity")
    if capacity is None or capacity < 1 or capacity > 100000:
        raise DomainError(_("The capacity must be between 1 and 100000."), code="invalid", field="capacity")
    waiting = data.get("waitlist_limit") or 0
    if waiting < 0 or waiting > 100000:
        raise DomainError(_("The waiting list limit must be between 0 and 100000."), code="invalid",
                          field="waitlist_limit")
    venue = data.get("venue")
    place = (data.get("place") or "").strip()
    if venue is not None and not venue.is_active:
        raise DomainError(_("The venue “%(venue)s” is no longer in use.") % {"venue": venue.name}, code="invalid",
                          field="venue")
    if venue is None and not place:
        raise DomainError(_("Choose a venue or enter the place."), code="required", field="place")
    return {"title": title, "kind": data["kind"], "description": (data.get("description") or "").strip()[:4000],
            "venue": venue, "place": place[:200], "starts_at": starts, "ends_at": ends, "reg_opens_on": opens,
            "reg_closes_on": closes, "capacity": capacity, "waitlist_limit": waiting}


@transaction.atomic
def create_event(*, actor, org, data: dict) -> Event:
    """A DRAFT event organised by `org` (`services.change` on it)."""
    if org is None:
        raise DomainError(_("Choose the organiser."), code="required", field="org")
    require(actor, CHANGE, org)
    if org.level == OrgLevel.GROUP or not org.is_active:
        raise DomainError(_("Events are organised by the district, a town or a union."), code="invalid", field="org")
    clean = clean_event_data(data)
    town = None if org.level == OrgLevel.DISTRICT else org.town()
    event = Event.objects.create(org=org, town=town, created_by=actor if getattr(actor, "pk", None) else None,
                                 **clean)
    audit.record(actor=actor, action="services.event_create", obj=event, org=org,
                 after=_snap(event, EVENT_FIELDS))
    return event


@transaction.atomic
def update_event(*, actor, event, data: dict) -> Event:
    """Edit an event that is not finished or cancelled. The capacity cannot fall below the places
    taken; a larger capacity promotes from the waiting list."""
    require(actor, CHANGE, event.org)
    event = lock_one(Event, event.pk)
    if event.status not in EDITABLE:
        raise DomainError(_("An event that is “%(status)s” cannot be changed.")
                          % {"status": event.get_status_display()}, code="wrong_stage")
    clean = clean_event_data(data)
    seats = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()
    if clean["capacity"] < seats:
        raise DomainError(_("%(n)s people are already registered: the capacity cannot be less.") % {"n": seats},
                          code="below_taken", field="capacity")
    waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).count()
    if clean["waitlist_limit"] < waiting and clean["capacity"] - seats + clean["waitlist_limit"] < waiting:
        raise DomainError(_("%(n)s people are on the waiting list: the limit cannot be less.") % {"n": waiting},
                          code="below_taken", field="waitlist_limit")
    before = _snap(event, EVENT_FIELDS)
    for k, v in clean.items():
        setattr(event, k, v)
    event.save()
    b, a = audit.changed(before, _snap(event, EVENT_FIELDS))
    if a:
        audit.record(actor=actor, action="services.event_update", obj=event, org=event.org, before=b, after=a)
    _promote(actor, event)
    return event


TARGET = {"publish": EventStatus.PUBLISHED, "close": EventStatus.CLOSED, "reopen": EventStatus.PUBLISHED,
          "finish": EventStatus.FINISHED, "cancel": EventStatus.CANCELLED}


@transaction.atomic
def step(*, actor, event, name, reason="") -> Event:
    """A workflow step of the event: publish, close, reopen, finish or cancel (with a reason; every
    live place is cancelled). Only the steps of `policies.events.STEPS` for its status."""
    require(actor, CHANGE, event.org)
    event = lock_one(Event, event.pk)
    if name not in STEPS.get(event.status, ()):
        raise DomainError(_("This step is not possible: the event is “%(status)s”.")
                          % {"status": event.get_status_display()}, code="wrong_stage")
    reason = (reason or "").strip()
    if name == "cancel" and not reason:
        raise DomainError(_("Give the reason for cancelling the event."), code="required", field="reason")
    if len(reason) > 400:
        raise DomainError(_("The reason is longer than %(n)s characters.") % {"n": 400}, code="too_long",
                          field="reason")
    if name == "finish" and event.starts_at > now():
        raise DomainError(_("The event has not started yet: it cannot be finished."), code="not_started")
    if name == "reopen" and event.starts_at <= now():
        raise DomainError(_("The event has started: registration cannot reopen."), code="started")
    before = _snap(event, EVENT_FIELDS)
    event.status = TARGET[name]
    if name == "cancel":
        event.cancel_reason = reason
    event.save(update_fields=["status", "cancel_reason", "updated_at"])
    b, a = audit.changed(before, _snap(event, EVENT_FIELDS))
    audit.record(actor=actor, action=f"services.event_{name}", obj=event, org=event.org, before=b, after=a)
    if name == "cancel":
        _cancel_all(actor, event, reason)
    return event


def _cancel_all(actor, event, reason):
    rows = list(Registration.objects.select_for_update().filter(event=event, status__in=LIVE_STATUSES).order_by("pk"))
    at = now()
    text = (_("The event was cancelled: %(reason)s") % {"reason": reason})[:400]
    for x in rows:
        x.status, x.waitlist_position, x.cancelled_at, x.cancel_reason, x.updated_at = (
            RegistrationStatus.CANCELLED, None, at, text, at)
    Registration.objects.bulk_update(rows, ["status", "waitlist_position", "cancelled_at", "cancel_reason",
                                            "updated_at"])
    if rows:
        audit.record(actor=actor, action="services.event_registrations_cancelled", obj=event, org=event.org,
                     after={"cancelled": len(rows)})


# --- registration -------------------------------------------------------------------------------------

@dataclass
class Refusal:
    code: str
    message: str
    field: str = "person"

    def error(self):
        return DomainError(self.message, code=self.code, field=self.field)


class RegistrationRowsError(DomainError):
    """A bulk registration refused as a whole: `rows` = [{"person", "name", "code", "message"}]."""

    def __init__(self, rows):
        self.rows = rows
        text = "; ".join(f"{r['name']}: {r['message']}" for r in rows[:20]) + (" …" if len(rows) > 20 else "")
        super().__init__(_("Nobody was registered; %(n)s person(s) cannot be: %(detail)s")
                         % {"n": len(rows), "detail": text}, code="not_eligible", field="people")


def open_refusal(event, *, at=None):
    """Why nobody can register for `event` now (a Refusal), or None."""
    at = at or now()
    day = timezone.localdate(at)
    if event.status != EventStatus.PUBLISHED:
        return Refusal("not_open", _("Registration is not open: the event is “%(status)s”.")
                       % {"status": event.get_status_display()}, "event")
    if event.reg_opens_on and day < event.reg_opens_on:
        return Refusal("window", _("Registration opens on %(day)s.") % {"day": event.reg_opens_on.isoformat()}, "event")
    if event.reg_closes_on and day > event.reg_closes_on:
        return Refusal("window", _("Registration closed on %(day)s.") % {"day": event.reg_closes_on.isoformat()},
                       "event")
    if at >= event.starts_at:
        return Refusal("started", _("The event has already started."), "event")
    return None


def live_unions(people):
    """{person id: the union of their live membership} (the latest joined), one query."""
    out = {}
    for m in (Membership.objects.filter(person__in=people, status__in=LIVE_MEMBERSHIP).select_related("union")
              .order_by("person_id", "-joined_on", "-pk")):
        out.setdefault(m.person_id, m.union)
    return out


def person_refusal(event, person, union, *, required_union=None):
    if required_union is not None and (union is None or union.pk != required_union.pk):
        return Refusal("not_a_member", _("%(name)s is not a live member of %(union)s.")
                       % {"name": person.name, "union": required_union.name})
    if union is None:
        return Refusal("not_a_member", _("%(name)s is not a live trade-union member; the event is for members only.")
                       % {"name": person.name})
    if event.org.level != OrgLevel.DISTRICT and not _in_subtree(union, event.org):
        return Refusal("out_of_area", _("%(name)s's union (%(union)s) is outside the area of the organiser "
                                        "(%(org)s).") % {"name": person.name, "union": union.name,
                                                         "org": event.org.name})
    return None


def _places(event):
    seats = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()
    last = Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).aggregate(
        n=Max("waitlist_position"))["n"] or 0
    return seats, last


def _full_refusal(event):
    if event.waitlist_limit:
        return Refusal("full", _("The event is full: all %(seats)s places are taken and the waiting list "
                                 "(%(limit)s places) is full.") % {"seats": event.capacity,
                                                                    "limit": event.waitlist_limit}, "event")
    return Refusal("full", _("The event is full: all %(seats)s places are taken.") % {"seats": event.capacity},
                   "event")


def _place_people(*, actor, event, people, channel, required_union=None):
    event = lock_one(Event, event.pk)
    refused = open_refusal(event)
    if refused:
        raise refused.error()
    seen, unique = set(), []
    for p in people:
        if p.pk not in seen:
            seen.add(p.pk)
            unique.append(p)
    by_pk = {p.pk: p for p in lock(Person.objects.filter(pk__in=[p.pk for p in unique]))}
    people = [by_pk[p.pk] for p in unique if p.pk in by_pk]
    unions = live_unions(people)
    already = set(Registration.objects.filter(event=event, person__in=people, status__in=LIVE_STATUSES)
                  .values_list("person_id", flat=True))
    rows = []
    for p in people:
        if p.pk in already:
            r = Refusal("already_registered", _("%(name)s is already registered for this event.") % {"name": p.name})
        else:
            r = person_refusal(event, p, unions.get(p.pk), required_union=required_union)
        if r is not None:
            rows.append({"person": p.pk, "name": p.name, "code": r.code, "message": r.message})
    seats, last = _places(event)
    free = max(event.capacity - seats, 0)
    room = free + max(event.waitlist_limit - last, 0)
    refused_ids = {r["person"] for r in rows}
    fit = [p for p in people if p.pk not in refused_ids]
    if len(fit) > room:
        if len(people) == 1:
            raise _full_refusal(event).error()
        for p in fit[room:]:
            rows.append({"person": p.pk, "name": p.name, "code": "full",
                         "message": _("no place left (%(free)s place(s) and %(wait)s waiting place(s) were free).")
                         % {"free": free, "wait": max(event.waitlist_limit - last, 0)}})
    if rows:
        if len(people) == 1:
            raise DomainError(rows[0]["message"], code=rows[0]["code"], field="person")
        raise RegistrationRowsError(rows)
    at, towns, created = now(), {}, []
    for p in people:
        union = unions.get(p.pk)
        if union.pk not in towns:
            towns[union.pk] = union.town()
        x = Registration(event=event, person=p, union=union, town=towns[union.pk], channel=channel,
                         registered_by=actor if getattr(actor, "pk", None) else None, registered_at=at)
        if free > 0:
            x.status, free = RegistrationStatus.REGISTERED, free - 1
        else:
            last += 1
            x.status, x.waitlist_position = RegistrationStatus.WAITLISTED, last
        created.append(x)
    try:
        with transaction.atomic():
            created = Registration.objects.bulk_create(created)
    except IntegrityError as exc:
        raise DomainError(_("One of these people was registered for this event at the same moment; try again."),
                          code="already_registered", field="person") from exc
    for x in created:
        audit.record(actor=actor, action="services.event_register", obj=x, org=event.org,
                     after={**_snap(x, REG_FIELDS), "person": x.person_id, "event": event.pk, "union": x.union_id})
    return created


@transaction.atomic
def register(*, actor, event, person) -> Registration:
    """The organiser (`services.change` on the event's org) registers one eligible member."""
    require(actor, CHANGE, event.org)
    if person is None:
        raise DomainError(_("Choose the person to register."), code="required", field="person")
    return _place_people(actor=actor, event=event, people=[person], channel=RegistrationChannel.STAFF)[0]


@transaction.atomic
def register_members(*, actor, event, union, people) -> list[Registration]:
    """A grassroots union (`services.change` on it) registers live members of its own, all or nothing."""
    require(actor, CHANGE, union)
    if union.level != OrgLevel.GRASSROOTS:
        raise DomainError(_("Members are registered by their grassroots union: choose the union."),
                          code="not_a_union", field="union")
    people = list(people)
    if not people:
        raise DomainError(_("Choose at least one member to register."), code="required", field="people")
    if len(people) > rules().bulk_limit:
        raise DomainError(_("At most %(n)s people can be registered at once.") % {"n": rules().bulk_limit},
                          code="too_many", field="people")
    return _place_people(actor=actor, event=event, people=people, channel=RegistrationChannel.UNION,
                         required_union=union)


@transaction.atomic
def register_self(*, user, person, event) -> Registration:
    """A member registers themself from the member pages (`person` = person_of_account(user))."""
    if person is None:
        raise DomainError(_("Your login is not linked to a member record."), code="no_person")
    return _place_people(actor=user, event=event, people=[person], channel=RegistrationChannel.SELF)[0]


def _shift_up(event, after_position, by):
    waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED)
    if waiting.filter(waitlist_position__gt=after_position).update(waitlist_position=F("waitlist_position") + _OFFSET):
        waiting.filter(waitlist_position__gt=_OFFSET).update(waitlist_position=F("waitlist_position") - _OFFSET - by)


def _promote(actor, event):
    """Free places of the locked `event` go to the first of its waiting list, in order."""
    if event.status not in RUNNING:
        return []
    seats, _last = _places(event)
    free = event.capacity - seats
    if free <= 0:
        return []
    rows = list(Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED)
                .order_by("waitlist_position")[:free])
    if not rows:
        return []
    at = now()
    Registration.objects.filter(pk__in=[x.pk for x in rows]).update(
        status=RegistrationStatus.REGISTERED, waitlist_position=None, promoted_at=at, updated_at=at)
    _shift_up(event, len(rows), len(rows))
    for x in rows:
        audit.record(actor=actor, action="services.event_promote", obj=x, org=event.org,
                     before={"status": RegistrationStatus.WAITLISTED, "waitlist_position": x.waitlist_position},
                     after={"status": RegistrationStatus.REGISTERED, "waitlist_position": None})
        x.status, x.waitlist_position, x.promoted_at = RegistrationStatus.REGISTERED, None, at
    _notify_promoted(event, rows)
    return rows


def _notify_promoted(event, rows):
    from gonghui.core.notifications import notify

    accounts = dict(Person.objects.filter(pk__in=[x.person_id for x in rows], account__isnull=False)
                    .values_list("pk", "account"))
    if not accounts:
        return
    from gonghui.accounts.models import User

    users = User.objects.in_bulk(list(accounts.values()))
    for x in rows:
        user = users.get(accounts.get(x.person_id))
        if user is not None:
            notify(recipients=[user], key=f"services.event_promote:{x.pk}",
                   title=_("You have a place at “%(event)s”") % {"event": event.title},
                   body=_("A place freed up and you moved off the waiting list."),
                   url=reverse("services:my_events"), org=event.org)


def _cancel(actor, registration, reason):
    event = lock_one(Event, registration.event_id)
    x = lock_one(Registration, registration.pk)
    if x.status not in CANCELLABLE:
        raise DomainError(_("This registration cannot be cancelled: it is “%(status)s”.")
                          % {"status": x.get_status_display()}, code="wrong_stage")
    if event.status not in RUNNING:
        raise DomainError(_("Registrations of an event that is “%(status)s” cannot be cancelled.")
                          % {"status": event.get_status_display()}, code="wrong_stage")
    if x.checked_in_at:
        raise DomainError(_("This person has checked in: the registration cannot be cancelled."),
                          code="checked_in")
    reason = (reason or "").strip()
    if len(reason) > 400:
        raise DomainError(_("The reason is longer than %(n)s characters.") % {"n": 400}, code="too_long",
                          field="reason")
    before = _snap(x, REG_FIELDS)
    was_waiting, position = x.status == RegistrationStatus.WAITLISTED, x.waitlist_position
    x.status, x.waitlist_position, x.cancelled_at, x.cancel_reason = RegistrationStatus.CANCELLED, None, now(), reason
    x.save(update_fields=["status", "waitlist_position", "cancelled_at", "cancel_reason", "updated_at"])
    b, a = audit.changed(before, _snap(x, REG_FIELDS))
    audit.record(actor=actor, action="services.event_cancel_registration", obj=x, org=event.org, before=b, after=a)
    if was_waiting:
        _shift_up(event, position, 1)
    else:
        _promote(actor, event)
    return x


@transaction.atomic
def cancel_registration(*, actor, registration, reason="") -> Registration:
    """The organiser or the member's union cancels a place; the first waiting person takes it."""
    require(actor, CHANGE, registration.event.org, *([registration.union] if registration.union_id else []))
    return _cancel(actor, registration, reason)


@transaction.atomic
def cancel_own(*, user, person, registration, reason="") -> Registration:
    if person is None or registration.person_id != person.pk:
        raise DomainError(_("This is not your registration."), code="forbidden")
    return _cancel(user, registration, reason)


# --- check-in -------------------------------------------------------------------------------------------

def _key_of(event) -> str:
    return hashlib.sha256(f"checkin:{event.checkin_token}".encode()).hexdigest()[:16]


def ensure_checkin_token(event) -> Event:
    if not event.checkin_token:
        Event.objects.filter(pk=event.pk, checkin_token="").update(checkin_token=secrets.token_urlsafe(32))
        event.refresh_from_db(fields=["checkin_token"])
    return event


def checkin_token(event) -> str:
    event = ensure_checkin_token(event)
    return signing.dumps({"e": event.pk, "k": _key_of(event)}, salt=CHECKIN_SALT, compress=True)


def checkin_url(event) -> str:
    path = reverse("services:event_checkin", kwargs={"pk": event.pk})
    return f"{settings.SITE_URL.rstrip('/')}{path}?t={checkin_token(event)}"


def checkin_window(event):
    r = rules()
    return (event.starts_at - datetime.timedelta(minutes=r.checkin_opens_minutes),
            event.ends_at + datetime.timedelta(minutes=r.checkin_closes_minutes))


@transaction.atomic
def rotate_checkin_token(*, actor, event) -> Event:
    """A new secret: QR codes shown or photographed before stop working."""
    require(actor, CHANGE, event.org)
    event = lock_one(Event, event.pk)
    event.checkin_token = secrets.token_urlsafe(32)
    event.save(update_fields=["checkin_token", "updated_at"])
    audit.record(actor=actor, action="services.event_checkin_rotate", obj=event, org=event.org, after={})
    return event


@dataclass(frozen=True)
class CheckIn:
    registration: Registration
    already: bool


@transaction.atomic
def check_in(*, actor, person, event_pk, token) -> CheckIn:
    """The member `person` checks in at event `event_pk` with the token of its QR code."""
    invalid = DomainError(_("This check-in code is not valid for this event. Scan the code shown at the event "
                            "again."), code="invalid_token", field="token")
    try:
        data = signing.loads(token or "", salt=CHECKIN_SALT)
    except signing.BadSignature as exc:
        raise invalid from exc
    if not isinstance(data, dict) or data.get("e") != event_pk:
        raise invalid
    event = Event.objects.filter(pk=event_pk).first()
    if event is None or not event.checkin_token or not hmac.compare_digest(str(data.get("k")), _key_of(event)):
        raise invalid
    if person is None:
        raise DomainError(_("Your account is not linked to a member of the registry, so it cannot check in."),
                          code="no_person")
    if event.status not in (*RUNNING, EventStatus.FINISHED):
        raise DomainError(_("This event is “%(status)s”: there is nothing to check in to.")
                          % {"status": event.get_status_display()}, code="not_running")
    opens, closes = checkin_window(event)
    at = now()
    if at < opens:
        raise DomainError(_("Check-in opens at %(time)s.") % {"time": timezone.localtime(opens).strftime(
            "%Y-%m-%d %H:%M")}, code="too_early")
    if at > closes:
        raise DomainError(_("Check-in closed at %(time)s. Ask the organiser to check you in.")
                          % {"time": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")}, code="too_late")
    x = Registration.objects.select_for_update().filter(event=event, person=person,
                                                        status__in=LIVE_STATUSES).first()
    if x is None or x.status != RegistrationStatus.REGISTERED:
        raise DomainError(
            _("You are on the waiting list of “%(event)s”, not registered: you cannot check in.")
            % {"event": event.title} if x is not None else
            _("You are not registered for “%(event)s”, so you cannot check in. Ask the organiser.")
            % {"event": event.title}, code="not_registered")
    if x.checked_in_at:
        return CheckIn(x, already=True)
    x.checked_in_at, x.checkin_method = at, CheckinMethod.QR
    x.save(update_fields=["checked_in_at", "checkin_method", "updated_at"])
    audit.record(actor=actor, action="services.event_checkin", obj=x, org=event.org,
                 after={"checked_in_at": at.isoformat(), "checkin_method": CheckinMethod.QR})
    return CheckIn(x, already=False)


@transaction.atomic
def check_in_list(*, actor, event, registration_ids) -> int:
    """The organiser checks registered people in on the list (ids of REGISTERED registrations of the
    event); returns how many were newly checked in. Unknown or waiting ids refuse the whole list."""
    require(actor, CHANGE, event.org)
    event = lock_one(Event, event.pk)
    if event.status not in (*RUNNING, EventStatus.FINISHED):
        raise DomainError(_("This event is “%(status)s”: nobody can be checked in.")
                          % {"status": event.get_status_display()}, code="not_running")
    if event.starts_at - datetime.timedelta(minutes=rules().checkin_opens_minutes) > now():
        raise DomainError(_("The event has not started yet: check-in opens %(n)s minutes before the start.")
                          % {"n": rules().checkin_opens_minutes}, code="too_early")
    ids = {int(i) for i in registration_ids}
    if not ids:
        raise DomainError(_("Choose at least one person to check in."), code="required", field="registrations")
    rows = list(Registration.objects.select_for_update().filter(event=event, pk__in=ids,
                                                                status=RegistrationStatus.REGISTERED))
    if len(rows) != len(ids):
        raise DomainError(_("Only registered people of this event can be checked in."), code="invalid",
                          field="registrations")
    at, n = now(), 0
    for x in rows:
        if x.checked_in_at:
            continue
        x.checked_in_at, x.checkin_method = at, CheckinMethod.LIST
        x.save(update_fields=["checked_in_at", "checkin_method", "updated_at"])
        audit.record(actor=actor, action="services.event_checkin", obj=x, org=event.org,
                     after={"checked_in_at": at.isoformat(), "checkin_method": CheckinMethod.LIST})
        n += 1
    return n


# --- photos ---------------------------------------------------------------------------------------------

@transaction.atomic
def add_photo(*, actor, event, upload, caption="") -> EventPhoto:
    """An image (JPG or PNG by its content, at most `photo_max_bytes`) added to the gallery."""
    require(actor, CHANGE, event.org)
    event = lock_one(Event, event.pk)
    if event.status == EventStatus.DRAFT or event.status == EventStatus.CANCELLED:
        raise DomainError(_("Photos are added to published events only."), code="wrong_stage", field="image")
    if upload is None:
        raise DomainError(_("Choose a photo to upload."), code="required", field="image")
    try:
        kind = validate_document(upload, max_bytes=rules().photo_max_bytes, kinds=("jpeg", "png"))
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code=exc.code or "invalid", field="image") from exc
    if EventPhoto.objects.filter(event=event).count() >= rules().photos_per_event:
        raise DomainError(_("An event has at most %(n)s photos.") % {"n": rules().photos_per_event},
                          code="too_many", field="image")
    caption = (caption or "").strip()
    if len(caption) > 120:
        raise DomainError(_("The caption is longer than %(n)s characters.") % {"n": 120}, code="too_long",
                          field="caption")
    upload.name = f"{uuid.uuid4().hex}.{'jpg' if kind == 'jpeg' else 'png'}"
    photo = EventPhoto.objects.create(event=event, image=upload, kind=kind, caption=caption,
                                      uploaded_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor=actor, action="services.event_photo_add", obj=event, org=event.org,
                 after={"photo": photo.pk, "caption": caption})
    return photo


@transaction.atomic
def delete_photo(*, actor, photo) -> None:
    event = photo.event
    require(actor, CHANGE, event.org)
    pk, caption = photo.pk, photo.caption
    photo.image.delete(save=False)
    photo.delete()
    audit.record(actor=actor, action="services.event_photo_delete", obj=event, org=event.org,
                 before={"photo": pk, "caption": caption})


# --- exports --------------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return self.pk


def _audit_export(actor, action, object_type, filters_audit, rows, org):
    from gonghui.orgs.models import Org

    ref = uuid.uuid4().hex
    if org is not None:
        places = [org]
    elif actor.is_superuser:
        places = list(Org.objects.filter(depth=1))
    else:
        places = list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)))
    for place in places or [None]:
        audit.record(actor=actor, action=action, obj=_ExportRef(ref), object_type=object_type, org=place,
                     after={"filters": filters_audit, "rows": rows})


def export_registrations(*, actor, filters):
    """(rewound temporary file, rows): the filtered registrations the actor may export."""
    from gonghui.core.excel import XlsxStream

    from ..selectors.events import filtered_registrations

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = Registration.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_registrations(actor, filters).filter(pk__in=exportable).order_by("-id")
          .values_list("event__title", "event__starts_at", "person__name", "person__id_number_masked", "union__name",
                       "town__name", "status", "waitlist_position", "channel", "registered_at", "checked_in_at",
                       "checkin_method", "cancelled_at", "cancel_reason"))
    statuses, channels = dict(RegistrationStatus.choices), dict(RegistrationChannel.choices)
    methods = dict(CheckinMethod.choices)
    headers = [_("Event"), _("Starts at"), _("Name"), _("ID card number"), _("Union"), _("Town"), _("Status"),
               _("Place on the waiting list"), _("Registered through"), _("Registered at"), _("Checked in at"),
               _("Checked in by"), _("Cancelled at"), _("Reason for cancelling")]

    def when(v):
        return timezone.localtime(v).strftime("%Y-%m-%d %H:%M") if v else ""

    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Registrations"), headers=headers,
                           widths=[30, 16, 10, 20, 30, 16, 12, 8, 12, 16, 16, 12, 16, 30], text_columns=(3,))
        for values in qs.iterator(chunk_size=1000):
            row = list(values)
            row[1], row[9], row[10], row[12] = when(row[1]), when(row[9]), when(row[10]), when(row[12])
            row[6] = str(statuses.get(row[6], row[6]))
            row[8] = str(channels.get(row[8], row[8]))
            row[11] = str(methods.get(row[11], "")) if row[11] else ""
            row[7] = row[7] or ""
            sheet.append(row)
            rows += 1
    _audit_export(actor, "services.event_registrations_export", "services.EventRegistrationExport",
                  filters.as_audit(), rows, filters.org)
    return handle, rows


def export_stats(*, actor, filters):
    """(file, rows): the participation statistics of a year (by town, by union, by kind)."""
    from gonghui.core.excel import XlsxStream

    from ..selectors.events import participation

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    stats = participation(actor, filters)
    figures = [_("Events"), _("Registrations"), _("Check-ins"), _("Check-in rate (%)")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    rows = 0
    with XlsxStream(handle) as book:
        for title, head, lines in ((_("By town"), _("Town"), stats.by_town),
                                   (_("By union"), _("Union"), stats.by_union),
                                   (_("By kind"), _("Kind"), stats.by_kind)):
            sheet = book.sheet(str(title), headers=[head, *figures], widths=[30, 10, 12, 12, 12])
            for line in lines:
                sheet.append([line.label, line.events, line.registrations, line.checkins,
                              float(line.rate) if line.rate is not None else ""])
                rows += 1
            sheet.append([str(_("Total")), stats.total.events, stats.total.registrations, stats.total.checkins,
                          float(stats.total.rate) if stats.total.rate is not None else ""])
    _audit_export(actor, "services.event_stats_export", "services.EventStatsExport", filters.as_audit(), rows,
                  filters.org)
    return handle, rows


def export_events(*, actor, filters):
    """(file, rows): the filtered events the actor may export, with their places and check-ins."""
    from gonghui.core.excel import XlsxStream

    from ..selectors.events import annotate_places, filtered_events

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = Event.objects.visible_to(actor, EXPORT).values("pk")
    qs = annotate_places(filtered_events(actor, filters).filter(pk__in=exportable)).order_by("-starts_at", "-id") \
        .values_list("title", "kind", "org__name", "venue__name", "place", "starts_at", "ends_at", "capacity",
                     "seats", "waiting", "checkins", "status")
    kinds, statuses = dict(EventKind.choices), dict(EventStatus.choices)
    headers = [pgettext("event", "Title"), _("Kind"), _("Organiser"), pgettext("event", "Venue"),
               _("Place"), _("Starts at"), _("Ends at"),
               _("Capacity"), _("Registered"), pgettext("event", "Waiting"), _("Checked in"), _("Status")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Events"), headers=headers, widths=[30, 8, 24, 20, 24, 16, 16, 8, 8, 8, 8, 12])
        for values in qs.iterator(chunk_size=1000):
            row = list(values)
            row[1] = str(kinds.get(row[1], row[1]))
            row[5] = timezone.localtime(row[5]).strftime("%Y-%m-%d %H:%M")
            row[6] = timezone.localtime(row[6]).strftime("%Y-%m-%d %H:%M")
            row[11] = str(statuses.get(row[11], row[11]))
            sheet.append(row)
            rows += 1
    _audit_export(actor, "services.event_export", "services.EventExport", filters.as_audit(), rows, filters.org)
    return handle, rows
