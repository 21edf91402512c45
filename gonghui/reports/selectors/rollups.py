"""Selectors of the `rollups` area: the stored figures of an org (one indexed query each) and
the list of refresh runs.

Figures are dicts metric code → Decimal with every registered metric present (0 when no row):
counts and people as whole numbers, yuan with two places. They read only the roll-up table,
never the live records, and are as of `last_run(year).finished_at`.

Who may read which org is the caller's business (dashboards and the annual report fetch the org
through `Org.objects.visible_to(user, "reports.view")` first); these functions take an org.
"""

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import ALLOWED_CHILDREN, Industry, Org, OrgLevel

from .. import metrics
from ..models.rollups import Rollup, RollupPart, RollupRun, RollupStatus, RollupYear
from ..policies.rollups import VIEW

WHOLE_UNITS = ("count", "people")


def _blank() -> dict:
    return {m.code: (Decimal("0.00") if m.unit not in WHOLE_UNITS else Decimal(0)) for m in metrics.all_metrics()}


def _clean(code: str, value: Decimal) -> Decimal:
    try:
        unit = metrics.metric(code).unit
    except KeyError:
        return value
    return value.quantize(Decimal(1)) if unit in WHOLE_UNITS else value


def _rows(year, org_ids, industry, parts):
    return (Rollup.objects.filter(year=year, org_id__in=list(org_ids), industry=industry or "", part__in=list(parts))
            .order_by().values_list("org_id", "part", "metric", "value"))


def _grouped(year, org_ids, industry, parts) -> dict:
    """(org id, part) → figures, for the given orgs and parts: one query."""
    out = defaultdict(_blank)
    for org_id, part, code, value in _rows(year, org_ids, industry, parts):
        out[(org_id, part)][code] = _clean(code, value)
    return out


def figures(org, year, industry="") -> dict:
    """Subtree totals of every metric for the year (of one industry when given)."""
    return _grouped(year, [org.pk], industry, [RollupPart.TOTAL])[(org.pk, RollupPart.TOTAL)]


def own_figures(org, year) -> dict:
    """Values of the records held at the org itself (本级), all industries."""
    return _grouped(year, [org.pk], "", [RollupPart.OWN])[(org.pk, RollupPart.OWN)]


def active_children(org) -> list:
    return list(Org.objects.filter(path__startswith=org.path, depth=org.depth + 1, is_active=True).order_by("path"))


def children_figures(org, year, industry="") -> list[tuple]:
    """(child, figures) for each active direct child, in tree order: two queries."""
    children = active_children(org)
    found = _grouped(year, [c.pk for c in children], industry, [RollupPart.TOTAL])
    return [(child, found[(child.pk, RollupPart.TOTAL)]) for child in children]


def figures_of(org_ids, year, industry="") -> dict:
    """org id → subtree figures for many orgs at once (one query)."""
    found = _grouped(year, org_ids, industry, [RollupPart.TOTAL])
    return {pk: found[(pk, RollupPart.TOTAL)] for pk in org_ids}


def subtree_levels(level) -> list:
    """The levels that can hold records in the subtree of an org of `level`, in OrgLevel order."""
    seen, todo = {level}, [level]
    while todo:
        for child in ALLOWED_CHILDREN.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return [OrgLevel(code) for code in OrgLevel.values if code in seen]


def level_figures(org, year, industry="") -> dict:
    """OrgLevel → figures: the org's subtree split by the level of the holding org (every level
    that can occur under the org, zeros included). Stored for the district, towns, platforms and
    industry unions; a union's is its own figures and its groups' (the rest)."""
    levels = subtree_levels(org.level)
    if org.level in (OrgLevel.GRASSROOTS, OrgLevel.GROUP):
        return _union_levels(org, year, industry, levels)
    found = _grouped(year, [org.pk], industry, levels)
    return {level: found[(org.pk, level)] for level in levels}


def _union_levels(org, year, industry, levels) -> dict:
    found = _grouped(year, [org.pk], industry, [RollupPart.TOTAL])
    total = found[(org.pk, RollupPart.TOTAL)]
    out = {level: _blank() for level in levels}
    if org.level == OrgLevel.GROUP:
        out[OrgLevel.GROUP] = total
        return out
    if not any(total.values()):
        return out
    # A union and its groups share one industry, so "own" (stored for all industries) is the
    # union's own part of an industry's figures too whenever that industry has any.
    own = own_figures(org, year)
    out[OrgLevel.GRASSROOTS] = own
    out[OrgLevel.GROUP] = {code: _clean(code, total[code] - own.get(code, 0)) for code in total}
    return out


def ratio_values(figures: dict) -> dict:
    """Every registered ratio, computed from the figures (None where the denominator is 0)."""
    return {ratio.code: ratio.value(figures) for ratio in metrics.all_ratios()}


def last_run(year=None):
    """The latest finished refresh (of the year, when given): its `finished_at` is the "figures as
    of" time shown beside the figures. None when the year was never computed."""
    runs = RollupRun.objects.filter(status=RollupStatus.DONE)
    if year is not None:
        runs = runs.filter(year=year)
    return runs.order_by("-finished_at", "-id").first()


def available_years() -> list[int]:
    """Years with computed figures and the current year, newest first."""
    years = set(RollupRun.objects.filter(status=RollupStatus.DONE).order_by().values_list("year", flat=True)
                .distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def industries() -> list[tuple[str, object]]:
    """Choices of the industry filter: all industries ("") first."""
    return [("", _("All industries")), *Industry.choices]


# --- the list of runs ---------------------------------------------------------------------------


def runs(user, filters=None):
    """Refresh runs the user may see (anyone with reports.view somewhere), newest first (ids grow
    with `requested_at`)."""
    if user is None or not user.is_authenticated or not user.can(VIEW):
        return RollupRun.objects.none()
    filters = filters or {}
    qs = RollupRun.objects.select_related("requested_by").order_by("-id")
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("trigger"):
        qs = qs.filter(trigger=filters["trigger"])
    if filters.get("q"):
        qs = qs.filter(requested_by__username__icontains=filters["q"])
    return qs


def years_in_use() -> list:
    """(year, run) of every year with figures, newest first: the run whose rows are in use."""
    return [(y.year, y.run) for y in RollupYear.objects.filter(run__isnull=False).select_related("run")
            .order_by("-year")]


def run_page(user, filters=None, *, after=None):
    """One keyset page of runs (newest first; `after` is the id of the last row shown)."""
    return keyset_page(runs(user, filters), after=after)


def run_detail(user, pk):
    return runs(user).filter(pk=pk).first()
