"""Background jobs failing half-way and running again: the side effect happens once.

- The skill leaders' monthly allowance: the database connection lost after the payments were
  inserted and before the month's run row was updated; the job retries and pays each leader once;
  running the month again pays nobody.
- A background export whose writer fails half-way: no file is stored; the next export works.
  (A redelivered export job is claimed once: test_exports.test_job_is_idempotent_and_claimed_once.)
- The member import retried after a lost connection imports once: test_faults_database.
"""

import datetime

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.db import OperationalError

from config.celery import app as project_app
from gonghui.core import exports
from gonghui.core.models import AuditEvent
from gonghui.core.tests.test_faults_database import cutting, run_like_a_worker
from gonghui.honours.models.leaders import LeaderAllowance, LeaderAllowanceRun, LeaderStatus
from gonghui.honours.tasks.leaders import run_leader_allowances_task
from gonghui.honours.testing.leaders import leader

MONTH = datetime.date(2025, 6, 1)


def test_jobs_are_acknowledged_after_they_ran_and_redelivered_if_the_worker_dies():
    assert django_settings.CELERY_TASK_ACKS_LATE and django_settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    import gonghui.members.tasks  # noqa: F401

    for name in ("gonghui.members.tasks.run_member_import_task",
                 "gonghui.honours.tasks.leaders.run_leader_allowances_task"):
        assert project_app.tasks[name].max_retries >= 3


@pytest.mark.django_db(transaction=True)  # PostgreSQL: the connection is really cut
def test_allowance_run_cut_mid_way_pays_each_leader_once(tree, monkeypatch):
    for union in (tree.union1, tree.union1b, tree.union2):
        leader(tree, LeaderStatus.SELECTED, union=union, starts_on=datetime.date(2025, 1, 1))
    # save #1 creates the month's run row, save #2 updates it after the payments: cut before #2.
    monkeypatch.setattr(LeaderAllowanceRun, "save", cutting(LeaderAllowanceRun.save, on_call=2))

    paid = run_like_a_worker(run_leader_allowances_task, MONTH.isoformat())

    assert paid == 3
    assert LeaderAllowance.objects.filter(month=MONTH).count() == 3
    run = LeaderAllowanceRun.objects.get(month=MONTH)
    assert (run.runs, run.paid_count) == (1, 3)
    assert AuditEvent.objects.filter(action="honours.allowance_run").count() == 1

    assert run_like_a_worker(run_leader_allowances_task, MONTH.isoformat()) == 0  # the month again
    assert LeaderAllowance.objects.filter(month=MONTH).count() == 3


def _export_kind(fail):
    def plan(user, params):
        def write(target, progress):
            target.write(b"PK\x03\x04 half a workbook")
            if fail["now"]:
                raise OperationalError("simulated: server closed the connection unexpectedly")
            return 1
        return exports.ExportPlan(write=write, rows=None)

    return exports.ExportKind(key="test.faults", label="faults", plan=plan, list_url="core:audit_list",
                              filename_prefix="faults", background_rows=lambda: -1)


def _stored_exports():
    folder = exports.STORAGE_FOLDER
    if not default_storage.exists(folder):
        return []
    return [f for sub in default_storage.listdir(folder)[0] for f in default_storage.listdir(f"{folder}/{sub}")[1]]


@pytest.mark.django_db
def test_export_failing_half_way_stores_no_file_and_the_next_works(tree, django_capture_on_commit_callbacks):
    fail = {"now": True}
    kind = _export_kind(fail)
    with django_capture_on_commit_callbacks(execute=True):
        first = exports.start_export(actor=tree.district_staff, kind=kind, params={})
    assert exports.export_job(tree.district_staff, first.job_id)["status"] == "FAILED"
    assert _stored_exports() == []

    fail["now"] = False
    with django_capture_on_commit_callbacks(execute=True):
        second = exports.start_export(actor=tree.district_staff, kind=kind, params={})
    job = exports.export_job(tree.district_staff, second.job_id)
    assert job["status"] == "DONE" and _stored_exports() == [f"{second.job_id}.xlsx"]
