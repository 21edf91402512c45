"""The yearly "held a congress this year" status of every unionised enterprise in a user's reach
(issue 5, end of item 1), for the town and district views.

Who is listed. Every enterprise that has a union (`Enterprise.union` set) whose union lies in
the user's subtree for the action: the union is the org every congress row belongs to, so the
status page, the checklist and the statistics place an enterprise exactly where its congress
records are (a town cadre sees the enterprises whose unions sit in the town).

What a row says, for year Y (`rules()` and the shared definitions of the brief):
- the form it must hold: a workers' congress from `congress_min_headcount` staff (today's
  headcount), else an all-staff meeting;
- whether it has a current term (a CongressBody in status ACTIVE);
- whether it held a congress in Y: a session of any of its bodies with `held_on` in Y and status
  HELD or REPORTED (planned and cancelled sessions do not count; an all-staff meeting counts);
- the last session held on or before 31 December Y;
- the report to the upper union of Y's sessions: the earliest report still owed (status HELD)
  and whether it is overdue (due before today), else "done" once every session of Y is REPORTED.

Cost. A page is one query (enterprises with correlated EXISTS / LIMIT 1 subqueries, each served
by the FK indexes on congress_body.enterprise_id and congress_session.body_id), the summary one
aggregate grouped by town, and the town menu one query: three queries whatever the size. The
summary passes every enterprise of the reach (≈20–40 ms of SQL for a district): the page's
(`status_report`) is kept for FIGURES_CACHE_SECONDS per (user, filters) and the page says when it
was counted.
"""

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from gonghui.core.pagination import KeysetPage
from gonghui.core.scoping import user_scope
from gonghui.orgs.models import Enterprise, Org, OrgLevel

from ..models import BodyStatus, CongressBody, Session, SessionStatus
from ..policies import VIEW
from ..rules import rules

HELD_STATUSES = (SessionStatus.HELD, SessionStatus.REPORTED)

# Values of the "held" filter.
HELD_YES, HELD_NO = "yes", "no"


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def unionised_enterprises(user, action=VIEW):
    """Enterprises with a union in the user's reach for `action` (their union in the subtree).
    One join to the union's org; no DISTINCT (a to-one relation never repeats a row)."""
    everything, paths = user_scope(user, action)
    qs = Enterprise.objects.filter(union__isnull=False)
    if everything:
        return qs
    if not paths:
        return qs.none()
    return qs.filter(reduce(or_, [Q(union__path__startswith=path) for path in paths]))


# The town of a congress record is the town (or platform) its union sits under, as in the scope
# and in the proposals area (`write_proposals`): not `Enterprise.town`, the address. An enterprise
# of 南阳 whose union sits under the district's logistics union is no 南阳 cadre's, so the
# district's 南阳 row must not count it either; it goes to the "above town level" row.
TOWN_LEVELS = (OrgLevel.TOWN, OrgLevel.PLATFORM)


def town_path(org_path_field):
    """SQL: the path of the org's ancestor right under the district (towns and platforms sit
    there, `orgs.ALLOWED_CHILDREN`); a town only when that ancestor is of a town level."""
    return Substr(org_path_field, 1, Org.steplen * 2)


def town_options(user, action=VIEW) -> list[Org]:
    """The towns and platforms the unions of the user's enterprises sit under (the town filter's
    menu), by path."""
    paths = unionised_enterprises(user, action).order_by().annotate(place=town_path("union__path")).values("place")
    return list(Org.objects.filter(level__in=TOWN_LEVELS, path__in=paths).order_by("path"))


def town_of(path: str, towns_by_path: dict):
    """The town (of `towns_by_path`) a union's path sits under, or None above the towns."""
    return towns_by_path.get(path[: Org.steplen * 2])


# --- the expressions every status read shares -----------------------------------------------------

def _sessions_held_in(year):
    start, end = year_bounds(year)
    return Session.objects.filter(body__enterprise=OuterRef("pk"), status__in=HELD_STATUSES,
                                  held_on__gte=start, held_on__lte=end)


def held_in(year):
    """EXISTS: the enterprise held a congress (or all-staff meeting) in `year` (per row: for a
    page of rows; sets of rows use `held_ids`)."""
    return Exists(_sessions_held_in(year))


# Uncorrelated id sets: `pk IN (SELECT …)` is evaluated once and hashed by PostgreSQL, where a
# correlated EXISTS runs once per enterprise; over a district's 8,000 enterprises the correlated
# plan is estimated so high that PostgreSQL JIT-compiles it on every request (see the docs).

def held_ids(year):
    start, end = year_bounds(year)
    return (Session.objects.filter(status__in=HELD_STATUSES, held_on__gte=start, held_on__lte=end)
            .values("body__enterprise_id"))


def overdue_ids(year, today):
    start, end = year_bounds(year)
    return (Session.objects.filter(status=SessionStatus.HELD, held_on__gte=start, held_on__lte=end,
                                   report_due_on__lt=today).values("body__enterprise_id"))


def current_term_ids():
    return CongressBody.objects.filter(status=BodyStatus.ACTIVE).values("enterprise_id")


def current_body_id():
    """The id of the enterprise's current term (at most one: a unique constraint), or None."""
    return Subquery(CongressBody.objects.filter(enterprise=OuterRef("pk"), status=BodyStatus.ACTIVE)
                    .values("pk")[:1])


def last_held_on(year):
    """The date of the last session held on or before the end of `year`."""
    _start, end = year_bounds(year)
    return Subquery(Session.objects.filter(body__enterprise=OuterRef("pk"), status__in=HELD_STATUSES,
                                           held_on__lte=end).order_by("-held_on").values("held_on")[:1])


def report_owed_due(year):
    """The earliest report-due date of `year`'s sessions not yet reported (status HELD)."""
    return Subquery(_sessions_held_in(year).filter(status=SessionStatus.HELD).order_by("report_due_on")
                    .values("report_due_on")[:1])


def report_overdue(year, today):
    return Exists(_sessions_held_in(year).filter(status=SessionStatus.HELD, report_due_on__lt=today))


# --- filters ----------------------------------------------------------------------------------------

@dataclass
class EnterpriseFilters:
    """Filters shared by the status list and the 厂务公开 list (and their exports)."""

    year: int
    town: Org | None = None
    industry: str = ""
    above_scale: bool = False
    q: str = ""                 # enterprise name contains
    held: str = ""              # status list: HELD_YES, HELD_NO or "" (any)
    missing: bool = False       # 厂务公开 list: only enterprises with a missing item


def filtered_enterprises(user, filters: EnterpriseFilters, *, action=VIEW, town=True):
    """The reach narrowed by the place filters (town, industry, size, name). `town=False` leaves
    the town filter out: the summary is grouped by town and shows every town."""
    qs = unionised_enterprises(user, action)
    if town and filters.town is not None:
        qs = qs.filter(union__path__startswith=filters.town.path)
    if filters.industry:
        qs = qs.filter(industry=filters.industry)
    if filters.above_scale:
        qs = qs.filter(above_scale=True)
    q = filters.q.strip()
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def _held_filter(qs, filters):
    if filters.held == HELD_YES:
        return qs.filter(pk__in=held_ids(filters.year))
    if filters.held == HELD_NO:
        return qs.exclude(pk__in=held_ids(filters.year))
    return qs


def status_queryset(user, filters: EnterpriseFilters, *, action=VIEW, today=None):
    """The listed enterprises with their status columns, by primary key."""
    today = today or timezone.localdate()
    year = filters.year
    qs = filtered_enterprises(user, filters, action=action)
    qs = _held_filter(qs, filters)
    return (qs.select_related("town", "union")
            .annotate(held=held_in(year), current_body_id=current_body_id(), last_held_on=last_held_on(year),
                      report_due_on=report_owed_due(year), report_overdue=report_overdue(year, today))
            .order_by("pk"))


# --- the summary ------------------------------------------------------------------------------------

@dataclass
class StatusCounts:
    enterprises: int = 0
    congress_form: int = 0      # must hold a workers' congress (headcount ≥ the threshold)
    current_term: int = 0
    held: int = 0
    reports_overdue: int = 0

    @property
    def all_staff_form(self):
        return self.enterprises - self.congress_form

    @property
    def not_held(self):
        return self.enterprises - self.held

    @property
    def held_rate(self):
        """Percentage with one decimal, None when there is no enterprise."""
        if not self.enterprises:
            return None
        return round(self.held * 100 / self.enterprises, 1)

    def add(self, other: "StatusCounts"):
        for name in ("enterprises", "congress_form", "current_term", "held", "reports_overdue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class TownCounts:
    town: Org | None            # None: the unions above town level (under the district or its industry unions)
    counts: StatusCounts


@dataclass
class StatusSummary:
    year: int
    total: StatusCounts = field(default_factory=StatusCounts)   # of the town filter (or every town)
    by_town: list[TownCounts] = field(default_factory=list)     # every town, the town filter aside
    counted_at: datetime.datetime | None = None
    cached: bool = False  # kept for FIGURES_CACHE_SECONDS (`status_report`): the page says when it was counted


def status_summary(user, filters: EnterpriseFilters, *, towns: list[Org], action=VIEW, today=None):
    """Counts of the filtered enterprises (the "held" filter aside: the summary is what it splits)
    per town in one GROUP BY query; `towns` names the rows (`town_options`)."""
    today = today or timezone.localdate()
    year = filters.year
    minimum = rules().congress_min_headcount
    rows = (filtered_enterprises(user, filters, action=action, town=False).order_by()
            .values(place=town_path("union__path"))
            .annotate(enterprises=Count("pk"),
                      congress_form=Count("pk", filter=Q(headcount__gte=minimum)),
                      current_term=Count("pk", filter=Q(pk__in=current_term_ids())),
                      held=Count("pk", filter=Q(pk__in=held_ids(year))),
                      reports_overdue=Count("pk", filter=Q(pk__in=overdue_ids(year, today)))))
    towns_by_path = {town.path: town for town in towns}
    by_town: dict = {}
    for row in rows:
        town = towns_by_path.get(row.pop("place"))
        by_town.setdefault(town, StatusCounts()).add(StatusCounts(**row))
    summary = StatusSummary(year=year, counted_at=timezone.now())
    summary.by_town = [TownCounts(town=town, counts=by_town[town]) for town in towns if town in by_town]
    if None in by_town:
        summary.by_town.append(TownCounts(town=None, counts=by_town[None]))
    for row in summary.by_town:
        if filters.town is None or filters.town == row.town:
            summary.total.add(row.counts)
    return summary


def status_report(user, filters: EnterpriseFilters, *, towns: list[Org], today=None, refresh=False):
    """`status_summary` for the status page, from the cache when counted lately (see the module);
    `refresh=True` counts again and replaces the cached entry. The "held" filter is not part of
    the key: the summary ignores it (it is what the summary splits)."""
    from gonghui.members.figures import kept_figures, user_figures_key

    def key():
        # today is in every figures key: "reports overdue" is counted against it
        return user_figures_key("congress:status", user, filters.year, filters.town.pk if filters.town else None,
                                filters.industry, filters.above_scale, filters.q, rules().congress_min_headcount,
                                [town.pk for town in towns], today)

    return kept_figures(key, lambda: status_summary(user, filters, towns=towns, today=today), refresh=refresh)


def listed_count(summary: StatusSummary, held: str) -> int:
    """How many rows the list has, from the summary (no COUNT of its own)."""
    if held == HELD_YES:
        return summary.total.held
    if held == HELD_NO:
        return summary.total.not_held
    return summary.total.enterprises


def status_page(user, filters: EnterpriseFilters, *, count: int, after=None, size=None, today=None) -> KeysetPage:
    """One page in one query: the keys after `after` in ascending order, size + 1 to know whether
    there is a next page. `count` is the summary's (see `listed_count`)."""
    size = size or settings.LIST_PAGE_SIZE
    qs = status_queryset(user, filters, today=today)
    if after:
        qs = qs.filter(pk__gt=after)
    rows = list(qs[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(items=rows, next_after=rows[-1].pk if has_more else None, has_previous=bool(after),
                      count=count, count_capped=False)


def export_rows(user, filters: EnterpriseFilters, *, action=VIEW, today=None):
    """Every listed enterprise with the page's status attributes, for the export: the facts are
    read in two grouped queries over the filtered set (sessions by enterprise, current terms)
    instead of five correlated subqueries per enterprise, then attached while streaming."""
    today = today or timezone.localdate()
    start, end = year_bounds(filters.year)
    listed = _held_filter(filtered_enterprises(user, filters, action=action), filters)
    held_q = Q(status__in=HELD_STATUSES)
    in_year = Q(held_on__gte=start, held_on__lte=end)
    facts = {row["enterprise"]: row for row in (
        Session.objects.filter(held_q, held_on__lte=end, body__enterprise__in=listed.values("pk")).order_by()
        .values(enterprise=F("body__enterprise_id"))
        .annotate(last=Max("held_on"), held_n=Count("pk", filter=in_year),
                  owed=Min("report_due_on", filter=in_year & Q(status=SessionStatus.HELD))))}
    bodies = dict(CongressBody.objects.filter(status=BodyStatus.ACTIVE, enterprise__in=listed.values("pk"))
                  .values_list("enterprise_id", "pk"))
    for enterprise in listed.select_related("town", "union").order_by("pk").iterator(chunk_size=1000):
        fact = facts.get(enterprise.pk, {})
        enterprise.held = bool(fact.get("held_n"))
        enterprise.last_held_on = fact.get("last")
        enterprise.report_due_on = fact.get("owed")
        enterprise.report_overdue = enterprise.report_due_on is not None and enterprise.report_due_on < today
        enterprise.current_body_id = bodies.get(enterprise.pk)
        yield enterprise


def must_hold_congress(enterprise) -> bool:
    return enterprise.headcount >= rules().congress_min_headcount
