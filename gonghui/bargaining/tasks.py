"""Daily jobs of wage negotiation (run by Celery beat, see CELERY_BEAT_SCHEDULE). Both are
idempotent: running twice in a day changes nothing the second time."""

from celery import shared_task

from . import services


@shared_task
def confirm_effective_task():
    """Filed agreements whose 15-day objection period has ended take effect; agreements that
    ended without renewal drop their renewal deadline."""
    return {"effective": services.confirm_effective_agreements(), "expired": services.close_expired_renewals()}


@shared_task
def refresh_deadlines_task():
    """The holiday calendar changed: recompute the stored next deadline of open negotiations."""
    return services.refresh_deadlines()


@shared_task
def remind_due_steps_task():
    """Reminders to union chairs and town cadres for steps due soon or overdue, and expiring
    agreements without a renewal offer."""
    return services.remind_due_steps()
