"""Daily job of the 职工之家 assessment (Celery beat, see CELERY_BEAT_SCHEDULE). Idempotent:
running twice in a day notifies nobody the second time."""

from celery import shared_task

__all__ = ["remind_home_rechecks_task"]


@shared_task
def remind_home_rechecks_task():
    """Reminders to union chairs and town cadres for workers' home awards whose 3-yearly re-check
    is due within the warning period or overdue."""
    from ..services.homes import remind_rechecks

    return remind_rechecks()
