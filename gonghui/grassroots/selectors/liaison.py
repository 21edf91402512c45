"""Every read of liaison points that takes a user: through the scope.

The coverage report (`coverage`) counts, for one quarter, the *target* enterprises — those with
a liaison assignment whose period overlaps the quarter, and (rule `coverage_top100`) every
top-100 enterprise — and which of them had at least one visit in the quarter, per town and per
cadre. A fixed number of grouped queries, whatever the number of towns or cadres. They pass
every target enterprise and assignment of the reach (≈20 ms of SQL for a district), so the page's
report (`coverage_report`) is kept for FIGURES_CACHE_SECONDS per (user, quarter, org) and the
page says when it was counted.
"""

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import pgettext

from gonghui.core.pagination import keyset_page
from gonghui.core.scoping import user_scope
from gonghui.orgs.models import Enterprise, Org, OrgLevel

from ..models.liaison import (
    AssignmentStatus,
    FollowUpStatus,
    LiaisonAssignment,
    LiaisonFollowUp,
    LiaisonVisit,
    LiaisonVisitTopic,
)
from ..policies.liaison import CADRE_ROLES, LIAISE, VIEW
from ..rules.liaison import rules


def today():
    return timezone.localdate()


# --- quarters -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: datetime.date):
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def starts_on(self):
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def ends_on(self):
        if self.number == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.number + 1, 1) - datetime.timedelta(days=1)

    @property
    def label(self):
        return pgettext("quarter", "%(year)s Q%(number)s") % {"year": self.year, "number": self.number}

    def previous(self):
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self):
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)


# --- scope ---------------------------------------------------------------------------------------

def subtree_ids(user, action=VIEW):
    """(everything, queryset of org ids) of the user's reach for the action."""
    everything, paths = user_scope(user, action)
    if everything:
        return True, None
    if not paths:
        return False, Org.objects.none().values("id")
    return False, Org.objects.filter(reduce(or_, [Q(path__startswith=p) for p in paths])).values("id")


def enterprises_in_reach(user, action=VIEW):
    """Enterprises of a town in the user's reach, or of a union in it (own columns, no DISTINCT)."""
    everything, ids = subtree_ids(user, action)
    if everything:
        return Enterprise.objects.all()
    return Enterprise.objects.filter(Q(town_id__in=ids) | Q(union_id__in=ids))


def liaise_enterprises(user):
    """Enterprises the user may write liaison records for (their town is in the liaise reach)."""
    everything, ids = subtree_ids(user, LIAISE)
    if everything:
        return Enterprise.objects.all()
    return Enterprise.objects.filter(town_id__in=ids)


def _in_org(org):
    return Q(town__path__startswith=org.path) | Q(enterprise__union__path__startswith=org.path)


# --- visits -------------------------------------------------------------------------------------

@dataclass
class VisitFilters:
    q: str = ""                       # enterprise name or cadre name contains
    org: Org | None = None            # a town's (or union's) subtree
    topic: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    top100: bool = False
    open_follow_ups: bool = False     # with an open follow-up action
    enterprise: Enterprise | None = None


def visits(user, action=VIEW):
    return LiaisonVisit.objects.visible_to(user, action)


def filtered_visits(user, filters: VisitFilters):
    qs = visits(user)
    if filters.org is not None:
        qs = qs.filter(_in_org(filters.org))
    if filters.enterprise is not None:
        qs = qs.filter(enterprise=filters.enterprise)
    if filters.topic:
        qs = qs.filter(Exists(LiaisonVisitTopic.objects.filter(visit=OuterRef("pk"), topic=filters.topic)))
    if filters.date_from:
        qs = qs.filter(visited_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(visited_on__lte=filters.date_to)
    if filters.top100:
        qs = qs.filter(enterprise__top100=True)
    if filters.open_follow_ups:
        qs = qs.filter(Exists(LiaisonFollowUp.objects.filter(visit=OuterRef("pk"), status=FollowUpStatus.OPEN)))
    q = (filters.q or "").strip()
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(cadre_name__icontains=q) | Q(companions__icontains=q))
    return qs


def visit_rows(on=None):
    on = on or today()
    return (LiaisonVisit.objects.select_related("town", "enterprise")
            .prefetch_related("topics")
            .annotate(open_count=Count("follow_ups", filter=Q(follow_ups__status=FollowUpStatus.OPEN), distinct=True),
                      overdue_count=Count("follow_ups", filter=Q(follow_ups__status=FollowUpStatus.OPEN,
                                                                 follow_ups__due_on__lt=on), distinct=True)))


def visit_page(user, filters: VisitFilters, *, after=None, on=None):
    return keyset_page(filtered_visits(user, filters), after=after, load=visit_rows(on))


def visit_detail(visit):
    return (LiaisonVisit.objects.filter(pk=visit.pk)
            .select_related("town", "enterprise", "enterprise__union", "cadre", "created_by")
            .prefetch_related("topics", Prefetch("follow_ups",
                                                 queryset=LiaisonFollowUp.objects.order_by("status", "due_on", "pk")))
            .get())


def enterprise_visits(enterprise, user, limit=10):
    return list(visits(user).filter(enterprise=enterprise).order_by("-visited_on", "-pk")[:limit])


# --- follow-ups ---------------------------------------------------------------------------------

@dataclass
class FollowUpFilters:
    q: str = ""
    org: Org | None = None
    due: str = ""              # "", "overdue", "soon" (due within remind_days, not overdue), "open", "closed"
    mine: bool = False


def follow_ups(user, action=VIEW):
    return LiaisonFollowUp.objects.visible_to(user, action)


def filtered_follow_ups(user, filters: FollowUpFilters, on=None):
    on = on or today()
    qs = follow_ups(user)
    if filters.org is not None:
        qs = qs.filter(_in_org(filters.org))
    if filters.due == "overdue":
        qs = qs.filter(status=FollowUpStatus.OPEN, due_on__lt=on)
    elif filters.due == "soon":
        qs = qs.filter(status=FollowUpStatus.OPEN, due_on__gte=on,
                       due_on__lte=on + datetime.timedelta(days=rules().remind_days))
    elif filters.due == "open":
        qs = qs.filter(status=FollowUpStatus.OPEN)
    elif filters.due == "closed":
        qs = qs.filter(status=FollowUpStatus.CLOSED)
    if filters.mine:
        qs = qs.filter(owner=user)
    q = (filters.q or "").strip()
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(owner_name__icontains=q) | Q(action__icontains=q))
    return qs


def follow_up_rows():
    return LiaisonFollowUp.objects.select_related("town", "enterprise", "visit")


def follow_up_page(user, filters: FollowUpFilters, *, after=None, on=None):
    return keyset_page(filtered_follow_ups(user, filters, on), after=after, load=follow_up_rows())


def due_summary(user):
    """The dashboard line: open follow-up actions overdue / due within `remind_days` days."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(VIEW):
        return None
    on = today()
    limit = on + datetime.timedelta(days=rules().remind_days)
    counts = (follow_ups(user).filter(status=FollowUpStatus.OPEN, due_on__lte=limit).order_by()
              .aggregate(overdue=Count("pk", filter=Q(due_on__lt=on)), soon=Count("pk", filter=Q(due_on__gte=on))))
    return DueSummary(label=_("Liaison follow-up actions"), overdue=counts["overdue"], soon=counts["soon"],
                      url=reverse("grassroots:liaison_follow_up_list")
                      + ("?due=overdue" if counts["overdue"] else "?due=soon"))


# --- assignments --------------------------------------------------------------------------------

@dataclass
class AssignmentFilters:
    q: str = ""
    org: Org | None = None
    status: str = AssignmentStatus.ACTIVE   # "" = all
    cadre: object = None                    # a User
    top100: bool = False


def assignments(user, action=VIEW):
    return LiaisonAssignment.objects.visible_to(user, action)


def filtered_assignments(user, filters: AssignmentFilters):
    qs = assignments(user)
    if filters.org is not None:
        qs = qs.filter(_in_org(filters.org))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.cadre is not None:
        qs = qs.filter(cadre=filters.cadre)
    if filters.top100:
        qs = qs.filter(enterprise__top100=True)
    q = (filters.q or "").strip()
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(cadre_name__icontains=q))
    return qs


def assignment_rows():
    last = LiaisonVisit.objects.filter(enterprise=OuterRef("enterprise_id")).order_by("-visited_on").values(
        "visited_on")[:1]
    return (LiaisonAssignment.objects.select_related("town", "enterprise")
            .annotate(last_visit_on=Subquery(last)))


def assignment_page(user, filters: AssignmentFilters, *, after=None):
    return keyset_page(filtered_assignments(user, filters), after=after, load=assignment_rows())


# --- choosing cadres and enterprises --------------------------------------------------------------

CADRE_LIMIT = 300


def cadre_choices(user, limit=CADRE_LIMIT):
    """Active accounts holding DISTRICT_STAFF or TOWN_CADRE on an org inside the user's liaise
    reach or above it (the district's staff for a town cadre): [(user, org name)], by org and
    name. The services check again, per enterprise, that the cadre's area covers it."""
    from gonghui.accounts.models import RoleAssignment

    qs = RoleAssignment.objects.filter(role__in=CADRE_ROLES, user__is_active=True, org__is_active=True)
    everything, paths = user_scope(user, LIAISE)
    if not everything:
        if not paths:
            return []
        steplen = Org.steplen
        above = {p[:i] for p in paths for i in range(steplen, len(p) + 1, steplen)}
        qs = qs.filter(Q(org__path__in=above) | reduce(or_, [Q(org__path__startswith=p) for p in paths]))
    seen, rows = set(), []
    for ra in qs.select_related("user", "org").order_by("org__path", "user__username")[:limit]:
        if ra.user_id not in seen:
            seen.add(ra.user_id)
            rows.append((ra.user, ra.org.name))
    return rows


def cadre_by_id(user, pk):
    if not pk:
        return None
    for cadre, _org in cadre_choices(user):
        if cadre.pk == pk:
            return cadre
    return None


def _running(on=None):
    """Live assignments still in their period: an ACTIVE one whose end date has passed is over
    (nothing ends it by itself), so its enterprise counts as without a liaison cadre."""
    on = on or today()
    return Q(status=AssignmentStatus.ACTIVE) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


@dataclass
class AssignFilters:
    q: str = ""
    org: Org | None = None
    top100: bool = False
    unassigned: bool = False      # no live assignment at all


def assign_candidates(user, filters: AssignFilters):
    qs = liaise_enterprises(user)
    if filters.org is not None:
        qs = qs.filter(Q(town__path__startswith=filters.org.path) | Q(union__path__startswith=filters.org.path))
    if filters.top100:
        qs = qs.filter(top100=True)
    if filters.unassigned:
        qs = qs.exclude(Exists(LiaisonAssignment.objects.filter(_running(), enterprise=OuterRef("pk"))))
    q = (filters.q or "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def assign_candidate_page(user, filters: AssignFilters, *, after=None, size=50):
    on = today()
    rows = Enterprise.objects.select_related("town", "union").annotate(
        live_assignments=Count("liaison_assignments", filter=Q(
            Q(liaison_assignments__ends_on__isnull=True) | Q(liaison_assignments__ends_on__gte=on),
            liaison_assignments__status=AssignmentStatus.ACTIVE)))
    return keyset_page(assign_candidates(user, filters), after=after, size=size, load=rows, descending=False)


def find_enterprises(user, q, limit=20):
    """Enterprises the user may log a visit for whose name contains `q`; without `q`, the ones
    assigned to the user (their liaison points)."""
    q = (q or "").strip()
    qs = liaise_enterprises(user).select_related("town")
    if q:
        return list(qs.filter(name__icontains=q).order_by("name", "id")[:limit])
    mine = LiaisonAssignment.objects.filter(cadre=user, status=AssignmentStatus.ACTIVE).values("enterprise_id")
    return list(qs.filter(pk__in=mine).order_by("name", "id")[:limit])


# --- coverage -------------------------------------------------------------------------------------

@dataclass
class TownCoverage:
    town: Org
    targets: int
    visited: int
    counted_at: datetime.datetime | None = None
    cached: bool = False  # kept for FIGURES_CACHE_SECONDS (`coverage_report`): the page says when it was counted

    @property
    def not_visited(self):
        return self.targets - self.visited

    @property
    def percent(self):
        return round(100 * self.visited / self.targets) if self.targets else None


@dataclass
class CadreCoverage:
    cadre_id: int | None
    cadre_name: str
    town_name: str
    assigned: int
    visited: int

    @property
    def not_visited(self):
        return self.assigned - self.visited

    @property
    def percent(self):
        return round(100 * self.visited / self.assigned) if self.assigned else None


@dataclass
class Coverage:
    quarter: Quarter
    towns: list
    cadres: list
    targets: int
    visited: int
    counted_at: datetime.datetime | None = None
    cached: bool = False  # kept for FIGURES_CACHE_SECONDS (`coverage_report`): the page says when it was counted

    @property
    def not_visited(self):
        return self.targets - self.visited

    @property
    def percent(self):
        return round(100 * self.visited / self.targets) if self.targets else None


def _overlapping(quarter):
    return Q(starts_on__lte=quarter.ends_on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=quarter.starts_on))


def _visited_in(quarter, ref="pk"):
    return Exists(LiaisonVisit.objects.filter(enterprise=OuterRef(ref), visited_on__gte=quarter.starts_on,
                                              visited_on__lte=quarter.ends_on))


def coverage_targets(user, quarter: Quarter, org: Org | None = None):
    """Enterprises in the user's reach that a cadre should have visited in the quarter."""
    assigned = LiaisonAssignment.objects.filter(_overlapping(quarter)).values("enterprise_id")
    target = Q(pk__in=assigned)
    if rules().coverage_top100:
        target |= Q(top100=True)
    qs = enterprises_in_reach(user).filter(target)
    if org is not None:
        qs = qs.filter(Q(town__path__startswith=org.path) | Q(union__path__startswith=org.path))
    return qs


def coverage(user, quarter: Quarter, org: Org | None = None) -> Coverage:
    targets = coverage_targets(user, quarter, org).annotate(visited=_visited_in(quarter))
    per_town = (targets.order_by().values("town_id")
                .annotate(n=Count("pk"), seen=Count("pk", filter=Q(visited=True))))
    figures = {row["town_id"]: (row["n"], row["seen"]) for row in per_town}
    towns = {t.pk: t for t in Org.objects.filter(pk__in=figures)}
    town_rows = sorted((TownCoverage(town=towns[pk], targets=n, visited=seen) for pk, (n, seen) in figures.items()),
                       key=lambda r: r.town.path)
    # per cadre: the cadre's assignments overlapping the quarter, in reach
    cadre_qs = assignments(user).filter(_overlapping(quarter))
    if org is not None:
        cadre_qs = cadre_qs.filter(_in_org(org))
    per_cadre = (cadre_qs.annotate(visited=_visited_in(quarter, "enterprise_id")).order_by()
                 .values("cadre_id", "cadre_name")
                 .annotate(n=Count("enterprise_id", distinct=True),
                           seen=Count("enterprise_id", filter=Q(visited=True), distinct=True),
                           town=Max("town__name")))
    cadre_rows = sorted((CadreCoverage(cadre_id=row["cadre_id"], cadre_name=row["cadre_name"],
                                       town_name=row["town"] or "", assigned=row["n"], visited=row["seen"])
                         for row in per_cadre), key=lambda r: (r.town_name, r.cadre_name))
    return Coverage(quarter=quarter, towns=town_rows, cadres=cadre_rows,
                    targets=sum(r.targets for r in town_rows), visited=sum(r.visited for r in town_rows),
                    counted_at=timezone.now())


def coverage_report(user, quarter: Quarter, org: Org | None = None, *, refresh=False) -> Coverage:
    """`coverage` for the coverage page, from the cache when counted lately (see the module);
    `refresh=True` counts again and replaces the cached entry. The export and the overview count
    (the overview keeps its own figures)."""
    from gonghui.members.figures import kept_figures, user_figures_key

    def key():
        return user_figures_key("grassroots:liaison-coverage", user, quarter.year, quarter.number,
                                org.pk if org is not None else None, rules().coverage_top100)

    return kept_figures(key, lambda: coverage(user, quarter, org), refresh=refresh)


def uncovered(user, quarter: Quarter, org: Org | None = None, cadre_name: str = ""):
    """Target enterprises with no visit in the quarter (a queryset; the page adds who is
    assigned and when the last visit was)."""
    qs = coverage_targets(user, quarter, org).exclude(_visited_in(quarter))
    if cadre_name:
        qs = qs.filter(pk__in=LiaisonAssignment.objects.filter(_overlapping(quarter), cadre_name=cadre_name)
                       .values("enterprise_id"))
    return qs


def uncovered_rows(quarter: Quarter):
    last = LiaisonVisit.objects.filter(enterprise=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    return (Enterprise.objects.select_related("town", "union")
            .annotate(last_visit_on=Subquery(last))
            .prefetch_related(Prefetch("liaison_assignments", to_attr="quarter_assignments",
                                       queryset=LiaisonAssignment.objects.filter(_overlapping(quarter))
                                       .order_by("cadre_name"))))


def uncovered_page(user, quarter, org=None, cadre_name="", *, after=None):
    return keyset_page(uncovered(user, quarter, org, cadre_name), after=after, load=uncovered_rows(quarter),
                       descending=False)


def town_orgs(user):
    """Towns and platforms in the user's view reach (filter menus)."""
    everything, ids = subtree_ids(user, VIEW)
    qs = Org.objects.filter(level__in=(OrgLevel.TOWN, OrgLevel.PLATFORM), is_active=True)
    if not everything:
        qs = qs.filter(id__in=ids)
    return list(qs.order_by("path"))

