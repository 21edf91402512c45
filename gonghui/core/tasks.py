"""Core's scheduled jobs. Idempotent: running one twice does no harm."""

from celery import shared_task


@shared_task(ignore_result=True)
def purge_old_notifications_task():
    """Delete read notifications older than NOTIFICATION_RETENTION_DAYS (schedule daily)."""
    from .notifications import purge_old_notifications

    return purge_old_notifications()


@shared_task(acks_late=True, ignore_result=True)
def deliver_notifications_task(notification_ids):
    """Hand newly created notifications to the delivery backends (e-mail, SMS). Enqueued on
    commit by notify(); a slow mail server delays this job, never the request that notified."""
    from .notifications import deliver

    deliver(notification_ids)
