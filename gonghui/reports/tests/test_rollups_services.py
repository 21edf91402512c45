"""Refresh on demand, the scheduled job, purging old runs."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.reports.models.rollups import Rollup, RollupRun, RollupStatus, RollupTrigger, RollupYear
from gonghui.reports.selectors import rollups as selectors
from gonghui.reports.services import rollups as services
from gonghui.reports.tasks.rollups import refresh_rollups_task
from gonghui.reports.testing.rollups import refresh

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def test_request_refresh_runs_after_commit_and_is_audited(tree, django_capture_on_commit_callbacks):
    tree.member(tree.union1)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_refresh(actor=tree.district_staff, year=THIS_YEAR)
    run.refresh_from_db()
    assert run.status == RollupStatus.DONE and run.trigger == RollupTrigger.ON_DEMAND
    assert run.requested_by == tree.district_staff and run.rows > 0
    assert selectors.last_run(THIS_YEAR) == run
    assert selectors.figures(tree.district, THIS_YEAR)["members.live"] == 1
    event = AuditEvent.objects.get(action=services.REFRESH_REQUESTED)
    assert event.object_id == str(run.pk) and event.org == tree.district and event.after["year"] == THIS_YEAR


def test_a_queued_refresh_is_reused(tree, django_capture_on_commit_callbacks):
    queued = RollupRun.objects.create(year=THIS_YEAR, trigger=RollupTrigger.ON_DEMAND, status=RollupStatus.QUEUED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.request_refresh(actor=tree.district_staff, year=THIS_YEAR)
    assert again == queued and not callbacks
    assert not AuditEvent.objects.filter(action=services.REFRESH_REQUESTED).exists()


@pytest.mark.parametrize("who", ["town1_cadre", "union1_chair", "union1_staff", "member_user", "outsider"])
def test_only_district_staff_may_refresh(tree, who):
    with pytest.raises(PermissionDenied):
        services.request_refresh(actor=getattr(tree, who), year=THIS_YEAR)
    assert not RollupRun.objects.exists()


@pytest.mark.parametrize("year", [2014, THIS_YEAR + 1, "abc", None])
def test_a_bad_year_is_refused_with_a_message(tree, year):
    with pytest.raises(DomainError) as caught:
        services.request_refresh(actor=tree.district_staff, year=year)
    assert caught.value.code == "bad_year" and caught.value.field == "year"
    assert not RollupRun.objects.exists()


def test_the_scheduled_job_refreshes_this_year_and_purges_old_runs(tree, settings):
    old = RollupRun.objects.create(year=THIS_YEAR - 1, trigger=RollupTrigger.SCHEDULED, status=RollupStatus.DONE)
    failed = RollupRun.objects.create(year=THIS_YEAR - 1, trigger=RollupTrigger.SCHEDULED, status=RollupStatus.FAILED)
    asked = RollupRun.objects.create(year=THIS_YEAR - 1, trigger=RollupTrigger.ON_DEMAND, status=RollupStatus.DONE)
    in_use = RollupRun.objects.create(year=THIS_YEAR - 2, trigger=RollupTrigger.SCHEDULED, status=RollupStatus.DONE)
    RollupYear.objects.create(year=THIS_YEAR - 2, run=in_use)
    long_ago = timezone.now() - datetime.timedelta(days=120)
    RollupRun.objects.filter(pk__in=[old.pk, failed.pk, asked.pk, in_use.pk]).update(requested_at=long_ago)
    ids = refresh_rollups_task()
    runs = list(RollupRun.objects.filter(pk__in=ids))
    assert [r.year for r in runs] == services.scheduled_years()
    assert all(r.trigger == RollupTrigger.SCHEDULED and r.status == RollupStatus.DONE for r in runs)
    assert set(RollupRun.objects.filter(pk__in=[old.pk, failed.pk, asked.pk, in_use.pk]).values_list(
        "pk", flat=True)) == {failed.pk, asked.pk, in_use.pk}


def test_the_job_runs_a_queued_run_once(tree):
    queued = RollupRun.objects.create(year=THIS_YEAR, trigger=RollupTrigger.ON_DEMAND, status=RollupStatus.QUEUED,
                                      requested_by=tree.district_staff)
    assert refresh_rollups_task(run_id=queued.pk) == [queued.pk]
    queued.refresh_from_db()
    assert queued.status == RollupStatus.DONE and queued.started_at and queued.finished_at
    assert refresh_rollups_task(run_id=queued.pk) == []  # already done: left alone


def test_a_failing_year_does_not_stop_the_job(tree, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "compute_rows", boom)
    assert refresh_rollups_task(year=THIS_YEAR) == []
    run = RollupRun.objects.get()
    assert run.status == RollupStatus.FAILED and "database went away" in run.error


def test_orgs_added_after_a_refresh_read_zero(tree):
    refresh(THIS_YEAR)
    assert Rollup.objects.filter(year=THIS_YEAR).exists()
    from gonghui.core.testing.factories import add_org
    from gonghui.orgs.models import OrgLevel

    new = add_org(tree.town1, "新工会", OrgLevel.GRASSROOTS)
    assert not any(selectors.figures(new, THIS_YEAR).values())
    assert selectors.last_run(THIS_YEAR).year == THIS_YEAR
    assert THIS_YEAR in selectors.available_years()
