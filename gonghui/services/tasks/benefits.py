"""Daily job of member benefits (Celery beat, e.g. `crontab(hour="1", minute="10")`): merchants
whose agreement has ended become EXPIRED (audited as the system)."""

from celery import shared_task

__all__ = ["expire_merchant_agreements_task"]


@shared_task
def expire_merchant_agreements_task():
    from ..services.benefits import expire_ended_agreements

    return expire_ended_agreements()
