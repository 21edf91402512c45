"""Monthly job of the skill-leader allowance (Celery beat, see CELERY_BEAT_SCHEDULE: on day
`rules().run_day` (1) of every month, e.g. `crontab(day_of_month="1", hour="6", minute="0")`).
Idempotent: the unique (leader, month) ledger row and the locked month row make a second run of
the same month pay nobody."""

from celery import shared_task

__all__ = ["run_leader_allowances_task"]


@shared_task
def run_leader_allowances_task(month: str | None = None):
    """Pay this month's (or `month`, "YYYY-MM-DD") allowance to the leaders holding the title on its
    first day; returns how many were paid by this run."""
    import datetime

    from ..services.leaders import run_allowances

    day = datetime.date.fromisoformat(month) if month else None
    return run_allowances(actor=None, month=day).paid_now
