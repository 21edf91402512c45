"""Reads behind the home dashboard: the user's reach with key figures, and per-child figures.

Per-child figures come from a fixed number of grouped queries (see `child_figures`), so the
number of queries does not grow with the number of towns or unions.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.members.selectors import MemberKpis, member_kpis
from gonghui.orgs.models import Enterprise, Org, OrgLevel
from gonghui.orgs.selectors import children_of, root_orgs_for


@dataclass
class ChildFigures:
    org: Org
    kpis: MemberKpis


@dataclass
class ReachSection:
    org: Org
    kpis: MemberKpis
    children: list[ChildFigures] = field(default_factory=list)


def child_figures(org: Org) -> list[ChildFigures]:
    """Unions, live members, migrants and headcount of each direct child's subtree, in four
    queries whatever the size of the tree: the subtree's nodes (id, path) once, then members and
    headcount grouped by union id (answered from the (union, status) index, no join per
    membership row to the org table) and mapped to the child in Python."""
    children = [child for child in children_of(org) if child.is_active]
    if not children:
        return []
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

    subtree_ids = Org.objects.filter(path__startswith=org.path).order_by().values("id")
    members = (Membership.objects.filter(status__in=LIVE_STATUSES, union_id__in=subtree_ids)
               .order_by().values_list("union_id")
               .annotate(n=Count("id"), migrants=Count("id", filter=Q(person__is_migrant=True))))
    for union_id, n, migrants in members:
        key = child_of(path_of.get(union_id))
        if key:
            figures[key]["members"] += n
            figures[key]["migrants"] += migrants

    # An enterprise counts under its union's child; under its town's while it has no union there.
    headcount = (Enterprise.objects.filter(Q(town_id__in=subtree_ids) | Q(union_id__in=subtree_ids))
                 .order_by().values_list("union_id", "town_id").annotate(n=Sum("headcount")))
    for union_id, town_id, n in headcount:
        key = child_of(path_of.get(union_id)) or child_of(path_of.get(town_id))
        if key:
            figures[key]["headcount"] += n or 0

    return [ChildFigures(org=child, kpis=MemberKpis(**figures[child.path])) for child in children]


def dashboard_for(user) -> list[ReachSection]:
    """One section per top org of the user's reach (usually one: the district or a town)."""
    return [ReachSection(org=org, kpis=member_kpis(org), children=child_figures(org))
            for org in root_orgs_for(user)]
