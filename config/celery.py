"""Celery application: eager in dev and tests, a real worker and beat on Redis in production.

Every task is an `OutboxTask` (gonghui/core/jobs.py): a job enqueued while Redis is down is kept
in the database and sent when the broker is back (beat every minute, and each worker on start)."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
app = Celery("gonghui", task_cls="gonghui.core.jobs:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="gonghui.core.jobs.flush_outbox_task", ignore_result=True, keep_in_outbox=False)
def flush_outbox_task():
    """Send the jobs kept while the broker was down (scheduled every minute)."""
    from gonghui.core.jobs import flush_outbox

    return flush_outbox(app)


@worker_ready.connect
def flush_outbox_when_worker_starts(sender=None, **kwargs):
    """A worker that starts has a broker: send what waited for it now, not at the next beat tick."""
    flush_outbox_task.delay()
