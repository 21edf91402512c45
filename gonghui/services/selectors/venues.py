"""Reads of the venues area; every read that takes a user is scoped (venues and rooms: the
venue's org's subtree; bookings: the booking org's or the venue's; performances and screenings:
the host's)."""

import calendar
import datetime
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org

from ..models.venues import (
    HOLDING,
    BookingStatus,
    Performance,
    PerformanceStatus,
    Room,
    RoomBooking,
    Screening,
    ScreeningStatus,
    Venue,
)
from ..policies.venues import APPROVE, CHANGE, VIEW
from ..rules.venues import rules

DUE_OVERDUE, DUE_SOON = "overdue", "soon"


def now():
    return timezone.now()


def today():
    return timezone.localdate()


def day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _ancestor_paths(user):
    """Paths of the orgs above the user's reach (their venues take the user's bookings)."""
    from gonghui.core.scoping import user_scope

    _everything, paths = user_scope(user, VIEW)
    return sorted({p[:i] for p in paths for i in range(Org.steplen, len(p), Org.steplen)})


def venues(user):
    """Venues run in the user's subtree, and those run by an org above it (bookable by it)."""
    qs = Venue.objects.visible_to(user, VIEW)
    above = _ancestor_paths(user)
    return (qs | Venue.objects.filter(org__path__in=above)) if above else qs


def rooms(user):
    qs = Room.objects.visible_to(user, VIEW)
    above = _ancestor_paths(user)
    return (qs | Room.objects.filter(venue__org__path__in=above)) if above else qs


def bookings(user):
    return RoomBooking.objects.visible_to(user, VIEW)


def performances(user):
    return Performance.objects.visible_to(user, VIEW)


def screenings(user):
    return Screening.objects.visible_to(user, VIEW)


# --- venues -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VenueFilters:
    q: str = ""
    org: Org | None = None
    kind: str = ""


def filtered_venues(user, f: VenueFilters):
    qs = venues(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.q.strip():
        qs = qs.filter(Q(name__icontains=f.q.strip()) | Q(address__icontains=f.q.strip()))
    return qs


def venue_page(user, f: VenueFilters, *, after=None):
    return keyset_page(filtered_venues(user, f), after=after,
                       load=Venue.objects.select_related("org").annotate(n_rooms=Count("rooms")))


def rooms_of(venue):
    return list(venue.rooms.order_by("name", "id"))


def bookable_rooms(user, org=None):
    """Rooms `org` (or any org where the user may book) may book: bookable rooms of active venues
    run by the org or an org above it."""
    qs = Room.objects.filter(is_bookable=True, venue__is_active=True).select_related("venue")
    if org is not None:
        paths = [org.path[:i] for i in range(Org.steplen, len(org.path) + 1, Org.steplen)]
        return qs.filter(venue__org__path__in=paths).order_by("venue__name", "name")
    return (qs.filter(pk__in=rooms(user).values("pk")) | qs.filter(venue__org__depth=1)).order_by("venue__name",
                                                                                                   "name")


def org_choices(user, action=CHANGE, q="", limit=50):
    qs = Org.objects.visible_to(user, action).filter(is_active=True)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


# --- bookings -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BookingFilters:
    q: str = ""
    org: Org | None = None
    venue: Venue | None = None
    status: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    due: str = ""


def filtered_bookings(user, f: BookingFilters):
    qs = bookings(user)
    if f.org is not None:
        qs = qs.filter(Q(org__path__startswith=f.org.path) | Q(room__venue__org__path__startswith=f.org.path))
    if f.venue is not None:
        qs = qs.filter(room__venue=f.venue)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.date_from:
        qs = qs.filter(ends_at__gte=day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(starts_at__lt=day_start(f.date_to + datetime.timedelta(days=1)))
    if f.due:
        qs = qs.filter(_due_q(f.due))
    q = f.q.strip()
    if q:
        qs = qs.filter(Q(number__iexact=q) | Q(purpose__icontains=q) | Q(org__name__icontains=q)
                       | Q(room__name__icontains=q))
    return qs


def _due_q(due):
    r = rules()
    late = now() - datetime.timedelta(days=r.confirm_within_days)
    pending = Q(status=BookingStatus.REQUESTED, starts_at__gt=now())
    if due == DUE_OVERDUE:
        return pending & Q(created_at__lt=late)
    return pending & Q(created_at__gte=late, starts_at__lt=now() + datetime.timedelta(days=r.confirm_soon_days))


def booking_rows():
    return RoomBooking.objects.select_related("room__venue", "org")


def booking_page(user, f: BookingFilters, *, after=None):
    return keyset_page(filtered_bookings(user, f), after=after, load=booking_rows())


def status_counts(qs):
    return {r["status"]: r["n"] for r in qs.order_by().values("status").annotate(n=Count("pk"))}


def booking_detail(b):
    return booking_rows().select_related("decided_by", "created_by").get(pk=b.pk)


def room_schedule(room, day, *, days=7):
    """Holding bookings of a room from `day` for `days` days, in time order."""
    start = day_start(day)
    return list(room.bookings.filter(status__in=HOLDING, starts_at__gte=start,
                                     starts_at__lt=start + datetime.timedelta(days=days))
                .select_related("org").order_by("starts_at"))


# --- performances and screenings ----------------------------------------------------------------

@dataclass(frozen=True)
class ProgrammeFilters:
    q: str = ""
    org: Org | None = None
    status: str = ""
    year: int | None = None


def filtered_performances(user, f: ProgrammeFilters):
    qs = performances(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.year:
        qs = qs.filter(Q(starts_at__year=f.year) | Q(starts_at__isnull=True, wanted_on__year=f.year))
    if f.q.strip():
        q = f.q.strip()
        qs = qs.filter(Q(title__icontains=q) | Q(org__name__icontains=q) | Q(place__icontains=q))
    return qs


def performance_rows():
    return Performance.objects.select_related("org", "enterprise", "booking__room__venue")


def performance_page(user, f, *, after=None):
    return keyset_page(filtered_performances(user, f), after=after, load=performance_rows())


def filtered_screenings(user, f: ProgrammeFilters):
    qs = screenings(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.year:
        qs = qs.filter(starts_at__year=f.year)
    if f.q.strip():
        q = f.q.strip()
        qs = qs.filter(Q(film__icontains=q) | Q(org__name__icontains=q) | Q(site__icontains=q))
    return qs


def screening_rows():
    return Screening.objects.select_related("org", "enterprise")


def screening_page(user, f, *, after=None):
    return keyset_page(filtered_screenings(user, f), after=after, load=screening_rows())


def programme_totals(user, year):
    """Shows and screenings done in a year and their audience (one query each)."""
    p = performances(user).filter(status=PerformanceStatus.DONE, starts_at__year=year).order_by().aggregate(
        n=Count("pk"), audience=Sum("audience"))
    s = screenings(user).filter(status=ScreeningStatus.SHOWN, starts_at__year=year).order_by().aggregate(
        n=Count("pk"), audience=Sum("audience"))
    return {"performances": p["n"], "performance_audience": p["audience"] or 0, "screenings": s["n"],
            "screening_audience": s["audience"] or 0}


# --- calendar -----------------------------------------------------------------------------------

KIND_BOOKING, KIND_PERFORMANCE, KIND_SCREENING, KIND_EVENT = "booking", "performance", "screening", "event"
CALENDAR_KINDS = (KIND_BOOKING, KIND_PERFORMANCE, KIND_SCREENING, KIND_EVENT)
# Items drawn in a day of the month grid (and of the phone list); the rest behind "+N", which opens
# the day view (`?day=YYYY-MM-DD`) with every item of that day.
DAY_CAP = 4

_BADGES = {KIND_BOOKING: "text-bg-primary", KIND_PERFORMANCE: "text-bg-success", KIND_SCREENING: "text-bg-info",
           KIND_EVENT: "text-bg-dark"}
_STATUS_LABELS = {}  # kind -> {status: label}, filled on first use (the event model is another area's)
_DETAIL_URLS = {KIND_BOOKING: "services:booking_detail", KIND_PERFORMANCE: "services:performance_detail",
                KIND_SCREENING: "services:screening_detail", KIND_EVENT: "services:event_detail"}


@dataclass(frozen=True)
class CalendarItem:
    kind: str
    day: datetime.date
    starts: datetime.datetime
    ends: datetime.datetime | None
    title: str
    where: str
    status: str
    pk: int

    @property
    def status_label(self):
        return _STATUS_LABELS[self.kind][self.status]

    @cached_property  # drawn twice (grid and phone list); a frozen dataclass still has a __dict__
    def hm(self):
        """The start as HH:MM, local time (cheaper than the `time` filter for a few hundred items)."""
        return timezone.localtime(self.starts).strftime("%H:%M")

    @property
    def badge(self):
        return _BADGES[self.kind]

    @cached_property
    def url(self):
        """Built only for the items drawn (a district month holds hundreds), from the kind's
        reversed prefix: one `reverse` a kind, not one an item (each item is drawn twice)."""
        return _detail_url(self.kind, self.pk)


def _detail_url(kind, pk):
    from django.urls import get_script_prefix, reverse

    key = (kind, get_script_prefix())
    prefix = _DETAIL_PREFIXES.get(key)
    if prefix is None:
        # Every detail route is ".../<int:pk>/"; reverse with a marker pk and keep what is before it.
        prefix = _DETAIL_PREFIXES[key] = reverse(_DETAIL_URLS[kind], args=[987654321]).rsplit("987654321/", 1)[0]
    return f"{prefix}{pk}/"


_DETAIL_PREFIXES = {}  # (kind, script prefix) -> URL up to the pk


@dataclass(frozen=True)
class CalendarFilters:
    year: int
    month: int
    venue: Venue | None = None
    org: Org | None = None
    kinds: tuple = CALENDAR_KINDS
    day: datetime.date | None = None  # only that day (the day view)


def calendar_items(user, f: CalendarFilters):
    """Items of a month (or of `f.day`): holding bookings, scheduled/done performances,
    planned/shown screenings, and published/closed/finished events the user may read (their
    subtree's and those offered from above). One query per kind, four at most."""
    from .events import OFFERED_STATUSES, readable_events

    if f.day is not None:
        first, last = f.day, f.day + datetime.timedelta(days=1)
    else:
        first = datetime.date(f.year, f.month, 1)
        last = first + datetime.timedelta(days=calendar.monthrange(f.year, f.month)[1])
    start, end = day_start(first), day_start(last)
    items = []

    if not _STATUS_LABELS:
        from ..models.events import EventStatus

        for kind, choices in ((KIND_BOOKING, BookingStatus), (KIND_PERFORMANCE, PerformanceStatus),
                              (KIND_SCREENING, ScreeningStatus), (KIND_EVENT, EventStatus)):
            _STATUS_LABELS[kind] = dict(choices.choices)  # lazy labels: translated when drawn

    tz = timezone.get_current_timezone()  # once, not one thread-local lookup an item

    def add(kind, starts, ends, title, where, status, pk):
        items.append(CalendarItem(kind, starts.astimezone(tz).date(), starts, ends, title, where, status, pk))

    if KIND_BOOKING in f.kinds:
        qs = bookings(user).filter(status__in=HOLDING, starts_at__gte=start, starts_at__lt=end)
        if f.venue is not None:
            qs = qs.filter(room__venue=f.venue)
        if f.org is not None:
            qs = qs.filter(Q(org__path__startswith=f.org.path) | Q(room__venue__org__path__startswith=f.org.path))
        # Plain tuples: a district month holds hundreds of bookings, and three model instances a
        # row were most of the page's time. The booking orgs' names come by key afterwards: joined
        # in, PostgreSQL hashes the whole org table (13k rows at district scale) for a few hundred.
        rows = list(qs.order_by("starts_at").values_list(
            "pk", "starts_at", "ends_at", "purpose", "status", "room__name", "room__venue__name", "org_id")[:1000])
        names = dict(Org.objects.filter(pk__in={r[7] for r in rows}).values_list("pk", "name")) if rows else {}
        for pk, starts, ends, purpose, status, room, venue, org_id in rows:
            add(KIND_BOOKING, starts, ends, purpose, f"{venue} · {room} · {names[org_id]}", status, pk)
    if KIND_PERFORMANCE in f.kinds:
        qs = performances(user).filter(status__in=[PerformanceStatus.SCHEDULED, PerformanceStatus.DONE],
                                       starts_at__gte=start, starts_at__lt=end)
        if f.venue is not None:
            qs = qs.filter(booking__room__venue=f.venue)
        if f.org is not None:
            qs = qs.filter(org__path__startswith=f.org.path)
        for p in qs.select_related("org", "enterprise", "booking__room__venue").order_by("starts_at")[:1000]:
            add(KIND_PERFORMANCE, p.starts_at, p.ends_at, p.title, p.where or p.org.name, p.status, p.pk)
    if KIND_SCREENING in f.kinds and f.venue is None:
        qs = screenings(user).filter(status__in=[ScreeningStatus.PLANNED, ScreeningStatus.SHOWN],
                                     starts_at__gte=start, starts_at__lt=end)
        if f.org is not None:
            qs = qs.filter(org__path__startswith=f.org.path)
        for pk, starts, film, site, status in qs.order_by("starts_at").values_list(
                "pk", "starts_at", "film", "site", "status")[:1000]:
            add(KIND_SCREENING, starts, None, film, site, status, pk)
    if KIND_EVENT in f.kinds:
        qs = readable_events(user).filter(status__in=OFFERED_STATUSES, starts_at__gte=start, starts_at__lt=end)
        if f.venue is not None:
            qs = qs.filter(venue=f.venue)
        if f.org is not None:
            qs = qs.filter(org__path__startswith=f.org.path)
        for pk, starts, ends, title, place, status, venue, org in qs.order_by("starts_at").values_list(
                "pk", "starts_at", "ends_at", "title", "place", "status", "venue__name", "org__name")[:1000]:
            where = " · ".join(x for x in (venue or "", place) if x) or org
            add(KIND_EVENT, starts, ends, title, where, status, pk)
    items.sort(key=lambda i: i.starts)
    return items


@dataclass(frozen=True)
class CalendarDay:
    """A day of the grid or the phone list: the first `DAY_CAP` items and how many more there are."""
    day: datetime.date | None
    items: list
    more: int = 0


def month_grid(year, month, items, *, cap=DAY_CAP):
    """Weeks (Monday first) of `CalendarDay` (day None outside the month) for the desktop grid, and
    the days with items for the phone list; both hold at most `cap` items a day."""
    by_day = {}
    for item in items:
        by_day.setdefault(item.day, []).append(item)

    def cell(d):
        its = by_day.get(d, [])
        return CalendarDay(d, its[:cap], max(len(its) - cap, 0))

    weeks = [[cell(d) if d.month == month else CalendarDay(None, []) for d in week]
             for week in calendar.Calendar().monthdatescalendar(year, month)]
    return weeks, [cell(d) for d in sorted(by_day)]


# --- overview and due soon ----------------------------------------------------------------------

def overview_card(user):
    """Venues on the services overview: bookings to confirm, confirmed bookings ahead, shows and
    screenings this year. One aggregate scoped query (plus one per programme table)."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    moment = now()
    c = bookings(user).order_by().aggregate(
        requested=Count("pk", filter=Q(status=BookingStatus.REQUESTED, starts_at__gt=moment)),
        ahead=Count("pk", filter=Q(status=BookingStatus.CONFIRMED, starts_at__gt=moment)))
    totals = programme_totals(user, today().year)
    url = reverse("services:booking_list")
    programme = reverse("services:programme_list")
    return Card(title=_("Venues and programme"), url=url, rows=[
        Row(_("Booking requests to decide"), c["requested"], url + "?status=REQUESTED",
            alert=bool(c["requested"])),
        Row(_("Confirmed bookings ahead"), c["ahead"], url + "?status=CONFIRMED"),
        Row(_("Art troupe shows this year"), totals["performances"], programme + "?status=DONE"),
        Row(_("Film screenings this year"), totals["screenings"], reverse("services:screening_list")
            + "?status=SHOWN"),
    ])


def due_bookings_summary(user):
    """Dashboard line for the venue's approvers: booking requests waiting longer than
    `confirm_within_days` (overdue) or starting within `confirm_soon_days`. One aggregate query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(APPROVE):
        return None
    r = rules()
    moment = now()
    late = moment - datetime.timedelta(days=r.confirm_within_days)
    c = (RoomBooking.objects.filter(room__venue__in=Venue.objects.visible_to(user, APPROVE).values("pk"),
                                    status=BookingStatus.REQUESTED, starts_at__gt=moment).order_by()
         .aggregate(overdue=Count("pk", filter=Q(created_at__lt=late)),
                    soon=Count("pk", filter=Q(created_at__gte=late,
                                              starts_at__lt=moment + datetime.timedelta(days=r.confirm_soon_days)))))
    return DueSummary(label=_("Room booking requests"), overdue=c["overdue"], soon=c["soon"],
                      url=reverse("services:booking_list") + "?due=overdue")


DUE_SOURCES = (due_bookings_summary,)
