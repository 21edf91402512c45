"""Reads behind the home dashboard: the user's reach with key figures, and per-child figures.

Per-child figures come from a fixed number of grouped queries (see `child_figures`), so the
number of queries does not grow with the number of towns or unions; the grouped counts, and the
per-child roll-up made from them, are cached for a few minutes (`gonghui.members.figures`). So
is each user's list of deadlines (`dashboard_due`).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from gonghui.members.figures import MemberKpis, SubtreeCounts, cached_rollup, subtree_counts, user_figures_key
from gonghui.members.selectors import member_kpis
from gonghui.orgs.models import Org, OrgLevel
from gonghui.orgs.selectors import children_of, root_orgs_for

from . import workdays


@dataclass
class ChildFigures:
    org: Org
    kpis: MemberKpis


@dataclass
class ReachSection:
    org: Org
    kpis: MemberKpis
    children: list[ChildFigures] = field(default_factory=list)
    as_of: object = None  # when the counts were made (they are cached for a few minutes)


def child_figures(org: Org, counts: SubtreeCounts | None = None) -> list[ChildFigures]:
    """Unions, live members, migrants and headcount of each direct child's subtree: the
    subtree's nodes (id, path) once, and the grouped counts of `subtree_counts` mapped to the
    child in Python, so the number of queries does not grow with the tree."""
    children = [child for child in children_of(org) if child.is_active]
    if not children:
        return []
    counts = counts or subtree_counts(org.path)
    width = len(org.path) + Org.steplen
    child_paths = {child.path for child in children}

    def child_of(path):
        prefix = (path or "")[:width]
        return prefix if prefix in child_paths else None

    figures = {path: {"unions": 0, "members": 0, "migrants": 0, "headcount": 0} for path in child_paths}
    nodes = (Org.objects.filter(path__startswith=org.path).order_by()
             .values_list("id", "path", "level", "is_active"))
    path_of = {}
    for pk, path, level, active in nodes:
        path_of[pk] = path
        key = child_of(path)
        if key and level == OrgLevel.GRASSROOTS and active:
            figures[key]["unions"] += 1
    for union_id, (n, migrants) in counts.members_by_union.items():
        key = child_of(path_of.get(union_id))
        if key:
            figures[key]["members"] += n
            figures[key]["migrants"] += migrants
    # An enterprise counts under its union's child; under its town's while it has no union there.
    for union_id, town_id, n in counts.headcount_by_unit:
        key = child_of(path_of.get(union_id)) or child_of(path_of.get(town_id))
        if key:
            figures[key]["headcount"] += n or 0
    return [ChildFigures(org=child, kpis=MemberKpis(**figures[child.path])) for child in children]


@dataclass(frozen=True)
class SectionFigures:
    """The numbers of one section (no org rows: names are read fresh on every request)."""

    kpis: MemberKpis
    by_child: dict  # child path → MemberKpis
    as_of: object


def section_figures(org: Org, counts: SubtreeCounts) -> SectionFigures:
    return SectionFigures(kpis=member_kpis(org, counts),
                          by_child={c.org.path: c.kpis for c in child_figures(org, counts)},
                          as_of=counts.as_of)


def reach_section(org: Org) -> ReachSection:
    """The org's figures and its active children's, from the cached roll-up of its subtree
    counts (`members.figures.cached_rollup`) at the district and town levels."""
    figures = cached_rollup(org.path, lambda counts: section_figures(org, counts))
    no_figures = MemberKpis(unions=0, members=0, migrants=0, headcount=0)
    children = [ChildFigures(org=child, kpis=figures.by_child.get(child.path, no_figures))
                for child in children_of(org) if child.is_active]
    return ReachSection(org=org, kpis=figures.kpis, children=children, as_of=figures.as_of)


def dashboard_for(user) -> list[ReachSection]:
    """One section per top org of the user's reach (usually one: the district or a town)."""
    return [reach_section(org) for org in root_orgs_for(user)]


@dataclass
class CalendarWarning:
    """The holiday arrangement of this or next year is missing: working-day deadlines in those
    years are Monday–Friday estimates. Administrators are asked to enter it; everyone else is
    told the dates are estimates."""

    years: list[int]
    for_admins: bool
    admin_url: str | None = None

    @property
    def years_label(self):
        return pgettext("list separator", ", ").join(str(year) for year in self.years)


def calendar_warning(user, today: datetime.date | None = None) -> CalendarWarning | None:
    """None while the library or the override table knows this year's and next year's holidays."""
    years = workdays.missing_years(today or timezone.localdate())
    if not years or user is None or not user.is_authenticated:
        return None
    for_admins = user.is_administrator
    admin_url = reverse("admin:core_workdayoverride_changelist") if user.is_staff and user.is_active else None
    return CalendarWarning(years=years, for_admins=for_admins, admin_url=admin_url)


# --- things due: each domain app registers a summary in its AppConfig.ready() -----------------

@dataclass
class DueSummary:
    """One line of the dashboard's "due" card: what area, how many overdue / due soon, where."""

    label: str
    overdue: int
    soon: int
    url: str


_DUE_SOURCES = []


def register_due_source(source):
    """`source(user) -> DueSummary | None`, called for every dashboard view; keep it to one or
    two indexed, scoped queries. Core cannot import the domain apps, so they register here."""
    _DUE_SOURCES.append(source)


def due_for(user) -> list[DueSummary]:
    summaries = (source(user) for source in _DUE_SOURCES)
    return [s for s in summaries if s is not None and (s.overdue or s.soon)]


@dataclass
class DueList:
    """The dashboard's deadlines and when they were counted (None: counted for this request)."""

    items: list[DueSummary]
    counted_at: datetime.datetime | None = None


def dashboard_due(user, seconds: int | None = None) -> DueList:
    """`due_for(user)` kept for `seconds` (default FIGURES_CACHE_SECONDS; 0 = count on every
    request): at district scale the ~35 scoped counts cost ~250 ms of SQL, more than the rest of
    the page. The home page and the statistics dashboard share the entry; it is the user's own
    (their reach, their "mine" lines: `user_figures_key`)."""
    if seconds is None:
        seconds = getattr(settings, "FIGURES_CACHE_SECONDS", 300)
    if seconds <= 0:
        return DueList(items=due_for(user))
    key = user_figures_key("dashboard:due", user)
    cached = cache.get(key)
    if cached is not None:
        return cached
    due = DueList(items=due_for(user), counted_at=timezone.now())
    cache.set(key, due, seconds)
    return due
