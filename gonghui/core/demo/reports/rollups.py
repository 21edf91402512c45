"""Demo data of reports / rollups: the figures of the current and the previous year, computed
from everything the other modules seeded (trigger SEED), so every dashboard and the annual report
have real figures in every town from the first page view."""

import time

from django.utils import timezone

from gonghui.reports.models.rollups import Rollup, RollupRun, RollupTrigger, RollupYear

MODELS = (RollupRun, RollupYear, Rollup)


def seed(gen) -> dict:
    from gonghui.reports.services.rollups import refresh_rollups

    this_year = timezone.localdate().year
    counts = {}
    for year in (this_year - 1, this_year):
        started = time.monotonic()
        run = refresh_rollups(year=year, trigger=RollupTrigger.SEED)
        counts[str(year)] = {"rows": run.rows, "seconds": round(time.monotonic() - started, 2)}
    return counts
