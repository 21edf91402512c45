"""Daily job of appeals (Celery beat, 07:30, config/settings/base.py): escalate the open appeals
overdue past the grace one level up (idempotent: see services.appeals.escalation_due)."""

from celery import shared_task

__all__ = ["escalate_overdue_appeals_task"]


@shared_task
def escalate_overdue_appeals_task():
    from ..services.appeals import escalate_overdue

    return escalate_overdue()
