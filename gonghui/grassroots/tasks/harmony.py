"""Scheduled job of 和谐劳动关系 creation (Celery beat, see CELERY_BEAT_SCHEDULE). Idempotent:
each reminder has a key per assessment and point, so a second run in a day sends nothing."""

from celery import shared_task

__all__ = ["remind_harmony_submissions_task"]


@shared_task
def remind_harmony_submissions_task():
    """Reminders to union chairs and town cadres of self-assessments not submitted 30 and 7 days
    before the year's deadline, and once it has passed."""
    from ..services.harmony import remind_harmony_submissions

    return remind_harmony_submissions()
