"""Test helpers of the `rollups` area: refresh a year, read what was stored, and swap the metric
registry for a few hand-made metrics when a test is about the engine rather than a domain."""

import contextlib
from decimal import Decimal

from .. import metrics
from ..models.rollups import Rollup, RollupTrigger


def refresh(year, **kwargs):
    """Refresh the year's roll-ups now (trigger COMMAND unless given) and return the run."""
    from ..services.rollups import refresh_rollups

    kwargs.setdefault("trigger", RollupTrigger.COMMAND)
    return refresh_rollups(year=year, **kwargs)


def stored(year, *, industry="", part=""):
    """{(org id, metric): value} of the year's stored rows of one industry and part."""
    return {(r.org_id, r.metric): r.value for r in Rollup.objects.filter(year=year, industry=industry, part=part)}


def stored_rows(year):
    """Every stored row of the year as a sorted list of plain tuples (to compare two refreshes)."""
    return sorted(Rollup.objects.filter(year=year).values_list("org_id", "industry", "part", "metric", "value"))


@contextlib.contextmanager
def only_metrics(metric_list, provider, ratios=()):
    """Within the block the registry holds just these metrics, ratios and provider."""
    saved = metrics._REGISTRY
    metrics._REGISTRY = metrics._Registry()
    try:
        metrics.register(metric_list, provider, ratios=ratios)
        yield
    finally:
        metrics._REGISTRY = saved


def fixed_provider(values):
    """A provider yielding the given (org id, code, value[, industry]) tuples for every year."""
    def provide(year, as_of):
        return [(*item[:2], Decimal(item[2]), *item[3:]) for item in values]
    return provide
