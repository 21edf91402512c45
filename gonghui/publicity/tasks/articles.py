"""Scheduled job of articles (Celery beat, every 5 minutes: see CELERY_BEAT_SCHEDULE entry
"publicity-articles-publish"). Idempotent: a second run publishes nothing more. Lists already
read a due SCHEDULED article as published, so the task only makes the status match."""

from celery import shared_task

__all__ = ["publish_scheduled_articles_task"]


@shared_task
def publish_scheduled_articles_task():
    from ..services.articles import publish_due

    return publish_due()
