"""Scheduled job of liaison points (Celery beat, see CELERY_BEAT_SCHEDULE). Idempotent: a second
run on the same day notifies nobody again."""

from celery import shared_task

__all__ = ["remind_liaison_follow_ups_task"]


@shared_task(name="gonghui.grassroots.tasks.liaison.remind_liaison_follow_ups_task")
def remind_liaison_follow_ups_task():
    """Remind the owners of open follow-up actions due within `remind_days` days or overdue."""
    from ..services.liaison import remind_follow_ups

    return remind_follow_ups()
