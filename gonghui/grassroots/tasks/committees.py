"""Scheduled job of the committees area (Celery beat runs it daily, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

__all__ = ["remind_committee_terms_task"]


@shared_task
def remind_committee_terms_task():
    """Term-expiry reminders to union chairs and town cadres, once per point per committee."""
    from ..services.committees import remind_committee_terms

    return remind_committee_terms()
