"""Every read of the member registry that takes a user. Scoped first, filtered second."""

import re
from dataclasses import dataclass

from django.db.models import Count, Q

from gonghui.core import pii
from gonghui.core.text import prefix_range
from gonghui.orgs.models import Enterprise, Org, OrgLevel

from .models import LIVE_STATUSES, Membership, MembershipStatus, Person, Transfer, TransferStatus

ID_QUERY = re.compile(r"^[0-9]{17}[0-9Xx]$")
PHONE_QUERY = re.compile(r"^1[3-9][0-9]{9}$")
INITIALS_QUERY = re.compile(r"^[A-Za-z]{1,32}$")


def classify_query(q: str) -> str:
    """What a search term is: 'id', 'phone', 'initials', 'name' or '' (empty)."""
    q = (q or "").strip()
    if not q:
        return ""
    if ID_QUERY.match(q):
        return "id"
    if PHONE_QUERY.match(q):
        return "phone"
    if INITIALS_QUERY.match(q):
        return "initials"
    return "name"


def is_pii_query(q: str) -> bool:
    """ID and phone searches must travel in a POST body, never in a URL."""
    return classify_query(q) in ("id", "phone")


@dataclass
class MemberFilters:
    q: str = ""
    org: Org | None = None  # restrict to this subtree (must itself be visible)
    status: str = "live"  # live | ACTIVE | TRANSFER_PENDING | TRANSFERRED_OUT | LEFT | all
    migrant: bool | None = None
    enterprise: Enterprise | None = None


def _search_condition(q):
    kind = classify_query(q)
    q = (q or "").strip()
    if kind == "id":
        return Q(person__id_number_hash=pii.lookup_hash(q.upper()))
    if kind == "phone":
        return Q(person__phone_hash=pii.lookup_hash(q))
    if kind == "initials":
        return Q(**prefix_range("person__name_initials", q.lower()))
    if kind == "name":
        return Q(**prefix_range("person__name", q))
    return Q()


def search_memberships(user, filters: MemberFilters):
    """Memberships visible to `user` matching the filters, with person and union joined."""
    qs = Membership.objects.visible_to(user).select_related("person", "union", "enterprise")
    if filters.status == "live":
        qs = qs.filter(status__in=LIVE_STATUSES)
    elif filters.status in MembershipStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.org is not None:
        qs = qs.filter(union__path__startswith=filters.org.path)
    if filters.enterprise is not None:
        qs = qs.filter(enterprise=filters.enterprise)
    if filters.migrant is not None:
        qs = qs.filter(person__is_migrant=filters.migrant)
    return qs.filter(_search_condition(filters.q))


def visible_people(user):
    return Person.objects.visible_to(user)


def person_memberships(person):
    return person.memberships.select_related("union", "enterprise").order_by("-joined_on", "-id")


def transfers_for(user, *, direction="all", status=TransferStatus.PENDING):
    """Transfers the user can see; `direction` 'in' or 'out' relative to the user's scope."""
    qs = Transfer.objects.visible_to(user).select_related("person", "from_union", "to_union")
    if status:
        qs = qs.filter(status=status)
    if direction in ("in", "out") and not user.is_superuser:
        paths = user.scope_paths("members.view")
        lookup = "to_union__path__startswith" if direction == "in" else "from_union__path__startswith"
        cond = Q()
        for path in paths:
            cond |= Q(**{lookup: path})
        qs = qs.filter(cond)
    return qs


@dataclass
class MemberKpis:
    unions: int
    members: int
    migrants: int
    headcount: int

    @property
    def membership_rate(self):
        return round(100 * self.members / self.headcount, 1) if self.headcount else None

    @property
    def migrant_share(self):
        return round(100 * self.migrants / self.members, 1) if self.members else None


def member_kpis(org: Org) -> MemberKpis:
    """Key figures of one subtree: unions, live members, migrants, enterprise headcount.
    Membership rate = live members / headcount of enterprises in the subtree."""
    live = Membership.objects.filter(union__path__startswith=org.path, status__in=LIVE_STATUSES)
    agg = live.aggregate(members=Count("id"), migrants=Count("id", filter=Q(person__is_migrant=True)))
    unions = Org.objects.filter(path__startswith=org.path, level=OrgLevel.GRASSROOTS, is_active=True).count()
    from django.db.models import Sum

    headcount = (Enterprise.objects.filter(Q(town__path__startswith=org.path) | Q(union__path__startswith=org.path))
                 .aggregate(total=Sum("headcount"))["total"] or 0)
    return MemberKpis(unions=unions, members=agg["members"], migrants=agg["migrants"], headcount=headcount)


def live_member_counts_by_union(union_ids):
    rows = (Membership.objects.filter(union_id__in=union_ids, status__in=LIVE_STATUSES)
            .values("union_id").annotate(n=Count("id")))
    return {row["union_id"]: row["n"] for row in rows}
