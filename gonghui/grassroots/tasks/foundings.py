"""Jobs of the founding area. Idempotent: running twice changes nothing the second time."""

from celery import shared_task

__all__ = ["recompute_founding_due_task"]


@shared_task
def recompute_founding_due_task():
    """The holiday calendar changed: recompute the working-day deadlines of waiting applications."""
    from ..services.foundings import recompute_step_due

    return recompute_step_due()
