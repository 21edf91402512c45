"""Daily job of the model-worker registry (Celery beat, see CELERY_BEAT_SCHEDULE). Idempotent:
each union is reminded once a year (the notification key names the union and the year)."""

from celery import shared_task

__all__ = ["remind_model_worker_care_task"]


@shared_task
def remind_model_worker_care_task():
    """From `care_due_month` on, union chairs and town cadres are told which of their model
    workers have no health check or no visit recorded this year."""
    from ..services.modelworkers import remind_care

    return remind_care()
