"""Reads behind the home dashboard: the user's reach with key figures, and per-child figures.

Per-child figures come from one grouped query per measure (members, unions, headcount): rows
are grouped by the first `depth+1` steps of their org path, so the number of queries does not
grow with the number of towns or unions.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, Substr

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
    """Unions, live members, migrants and headcount of each direct child's subtree."""
    children = [child for child in children_of(org) if child.is_active]
    if not children:
        return []
    width = len(org.path) + Org.steplen

    members = (Membership.objects
               .filter(union__path__startswith=org.path, status__in=LIVE_STATUSES)
               .annotate(child=Substr("union__path", 1, width))
               .values("child")
               .annotate(members=Count("id"), migrants=Count("id", filter=Q(person__is_migrant=True)))
               .order_by())
    unions = (Org.objects
              .filter(path__startswith=org.path, depth__gt=org.depth, level=OrgLevel.GRASSROOTS, is_active=True)
              .annotate(child=Substr("path", 1, width))
              .values("child")
              .annotate(n=Count("id"))
              .order_by())
    # An enterprise counts where its union is, or where its town is while it has no union.
    headcount = (Enterprise.objects
                 .filter(Q(town__path__startswith=org.path) | Q(union__path__startswith=org.path))
                 .annotate(child=Substr(Coalesce("union__path", "town__path"), 1, width))
                 .values("child")
                 .annotate(n=Sum("headcount"))
                 .order_by())

    by_members = {row["child"]: row for row in members}
    by_unions = {row["child"]: row["n"] for row in unions}
    by_headcount = {row["child"]: row["n"] or 0 for row in headcount}
    result = []
    for child in children:
        row = by_members.get(child.path, {})
        result.append(ChildFigures(org=child, kpis=MemberKpis(
            unions=by_unions.get(child.path, 0),
            members=row.get("members", 0),
            migrants=row.get("migrants", 0),
            headcount=by_headcount.get(child.path, 0),
        )))
    return result


def dashboard_for(user) -> list[ReachSection]:
    """One section per top org of the user's reach (usually one: the district or a town)."""
    return [ReachSection(org=org, kpis=member_kpis(org), children=child_figures(org))
            for org in root_orgs_for(user)]
