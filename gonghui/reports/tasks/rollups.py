"""Jobs of the `rollups` area.

`refresh_rollups_task` is run by Celery beat every hour (config/settings/base.py) for the current
year, and during January for the previous year too; with `run_id` it runs a refresh someone asked
for (`services.rollups.request_refresh`). Idempotent: a refresh replaces the year's rows.
"""

import logging

from celery import shared_task

__all__ = ["refresh_rollups_task"]

logger = logging.getLogger(__name__)


@shared_task
def refresh_rollups_task(year=None, run_id=None):
    """Refresh one year (`year`), a queued run (`run_id`), or the scheduled years (neither).
    Returns the ids of the runs; a failed run is recorded on its row and logged, not raised, so
    one bad year does not stop the next."""
    from ..models.rollups import RollupTrigger
    from ..services import rollups as services

    if run_id is not None:
        run = _guarded(services.run_queued, run_id)
        return [run.pk] if run is not None else []
    years = [year] if year is not None else services.scheduled_years()
    runs = [_guarded(lambda y: services.refresh_rollups(year=y, trigger=RollupTrigger.SCHEDULED), y) for y in years]
    if year is None:
        services.purge_old_runs()
    return [run.pk for run in runs if run is not None]


def _guarded(fn, arg):
    try:
        return fn(arg)
    except Exception:  # recorded on the run by the service; the job goes on with the next year
        logger.exception("roll-up refresh failed")
        return None
