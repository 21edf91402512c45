"""Key figures of org subtrees (live members, migrants, enterprise headcount), shared by the
dashboard, the org tree and org detail.

At district scale (≈600,000 live members) counting the live memberships of a subtree with the
migrant flag takes seconds, and every cadre's home page asks for it. The two grouped counts
below are therefore cached per subtree for `settings.FIGURES_CACHE_SECONDS` (default 300; 0
turns the cache off, as the tests do), and the pages say when the figures were counted. Lists
and searches are never cached: only these roll-ups are.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone

from gonghui.orgs.models import Enterprise, Org

from .models import LIVE_STATUSES, Membership


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


@dataclass(frozen=True)
class SubtreeCounts:
    """Grouped counts under one org path, as counted at `as_of`."""

    members_by_union: dict  # union id → (live members, migrant members)
    headcount_by_unit: list  # (union id, town id, summed headcount) of the enterprises
    as_of: object  # aware datetime

    def members(self):
        return sum(n for n, _m in self.members_by_union.values())

    def migrants(self):
        return sum(m for _n, m in self.members_by_union.values())

    def headcount(self):
        return sum(n or 0 for _u, _t, n in self.headcount_by_unit)


def subtree_counts(path: str) -> SubtreeCounts:
    """Live members and migrants per union, and enterprise headcount per (union, town), of every
    node whose path starts with `path`: two grouped queries (no join from a membership row to
    the org table), cached for FIGURES_CACHE_SECONDS."""
    seconds = getattr(settings, "FIGURES_CACHE_SECONDS", 300)
    if seconds > 0:
        cached = cache.get(f"figures:subtree:v1:{path}")
        if cached is not None:
            return cached
    return refresh_subtree_counts(path)


def refresh_subtree_counts(path: str) -> SubtreeCounts:
    """Count now and replace the cached entry (the scheduled job keeps the district's and the
    towns' figures warm, so no cadre's page waits for the count)."""
    counts = _count_subtree(path)
    seconds = getattr(settings, "FIGURES_CACHE_SECONDS", 300)
    if seconds > 0:
        cache.set(f"figures:subtree:v1:{path}", counts, seconds)
    return counts


def refresh_upper_levels(depth: int = 2) -> int:
    """Refresh the counts of every active org down to `depth` (1 = district, 2 = towns,
    platforms and industry unions); returns how many subtrees were counted."""
    paths = list(Org.objects.filter(depth__lte=depth, is_active=True).order_by("path").values_list("path", flat=True))
    for path in paths:
        refresh_subtree_counts(path)
    return len(paths)


def _count_subtree(path):
    subtree_ids = Org.objects.filter(path__startswith=path).order_by().values("id")
    members = (Membership.objects.filter(status__in=LIVE_STATUSES, union_id__in=subtree_ids)
               .order_by().values_list("union_id")
               .annotate(n=Count("id"), migrants=Count("id", filter=Q(person__is_migrant=True))))
    # An enterprise belongs to the subtree through its union, or through its town while it has
    # no union there.
    headcount = (Enterprise.objects.filter(Q(town_id__in=subtree_ids) | Q(union_id__in=subtree_ids))
                 .order_by().values_list("union_id", "town_id").annotate(n=Sum("headcount")))
    return SubtreeCounts(members_by_union={union_id: (n, m) for union_id, n, m in members},
                         headcount_by_unit=list(headcount), as_of=timezone.now())
