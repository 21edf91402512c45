"""Monthly job of the skill-leader allowance (Celery beat, see CELERY_BEAT_SCHEDULE: on day
`rules().run_day` (1) of every month, e.g. `crontab(day_of_month="1", hour="6", minute="0")`).
Idempotent: the unique (leader, month) ledger row and the locked month row make a second run of
the same month pay nobody."""

from celery import shared_task

__all__ = ["run_leader_allowances_task"]


@shared_task(bind=True, max_retries=4)
def run_leader_allowances_task(self, month: str | None = None):
    """Pay this month's allowance (and any of the previous months the job missed, see
    `services.leaders.run_scheduled_allowances`), or only `month` ("YYYY-MM-DD") when given, to
    the leaders holding the title on the month's first day; returns how many were paid.
    A lost database connection rolls the month back and the job runs again a little later (not
    a month later, when the next run would catch the month up)."""
    from gonghui.core.jobs import DATABASE_CONNECTION_ERRORS, retry_when_database_drops

    try:
        return _run(month)
    except DATABASE_CONNECTION_ERRORS as exc:
        retry_when_database_drops(self, exc)


def _run(month):
    import datetime

    from ..services.leaders import run_allowances, run_scheduled_allowances

    if month:
        return run_allowances(actor=None, month=datetime.date.fromisoformat(month)).paid_now
    return sum(run.paid_now for run in run_scheduled_allowances())
