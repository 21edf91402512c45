"""Daily job of 名师带徒 (Celery beat, e.g. `crontab(hour="7", minute="40")`): tell the union
chairs and town cadres of the progress reports due soon or overdue (once per report period)."""

from celery import shared_task

__all__ = ["remind_mentorship_reports_task"]


@shared_task
def remind_mentorship_reports_task():
    from ..services.mentoring import remind_due_reports

    return remind_due_reports()
