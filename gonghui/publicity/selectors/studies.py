"""Reads of cadre study sessions, scoped to the user (the organiser's subtree), plus the user's
own invitations ("my study sessions", not scoped: the invitation is the right).

Figures (also in docs/publicity-studies.md):
- invited: invitees of a session; attended: invitees PRESENT or LATE (person-times);
- attendance rate: attended ÷ invited × 100 (leave is not attended, shown on its own);
- yearly counts by town (`town_counts`): HELD sessions starting in the year, grouped by the
  organiser's town (the district's own sessions in the district's row).
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org

from ..models.studies import ATTENDED_STATUSES, StudyAttendance, StudyInvitee, StudyMaterial, StudySession, StudyStatus
from ..policies.studies import CHANGE, VIEW
from ..rules.studies import rules


def today():
    return timezone.localdate()


def sessions(user, action=VIEW):
    return StudySession.objects.visible_to(user, action)


@dataclass(frozen=True)
class StudyFilters:
    q: str = ""
    org: Org | None = None
    kind: str = ""
    status: str = ""
    year: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    upcoming: bool = False

    def as_audit(self):
        return {"q": self.q, "org": self.org.pk if self.org else None, "kind": self.kind, "status": self.status,
                "year": self.year, "from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None, "upcoming": self.upcoming}


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_sessions(user, f: StudyFilters):
    qs = sessions(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.year:
        qs = qs.filter(starts_at__gte=_day_start(datetime.date(f.year, 1, 1)),
                       starts_at__lt=_day_start(datetime.date(f.year + 1, 1, 1)))
    if f.date_from:
        qs = qs.filter(starts_at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(starts_at__lt=_day_start(f.date_to + datetime.timedelta(days=1)))
    if f.upcoming:
        qs = qs.filter(status=StudyStatus.PLANNED, starts_at__gte=timezone.now())
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(speaker__startswith=q) | Q(org__name__icontains=q))
    return qs


def with_counts(qs):
    """Sessions annotated with n_invited, n_present, n_late, n_absent, n_leave."""
    return qs.annotate(
        n_invited=Count("invitees"),
        n_present=Count("invitees", filter=Q(invitees__status=StudyAttendance.PRESENT)),
        n_late=Count("invitees", filter=Q(invitees__status=StudyAttendance.LATE)),
        n_absent=Count("invitees", filter=Q(invitees__status=StudyAttendance.ABSENT)),
        n_leave=Count("invitees", filter=Q(invitees__status=StudyAttendance.LEAVE)))


def session_rows():
    return with_counts(StudySession.objects.select_related("org", "town"))


def session_page(user, f: StudyFilters, *, after=None, size=None):
    return keyset_page(filtered_sessions(user, f), after=after, size=size, load=session_rows())


def status_counts(user, f: StudyFilters):
    rows = filtered_sessions(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def invitees_of(session):
    return list(StudyInvitee.objects.filter(session=session).select_related("user", "org", "recorded_by")
                .order_by("org__path", "user__username", "pk"))


def materials_of(session):
    return list(StudyMaterial.objects.filter(session=session).select_related("uploaded_by").order_by("pk"))


def rate(attended, invited) -> Decimal | None:
    if not invited:
        return None
    return (Decimal(100) * attended / invited).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SheetCounts:
    invited: int
    present: int
    late: int
    absent: int
    leave: int
    blank: int

    @property
    def attended(self):
        return self.present + self.late

    @property
    def rate(self):
        return rate(self.attended, self.invited)


def sheet_counts(session) -> SheetCounts:
    c = StudyInvitee.objects.filter(session=session).aggregate(
        invited=Count("pk"), present=Count("pk", filter=Q(status=StudyAttendance.PRESENT)),
        late=Count("pk", filter=Q(status=StudyAttendance.LATE)),
        absent=Count("pk", filter=Q(status=StudyAttendance.ABSENT)),
        leave=Count("pk", filter=Q(status=StudyAttendance.LEAVE)))
    return SheetCounts(blank=c["invited"] - c["present"] - c["late"] - c["absent"] - c["leave"], **c)


def org_choices(user, session, q="", limit=50):
    """Orgs inside the organiser's subtree (for "invite the cadres of…"), by name."""
    qs = Org.objects.filter(path__startswith=session.org.path, is_active=True)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


def cadre_choices(session, q="", limit=50):
    """Cadres (users with a cadre role) under the organiser and not yet invited, by name."""
    from gonghui.accounts.models import User

    from ..services.studies import CADRE_ROLES

    qs = (User.objects.filter(is_active=True, role_assignments__role__in=CADRE_ROLES,
                              role_assignments__org__path__startswith=session.org.path)
          .exclude(study_invitations__session=session).distinct())
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    return list(qs.order_by("username")[:limit])


# --- my study sessions ------------------------------------------------------------------------------

def my_invitations(user, year):
    """The user's invitations to sessions starting in `year`, newest first (own rows only)."""
    return (StudyInvitee.objects.filter(user=user, session__starts_at__year=year)
            .select_related("session", "session__org").order_by("-session__starts_at", "-pk"))


def my_upcoming(user):
    return (StudyInvitee.objects.filter(user=user, session__status=StudyStatus.PLANNED,
                                        session__ends_at__gte=timezone.now())
            .select_related("session", "session__org").order_by("session__starts_at", "pk"))


def my_record(user, year) -> SheetCounts:
    """My attendance over the year's held sessions."""
    c = StudyInvitee.objects.filter(user=user, session__starts_at__year=year,
                                    session__status=StudyStatus.HELD).aggregate(
        invited=Count("pk"), present=Count("pk", filter=Q(status=StudyAttendance.PRESENT)),
        late=Count("pk", filter=Q(status=StudyAttendance.LATE)),
        absent=Count("pk", filter=Q(status=StudyAttendance.ABSENT)),
        leave=Count("pk", filter=Q(status=StudyAttendance.LEAVE)))
    return SheetCounts(blank=c["invited"] - c["present"] - c["late"] - c["absent"] - c["leave"], **c)


def my_invitation(user, session_pk):
    return (StudyInvitee.objects.filter(user=user, session_id=session_pk)
            .select_related("session", "session__org").first())


# --- yearly counts by town ------------------------------------------------------------------------

@dataclass
class TownLine:
    town_id: int | None
    label: str
    sessions: int = 0
    invited: int = 0
    attended: int = 0
    leave: int = 0
    absent: int = 0

    @property
    def rate(self):
        return rate(self.attended, self.invited)


@dataclass
class TownCounts:
    year: int
    lines: list = field(default_factory=list)
    total: TownLine = None


def town_counts(user, year) -> TownCounts:
    """HELD sessions of the year in the user's reach, by the organiser's town: sessions, invited,
    attended, leave, absent, rate. Two aggregate queries."""
    held = sessions(user).filter(status=StudyStatus.HELD, starts_at__year=year)
    by_sessions = {r["town_id"]: r["n"] for r in held.order_by().values("town_id").annotate(n=Count("pk"))}
    rows = (StudyInvitee.objects.filter(session__in=held.values("pk")).order_by()
            .values("session__town_id").annotate(
                invited=Count("pk"), attended=Count("pk", filter=Q(status__in=ATTENDED_STATUSES)),
                leave=Count("pk", filter=Q(status=StudyAttendance.LEAVE)),
                absent=Count("pk", filter=Q(status=StudyAttendance.ABSENT))))
    by_people = {r["session__town_id"]: r for r in rows}
    names = dict(Org.objects.filter(pk__in=[t for t in by_sessions if t]).values_list("pk", "name"))
    lines = []
    for town_id, n in by_sessions.items():
        r = by_people.get(town_id, {})
        lines.append(TownLine(town_id, names.get(town_id) if town_id else _("District federation (own sessions)"),
                              n, r.get("invited", 0), r.get("attended", 0), r.get("leave", 0), r.get("absent", 0)))
    lines.sort(key=lambda x: (x.town_id is not None, str(x.label)))
    total = TownLine(None, _("Total"))
    for line in lines:
        total.sessions += line.sessions
        total.invited += line.invited
        total.attended += line.attended
        total.leave += line.leave
        total.absent += line.absent
    return TownCounts(year=year, lines=lines, total=total)


# --- overview and due --------------------------------------------------------------------------------

def overview_card(user):
    """干部学习 on the publicity overview: this year's held sessions and attendance rate, coming
    up, sheets still to record. Two aggregate scoped queries."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    day = today()
    now = timezone.now()
    mine = sessions(user)
    c = mine.order_by().aggregate(
        held=Count("pk", filter=Q(status=StudyStatus.HELD, starts_at__year=day.year)),
        soon=Count("pk", filter=Q(status=StudyStatus.PLANNED, starts_at__gte=now,
                                  starts_at__lte=now + datetime.timedelta(days=rules().soon_days))),
        planned=Count("pk", filter=Q(status=StudyStatus.PLANNED)))
    a = StudyInvitee.objects.filter(session__in=mine.filter(status=StudyStatus.HELD,
                                                           starts_at__year=day.year).values("pk")).aggregate(
        invited=Count("pk"), attended=Count("pk", filter=Q(status__in=ATTENDED_STATUSES)))
    url = reverse("publicity:study_list")
    r = rate(a["attended"], a["invited"])
    return Card(title=_("Cadre study sessions"), url=url, rows=[
        Row(_("Held this year"), c["held"], f"{url}?status=HELD&year={day.year}"),
        Row(_("Attendance rate this year (%)"), r if r is not None else "—", reverse("publicity:study_stats")),
        Row(_("Coming up"), c["soon"], f"{url}?upcoming=1"),
        Row(_("Planned"), c["planned"], f"{url}?status=PLANNED"),
    ])


def sheets_due(user):
    """Dashboard: sessions that have started, not cancelled, with invitees not yet recorded;
    overdue = the sheet locks within 2 days, soon = the others still open."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(CHANGE):
        return None
    day = today()
    lock = rules().lock_after_days
    open_from = _day_start(day - datetime.timedelta(days=lock))
    urgent_before = _day_start(day - datetime.timedelta(days=lock - 2))
    base = (sessions(user, CHANGE).exclude(status=StudyStatus.CANCELLED)
            .filter(starts_at__gte=open_from, starts_at__lte=timezone.now(), invitees__status=""))
    c = base.order_by().aggregate(overdue=Count("pk", distinct=True, filter=Q(starts_at__lt=urgent_before)),
                                  soon=Count("pk", distinct=True, filter=Q(starts_at__gte=urgent_before)))
    return DueSummary(label=_("Study sessions: attendance to record"), overdue=c["overdue"], soon=c["soon"],
                      url=reverse("publicity:study_list") + "?status=HELD")


DUE_SOURCES = (sheets_due,)


def town_chart(table: TownCounts, *, labels: dict) -> dict:
    """ECharts option (static/js/charts.js reads it through json_script): per town, sessions held
    and person-times attended as bars."""
    names = [str(line.label) for line in table.lines]
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "left": 0, "itemWidth": 14, "itemHeight": 10, "textStyle": {"fontSize": 12}},
        "grid": {"left": 8, "right": 24, "top": 40, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": names,
                  "axisLabel": {"width": 90, "overflow": "truncate"}},
        "series": [
            {"type": "bar", "name": labels["sessions"], "barMaxWidth": 14, "itemStyle": {"color": "#b8232f"},
             "data": [line.sessions for line in table.lines]},
            {"type": "bar", "name": labels["attended"], "barMaxWidth": 14, "itemStyle": {"color": "#3a7ca5"},
             "data": [line.attended for line in table.lines]},
        ],
    }
