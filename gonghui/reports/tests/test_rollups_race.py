"""Two refreshes of one year at the same moment (PostgreSQL): the year's lock row makes the second
wait for the first, then replace its rows, so both end DONE, no unique-key clash, and the table
holds exactly one refresh's rows. SQLite serialises writers: skipped there."""

import pytest
from django.db import connection
from django.utils import timezone

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.reports.models.rollups import Rollup, RollupRun, RollupStatus, RollupTrigger, RollupYear
from gonghui.reports.services.rollups import refresh_rollups
from gonghui.reports.testing.rollups import stored_rows

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
THIS_YEAR = timezone.localdate().year


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_refreshes_of_a_year_at_once_do_not_interleave():
    tree = Tree()
    for union in (tree.union1, tree.union1b, tree.union2):
        for _ in range(3):
            tree.member(union)
    refresh_rollups(year=THIS_YEAR, trigger=RollupTrigger.COMMAND)
    expected = stored_rows(THIS_YEAR)
    outcome = race([lambda: refresh_rollups(year=THIS_YEAR, trigger=RollupTrigger.SCHEDULED) for _ in range(3)])
    assert outcome == ["won", "won", "won"]
    assert stored_rows(THIS_YEAR) == expected
    runs = RollupRun.objects.filter(trigger=RollupTrigger.SCHEDULED)
    assert [r.status for r in runs] == [RollupStatus.DONE] * 3
    assert all(r.rows == len(expected) for r in runs)
    assert RollupYear.objects.get(year=THIS_YEAR).run_id in {r.pk for r in runs}
    assert Rollup.objects.filter(year=THIS_YEAR).count() == len(expected)


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_first_refresh_of_a_year_twice_at_once():
    """No lock row yet: both create it (one wins the unique index, the other reads it)."""
    tree = Tree()
    tree.member(tree.union1)
    outcome = race([lambda: refresh_rollups(year=THIS_YEAR - 1, trigger=RollupTrigger.SCHEDULED) for _ in range(2)])
    assert outcome == ["won", "won"]
    assert RollupYear.objects.filter(year=THIS_YEAR - 1).count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_refresh_request_does_not_wait_for_a_running_refresh(monkeypatch):
    """A refresh holds the year's lock for its whole run; pressing "refresh now" meanwhile must
    queue a run at once instead of hanging behind it."""
    import threading
    import time

    from django.db import connections, transaction

    from gonghui.accounts.roles import Role
    from gonghui.core.testing.factories import user_with_role
    from gonghui.reports.services.rollups import request_refresh
    from gonghui.reports.tasks.rollups import refresh_rollups_task

    tree = Tree()
    staff = user_with_role(tree.district, Role.DISTRICT_STAFF)
    monkeypatch.setattr(refresh_rollups_task, "delay_on_commit", lambda **kwargs: None)
    RollupYear.objects.get_or_create(year=THIS_YEAR)
    locked, release = threading.Event(), threading.Event()

    def running_refresh():
        try:
            with transaction.atomic():
                RollupYear.objects.select_for_update().get(year=THIS_YEAR)
                locked.set()
                release.wait(timeout=20)
        finally:
            connections.close_all()

    holder = threading.Thread(target=running_refresh)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        started = time.monotonic()
        run = request_refresh(actor=staff, year=THIS_YEAR)
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(timeout=20)
    assert run.status == RollupStatus.QUEUED
    assert waited < 5  # not the lock timeout: the request did not queue behind the refresh
