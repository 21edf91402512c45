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


@shared_task(acks_late=True, ignore_result=True)
def run_export_task(job_id):
    """Write a large list export to a file the requesting user downloads later (core.exports)."""
    from .exports import run_export_job

    run_export_job(job_id)


@shared_task(ignore_result=True)
def purge_export_files_task():
    """Delete export files older than EXPORT_TTL_HOURS (the daily purge-member-files job does it too)."""
    from .exports import purge_export_files

    return purge_export_files()
