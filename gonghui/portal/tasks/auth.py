"""Tasks of the `auth` area."""

from celery import shared_task


@shared_task(name="gonghui.portal.tasks.auth.purge_sms_codes_task")
def purge_sms_codes_task():
    """Delete SMS codes past their retention (daily; idempotent)."""
    from ..services.auth import purge_codes

    return purge_codes()
