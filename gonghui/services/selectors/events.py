"""Reads of events and registrations; every read that takes a user is scoped (`Event` through the
organiser's subtree; `Registration` through the organiser's or the member's union's)."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org, OrgLevel

from ..models.events import (
    LIVE_STATUSES,
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from ..policies.events import CHANGE, VIEW
from ..rules.events import rules


def today():
    return timezone.localdate()


# --- events -----------------------------------------------------------------------------------------

def events(user, action=VIEW):
    return Event.objects.visible_to(user, action)


# Events organised above the user (their town's, the district's) are offered down the tree once
# published: a union chair opens their page to read them and register members (as training's
# courses offered from above). Drafts and cancelled events are not offered.
OFFERED_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED, EventStatus.FINISHED)


def above_paths(user, action=VIEW):
    """Paths of the orgs strictly above the user's scope roots for `action`. Empty for a superuser
    (who sees everything anyway) or a user without the action."""
    from gonghui.core.scoping import user_scope

    everything, paths = user_scope(user, action)
    if everything or not paths:
        return []
    return sorted({p[:i] for p in paths for i in range(Org.steplen, len(p), Org.steplen)})


def readable_events(user):
    """What an event page may show: the user's events and the published ones offered from above
    (read only: every write still requires services.change on the event's org)."""
    from gonghui.core.scoping import scope_q, user_scope

    everything, paths = user_scope(user, VIEW)
    if everything:
        return Event.objects.all()
    cond = scope_q(("org",), paths)
    if cond is None:
        return Event.objects.none()
    above = above_paths(user)
    if above:
        cond |= Q(org__path__in=above, status__in=OFFERED_STATUSES)
    return Event.objects.filter(cond)


def is_offered(user, event) -> bool:
    """True when the user reads `event` only because it is offered from above."""
    return not user.can(VIEW, event.org)


@dataclass(frozen=True)
class EventFilters:
    q: str = ""
    org: Org | None = None
    year: int | None = None
    kind: str = ""
    status: str = ""
    offered: bool = False  # events offered to us from above instead of ours (the list's second tab)

    def as_audit(self):
        return {"q": self.q, "org": self.org.pk if self.org else None, "year": self.year, "kind": self.kind,
                "status": self.status, "offered": self.offered}


def offered_events(user):
    """Events offered to the user from above (published, closed or finished; read only)."""
    paths = above_paths(user)
    if not paths:
        return Event.objects.none()
    return Event.objects.filter(org__path__in=paths, status__in=OFFERED_STATUSES)


def filtered_events(user, f: EventFilters, *, offered=False):
    offered = offered or f.offered
    qs = offered_events(user) if offered else events(user)
    if f.org is not None and not f.offered:  # the org menu lists the user's reach, not the orgs above
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.year:
        qs = qs.filter(starts_at__year=f.year)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(place__icontains=q) | Q(org__name__icontains=q)
                       | Q(venue__name__icontains=q))
    return qs


def annotate_places(qs):
    """Places taken, people waiting and check-ins of each event, as subqueries (one query a page)."""
    def count(**cond):
        return Coalesce(Subquery(Registration.objects.filter(event=OuterRef("pk"), **cond).order_by()
                                 .values("event").annotate(n=Count("pk")).values("n"),
                                 output_field=IntegerField()), Value(0))

    return qs.annotate(seats=count(status=RegistrationStatus.REGISTERED),
                       waiting=count(status=RegistrationStatus.WAITLISTED),
                       checkins=count(status=RegistrationStatus.REGISTERED, checked_in_at__isnull=False))


def event_rows():
    return annotate_places(Event.objects.select_related("org", "town", "venue"))


def event_page(user, f: EventFilters, *, after=None, size=None):
    return keyset_page(filtered_events(user, f), after=after, size=size, load=event_rows())


def event_status_counts(user, f: EventFilters):
    rows = filtered_events(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def event_detail(event):
    return event_rows().get(pk=event.pk)


def organiser_choices(user):
    from gonghui.core.selectors import reach_orgs

    return [o for o in reach_orgs(user, CHANGE) if o.is_active and o.level != OrgLevel.GROUP]


def venue_choices():
    from ..models.venues import Venue

    return Venue.objects.filter(is_active=True).order_by("name", "id")


def event_registrations(event, *, statuses=LIVE_STATUSES):
    return list(Registration.objects.filter(event=event, status__in=statuses).select_related("person", "union")
                .order_by("status", "waitlist_position", "registered_at", "pk"))


# --- registrations --------------------------------------------------------------------------------------

def registrations(user, action=VIEW):
    return Registration.objects.visible_to(user, action)


@dataclass(frozen=True)
class RegistrationFilters:
    q: str = ""
    org: Org | None = None
    event: Event | None = None
    year: int | None = None
    status: str = ""
    channel: str = ""
    checked_in: str = ""  # "yes" / "no" / ""

    def as_audit(self):
        return {"q": self.q, "org": self.org.pk if self.org else None, "event": self.event.pk if self.event else None,
                "year": self.year, "status": self.status, "channel": self.channel, "checked_in": self.checked_in}


def filtered_registrations(user, f: RegistrationFilters):
    qs = registrations(user)
    if f.org is not None:
        qs = qs.filter(Q(union__path__startswith=f.org.path) | Q(event__org__path__startswith=f.org.path))
    if f.event is not None:
        qs = qs.filter(event_id=f.event.pk)
    if f.year:
        qs = qs.filter(event__starts_at__year=f.year)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.checked_in == "yes":
        qs = qs.filter(checked_in_at__isnull=False)
    elif f.checked_in == "no":
        qs = qs.filter(checked_in_at__isnull=True, status=RegistrationStatus.REGISTERED)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(person__name__startswith=q) | Q(event__title__icontains=q) | Q(union__name__icontains=q))
    return qs


def registration_rows():
    return Registration.objects.select_related("event", "event__org", "person", "union", "town")


def registration_page(user, f: RegistrationFilters, *, after=None, size=None):
    return keyset_page(filtered_registrations(user, f), after=after, size=size, load=registration_rows())


def registration_status_counts(user, f: RegistrationFilters):
    rows = filtered_registrations(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


# --- registering members (the union's picker) -------------------------------------------------------

def union_choices(user, event):
    """Grassroots unions the user may register members of for `event`: in the user's reach for
    `services.change` and inside the organiser's subtree (everyone for a district event)."""
    from gonghui.core.scoping import user_scope

    everything, paths = user_scope(user, CHANGE)
    qs = Org.objects.filter(level=OrgLevel.GRASSROOTS, is_active=True)
    if not everything:
        if not paths:
            return Org.objects.none()
        cond = Q()
        for p in paths:
            cond |= Q(path__startswith=p)
        qs = qs.filter(cond)
    if event.org.level != OrgLevel.DISTRICT:
        qs = qs.filter(path__startswith=event.org.path)
    return qs.order_by("path")


def member_choices(union, q=""):
    from gonghui.members.models import LIVE_STATUSES as LIVE_MEMBERSHIP
    from gonghui.members.models import Person

    qs = Person.objects.filter(memberships__union=union, memberships__status__in=LIVE_MEMBERSHIP).distinct()
    if q:
        qs = qs.filter(name__startswith=q)
    return qs.order_by("name", "pk")


def events_open_for_union(user):
    """PUBLISHED events a union the user runs may register members for: organised in the user's
    reach or above it (the town's, the district's)."""
    from gonghui.core.scoping import user_scope

    everything, paths = user_scope(user, CHANGE)
    qs = Event.objects.filter(status=EventStatus.PUBLISHED, starts_at__gt=timezone.now()).select_related("org")
    if everything:
        return qs.order_by("starts_at")
    if not paths:
        return qs.none()
    above = {p[:i] for p in paths for i in range(Org.steplen, len(p) + 1, Org.steplen)}
    cond = Q(org__path__in=above)
    for p in paths:
        cond |= Q(org__path__startswith=p)
    return qs.filter(cond).order_by("starts_at")


def may_register_for(user, event) -> bool:
    return union_choices(user, event).exists()


# --- the member's pages -----------------------------------------------------------------------------------

def my_registrations(person):
    return list(Registration.objects.filter(person=person).select_related("event", "event__venue")
                .order_by("-event__starts_at", "-pk")[:100])


def events_open_to_person(person):
    """PUBLISHED events not started whose organiser's subtree holds the person's live union (or the
    district's), that the person is not on yet."""
    from ..services.events import live_unions

    union = live_unions([person]).get(person.pk)
    if union is None:
        return []
    above = [union.path[:i] for i in range(Org.steplen, len(union.path) + 1, Org.steplen)]
    taken = Registration.objects.filter(person=person, status__in=LIVE_STATUSES).values("event_id")
    qs = (Event.objects.filter(status=EventStatus.PUBLISHED, starts_at__gt=timezone.now(), org__path__in=above)
          .exclude(pk__in=taken).select_related("org", "venue").order_by("starts_at"))
    return list(annotate_places(qs)[:50])


# --- statistics -------------------------------------------------------------------------------------------

@dataclass
class Line:
    label: str
    events: int = 0
    registrations: int = 0
    checkins: int = 0
    key: object = None

    @property
    def rate(self):
        if not self.registrations:
            return None
        return (Decimal(self.checkins) * 100 / Decimal(self.registrations)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Participation:
    year: int
    total: Line
    by_town: list = field(default_factory=list)
    by_union: list = field(default_factory=list)
    by_kind: list = field(default_factory=list)


@dataclass(frozen=True)
class StatsFilters:
    year: int
    org: Org | None = None

    def as_audit(self):
        return {"year": self.year, "org": self.org.pk if self.org else None}


def participation(user, f: StatsFilters) -> Participation:
    """Registrations (places held, not cancelled and not waiting), check-ins and the check-in rate
    of the year's events (not cancelled) in the user's reach — by the participant's town, by union
    (the 30 largest) and by kind of event. Three aggregate queries plus one for the events."""
    regs = registrations(user).filter(event__starts_at__year=f.year, status=RegistrationStatus.REGISTERED) \
        .exclude(event__status=EventStatus.CANCELLED)
    evs = events(user).filter(starts_at__year=f.year).exclude(status=EventStatus.CANCELLED)
    if f.org is not None:
        regs = regs.filter(Q(union__path__startswith=f.org.path) | Q(event__org__path__startswith=f.org.path))
        evs = evs.filter(org__path__startswith=f.org.path)
    agg = {"n": Count("pk"), "c": Count("pk", filter=Q(checked_in_at__isnull=False))}
    total = Line(_("Total"), events=evs.count(), **dict(zip(("registrations", "checkins"),
                                                              regs.order_by().aggregate(**agg).values(), strict=True)))
    by_town = []
    for r in regs.order_by().values("town_id", "town__name").annotate(**agg).order_by("-n", "town__name"):
        by_town.append(Line(r["town__name"] or _("District"), registrations=r["n"], checkins=r["c"], key=r["town_id"]))
    town_events = dict(evs.order_by().values("town_id").annotate(n=Count("pk")).values_list("town_id", "n"))
    for line in by_town:
        line.events = town_events.get(line.key, 0)
    by_union = [Line(r["union__name"] or "—", registrations=r["n"], checkins=r["c"], key=r["union_id"])
                for r in regs.order_by().values("union_id", "union__name").annotate(**agg).order_by("-n")[:30]]
    kinds = dict(EventKind.choices)
    kind_events = dict(evs.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    by_kind = [Line(str(kinds.get(r["event__kind"], r["event__kind"])), events=kind_events.get(r["event__kind"], 0),
                    registrations=r["n"], checkins=r["c"], key=r["event__kind"])
               for r in regs.order_by().values("event__kind").annotate(**agg).order_by("-n")]
    return Participation(year=f.year, total=total, by_town=by_town, by_union=by_union, by_kind=by_kind)


def town_chart(stats: Participation, *, labels: dict) -> dict:
    """ECharts option (static/js/charts.js reads it through json_script)."""
    rows = stats.by_town
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "left": 0, "itemWidth": 14, "itemHeight": 10, "textStyle": {"fontSize": 12}},
        "grid": {"left": 8, "right": 24, "top": 40, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": [str(r.label) for r in rows],
                  "axisLabel": {"width": 90, "overflow": "truncate"}},
        "series": [
            {"type": "bar", "name": labels["registrations"], "barMaxWidth": 14, "itemStyle": {"color": "#b8232f"},
             "data": [r.registrations for r in rows]},
            {"type": "bar", "name": labels["checkins"], "barMaxWidth": 14, "itemStyle": {"color": "#3a7ca5"},
             "data": [r.checkins for r in rows]},
        ],
    }


# --- overview and due soon ----------------------------------------------------------------------------

def overview_card(user):
    """Events on the services overview: open for registration, coming up, held this year. One
    aggregate scoped query."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    at, year = timezone.now(), today().year
    c = events(user).order_by().aggregate(
        open=Count("pk", filter=Q(status=EventStatus.PUBLISHED)),
        coming=Count("pk", filter=Q(status__in=(EventStatus.PUBLISHED, EventStatus.CLOSED), starts_at__gt=at)),
        year=Count("pk", filter=Q(starts_at__year=year) & ~Q(status=EventStatus.CANCELLED)),
        draft=Count("pk", filter=Q(status=EventStatus.DRAFT)))
    url = reverse("services:event_list")
    return Card(title=_("Events"), url=url, rows=[
        Row(_("Open for registration"), c["open"], url + "?status=PUBLISHED"),
        Row(_("Coming up"), c["coming"], url),
        Row(_("Drafts"), c["draft"], url + "?status=DRAFT"),
        Row(_("Events this year"), c["year"], url + f"?year={year}"),
    ])


def due_events_summary(user):
    """Dashboard line for organisers: events whose end has passed but are not finished (overdue)
    and drafts starting within `starting_soon_days` (soon: publish them). One aggregate query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(CHANGE):
        return None
    at = timezone.now()
    figures = events(user, CHANGE).order_by().aggregate(
        overdue=Count("pk", filter=Q(status__in=(EventStatus.PUBLISHED, EventStatus.CLOSED), ends_at__lt=at)),
        soon=Count("pk", filter=Q(status=EventStatus.DRAFT, starts_at__gte=at,
                                  starts_at__lt=at + datetime.timedelta(days=rules().starting_soon_days))))
    if not figures["overdue"] and not figures["soon"]:
        return None
    return DueSummary(label=_("Events to finish or publish"), overdue=figures["overdue"], soon=figures["soon"],
                      url=reverse("services:event_list"))


DUE_SOURCES = (due_events_summary,)
