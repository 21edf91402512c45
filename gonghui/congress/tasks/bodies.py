"""Scheduled jobs for congress terms and sessions (Celery beat, see CELERY_BEAT_SCHEDULE). Both
are idempotent: running twice in a day changes nothing the second time."""

from celery import shared_task

__all__ = ["recompute_report_due_task", "remind_session_reports_task"]


@shared_task
def remind_session_reports_task():
    """Reminders to union chairs and town cadres for session reports to the upper union due
    within `rules().remind_days` days or overdue."""
    from ..services.sessions import remind_session_reports

    return remind_session_reports()


@shared_task
def recompute_report_due_task():
    """The holiday calendar changed: recompute the report due dates of held sessions."""
    from ..services.sessions import recompute_report_due

    return recompute_report_due()
