"""Key figures of org subtrees (live members, migrants, enterprise headcount), shared by the
dashboard, the org tree and org detail.

At district scale (≈600,000 live members) counting the live memberships of a subtree with the
migrant flag takes seconds, and every cadre's home page asks for it. The two grouped counts
below are therefore cached per subtree for `settings.FIGURES_CACHE_SECONDS` (default 300; 0
turns the cache off, as the tests do), and the pages say when the figures were counted. Lists
and searches are never cached: only these roll-ups are.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language

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


TREE_VERSION_KEY = "figures:tree-version"
# Grassroots unions and below are counted on every request: their counts come from the
# (union, status) index in a few milliseconds, and a union chair who has just registered a
# member expects to see them.
CACHED_DEPTH = 2


def _key(path):
    # The tree version is part of the key: after a move, paths are reused by other orgs.
    return f"figures:subtree:v2:{cache.get(TREE_VERSION_KEY, 0)}:{path}"


def _cache_seconds(path):
    seconds = getattr(settings, "FIGURES_CACHE_SECONDS", 300)
    return seconds if seconds > 0 and len(path) <= CACHED_DEPTH * Org.steplen else 0


def tree_changed():
    """Forget every cached count (called after an org is created or moved)."""
    try:
        cache.incr(TREE_VERSION_KEY)
    except ValueError:
        cache.set(TREE_VERSION_KEY, 1, None)


def user_figures_key(namespace: str, user, *parts) -> str:
    """The cache key of figures counted for one user (a dashboard's deadlines, an overview), the one
    recipe every per-user figures cache uses. It holds what changes the figures: the user, this
    sign-in (a new sign-in counts afresh), the role assignments (a role given or taken away shows at
    once, not after the entry expires), the language of the labels, today (overdue and "due soon"
    are counted against it) and the tree version (paths are reused after a move); `parts` add what
    the caller's figures also depend on."""
    assignments = [] if user.is_superuser else sorted(user._assignments())
    ident = ["v2", user.pk, user.last_login and user.last_login.timestamp(), user.is_superuser, assignments,
             get_language() or "", cache.get(TREE_VERSION_KEY, 0), timezone.localdate().isoformat(), *parts]
    return f"{namespace}:" + hashlib.sha256(repr(ident).encode()).hexdigest()


def kept_figures(make_key, count, *, refresh=False):
    """`count()` kept for FIGURES_CACHE_SECONDS under the key `make_key()` returns (made only when
    the cache is on; 0 counts on every request), the one recipe of every page whose figures are
    costly (overviews, summaries, reports) and say when they were counted. `refresh=True` counts
    again and replaces the entry, at most FIGURES_RECOUNT_RATE times per entry (a district count
    costs about a second of the database: holding F5 on "count again now" must not cost more).
    A result with a `cached` attribute is marked as kept, so the page can say "counted at … —
    count again now"."""
    seconds = getattr(settings, "FIGURES_CACHE_SECONDS", 300)
    if seconds <= 0:
        return count()
    key = make_key()
    if refresh and _recounted_too_often(key):
        refresh = False  # the entry kept is served instead: it was counted moments ago
    if not refresh and (cached := cache.get(key)) is not None:
        return cached
    figures = count()
    if hasattr(figures, "cached"):
        figures.cached = True
    cache.set(key, figures, seconds)
    return figures


def _recounted_too_often(key) -> bool:
    from gonghui.core.api_support import hit

    return hit("figures-recount", key, getattr(settings, "FIGURES_RECOUNT_RATE", "6/min")) is not None


def subtree_counts(path: str) -> SubtreeCounts:
    """Live members and migrants per union, and enterprise headcount per (union, town), of every
    node whose path starts with `path`: two grouped queries (no join from a membership row to
    the org table), cached for FIGURES_CACHE_SECONDS at the district and town levels."""
    if _cache_seconds(path):
        cached = cache.get(_key(path))
        if cached is not None:
            return cached
    return refresh_subtree_counts(path)


def refresh_subtree_counts(path: str, counts: SubtreeCounts | None = None) -> SubtreeCounts:
    """Count now (unless `counts` is given) and replace the cached entry (and forget the roll-up
    made from the previous one)."""
    counts = counts or _count_subtree(path)
    seconds = _cache_seconds(path)
    if seconds:
        cache.set(_key(path), counts, seconds)
        cache.delete(_rollup_key(path))
    return counts


def _rollup_key(path):
    return f"figures:rollup:v1:{cache.get(TREE_VERSION_KEY, 0)}:{path}"


def cached_rollup(path: str, build):
    """`build(subtree_counts(path))`, kept exactly as long as the counts it was made from (at the
    district and town levels; counted on every request below). The home dashboard's roll-up per
    child walks every node of the district (~70 ms of CPU and two queries): made once per
    recount, not on every request. A recount (`refresh_subtree_counts`, the scheduled job) or a
    moved org (`tree_changed`) forgets it."""
    seconds = _cache_seconds(path)
    if not seconds:
        return build(subtree_counts(path))
    key = _rollup_key(path)
    cached = cache.get(key)
    if cached is not None:
        return cached
    counts = subtree_counts(path)
    rollup = build(counts)
    left = int(seconds - (timezone.now() - counts.as_of).total_seconds())
    if left > 0:
        cache.set(key, rollup, left)
    return rollup


def refresh_upper_levels() -> int:
    """Count the district once and cache it and each town's share of it (the scheduled job:
    no cadre's dashboard then waits for a count). Returns how many entries were cached."""
    if getattr(settings, "FIGURES_CACHE_SECONDS", 300) <= 0:
        return 0
    refreshed = 0
    for root in Org.objects.filter(depth=1).order_by("path"):
        whole = refresh_subtree_counts(root.path)
        refreshed += 1
        path_of = dict(Org.objects.filter(path__startswith=root.path).order_by().values_list("id", "path"))
        for town in Org.objects.filter(depth=2, path__startswith=root.path, is_active=True).order_by("path"):
            refresh_subtree_counts(town.path, _share(whole, town.path, path_of))
            refreshed += 1
    return refreshed


def _share(whole: SubtreeCounts, path: str, path_of: dict) -> SubtreeCounts:
    """The part of a parent's counts that lies under `path` (same rules as `_count_subtree`)."""
    def inside(org_id):
        return (path_of.get(org_id) or "").startswith(path)

    return SubtreeCounts(
        members_by_union={u: n for u, n in whole.members_by_union.items() if inside(u)},
        headcount_by_unit=[row for row in whole.headcount_by_unit if inside(row[0]) or inside(row[1])],
        as_of=whole.as_of)


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
