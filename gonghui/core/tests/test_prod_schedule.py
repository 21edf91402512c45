"""Every scheduled job is registered with the worker, and every periodic task is scheduled.

The worker registers a task only when autodiscovery imports its module: `<app>.tasks`, and for a
package only what its __init__ imports. A beat entry naming a task the worker does not know is
received and thrown away ("unregistered task") every day without an error anywhere else."""

import inspect

from django.conf import settings

from config.celery import app

# Tasks without arguments that run on demand, not on a schedule (reason beside each).
ON_DEMAND = {
    # "The holiday calendar changed": enqueued when an administrator enters a year's workdays.
    "gonghui.bargaining.tasks.refresh_deadlines_task",
    "gonghui.congress.tasks.bodies.recompute_report_due_task",
    "gonghui.congress.tasks.proposals.refresh_proposal_deadlines_task",
    "gonghui.grassroots.tasks.foundings.recompute_founding_due_task",
    # Run inside the daily purge-member-files job.
    "gonghui.core.tasks.purge_export_files_task",
}


def registered_tasks():
    """What `celery -A config worker` registers: Django is set up, then autodiscovery runs."""
    app.loader.import_default_modules()
    return app.tasks


def scheduled_names():
    return {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def test_every_beat_entry_names_a_task_the_worker_registers():
    tasks = registered_tasks()
    missing = sorted(name for name in scheduled_names() if name not in tasks)
    assert not missing, f"beat schedules tasks the worker does not register: {missing}"


def test_every_periodic_task_of_every_module_is_scheduled():
    """A project task that takes no arguments is a periodic job: scheduled, or listed in ON_DEMAND."""
    tasks, scheduled = registered_tasks(), scheduled_names()
    periodic = {name for name, task in tasks.items()
                if (name.startswith("gonghui.") or task.__module__.startswith("gonghui."))
                and not _required_parameters(task)}
    unscheduled = sorted(periodic - scheduled - ON_DEMAND)
    assert not unscheduled, f"periodic tasks missing from CELERY_BEAT_SCHEDULE: {unscheduled}"
    assert set(tasks) >= ON_DEMAND, "an ON_DEMAND task no longer exists: update the list"


def _required_parameters(task):
    parameters = inspect.signature(task.run).parameters.values()
    return [p for p in parameters if p.default is inspect.Parameter.empty
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
