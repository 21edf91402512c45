"""Scheduled jobs for proposals (Celery beat runs them daily, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

__all__ = ["refresh_proposal_deadlines_task", "remind_proposal_replies_task"]


@shared_task
def remind_proposal_replies_task():
    """Reminders to union chairs and town cadres for replies due within `rules().remind_days`
    days or overdue. Idempotent: a second run the same day sends nothing."""
    from ..services.proposals import remind_proposal_replies

    return remind_proposal_replies()


@shared_task
def refresh_proposal_deadlines_task():
    """The holiday calendar changed: recompute the reply deadlines of assigned proposals."""
    from ..services.proposals import refresh_reply_deadlines

    return refresh_reply_deadlines()
