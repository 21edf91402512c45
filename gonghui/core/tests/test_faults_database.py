"""The database connection lost in the middle of a write: a member import (a background job) and
two approvals (a wage agreement's vote, a mutual-aid claim's approval, through their pages).

On PostgreSQL the connection is really cut: a second connection terminates this one's backend
(pg_terminate_backend) at a point mid-way, after the first rows of the write were sent. On SQLite
the same point raises OperationalError. Either way nothing is half-written (rows, counters,
audit), the user gets a clear message instead of a 500 page, and doing it again succeeds."""

import datetime
import json
import time
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.db import OperationalError, connection, connections
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from gonghui.bargaining import services as bargaining
from gonghui.bargaining.models import Stage, Vote, VotingBody, WageAgreement
from gonghui.bargaining.testing import negotiation
from gonghui.core.faults import database_unreachable_message
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import Tree
from gonghui.members import importing
from gonghui.members.importing import HEADERS
from gonghui.members.models import ImportStatus, MemberImport, Membership, Person
from gonghui.members.tasks import DATABASE_RETRIES, run_member_import_task
from gonghui.members.tests.import_samples import sample_rows, upload_file
from gonghui.welfare.models.mutualaid import ClaimStatus, MutualAidClaim, MutualAidCoverage
from gonghui.welfare.services import mutualaid
from gonghui.welfare.testing.mutualaid import claim, covered, plan, reviewed

pytestmark = pytest.mark.django_db(transaction=True)


def cut_database_connection():
    """Lose this thread's database connection now."""
    if connection.vendor != "postgresql":
        raise OperationalError("simulated: server closed the connection unexpectedly")
    victim = connection.connection.info.backend_pid
    killer = connections.create_connection("default")
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [victim])
            for _ in range(200):  # the backend exits asynchronously; wait until it is gone
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [victim])
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.01)
    finally:
        killer.close()


def cutting(original, *, on_call=1, times=1):
    """Wrap `original` so that its `on_call`-th call (and the next `times - 1`) first loses the
    connection and then goes on (and fails, as the real code would)."""
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if on_call <= calls["n"] < on_call + times:
            cut_database_connection()
        return original(*args, **kwargs)

    wrapper.calls = calls
    return wrapper


def audit_count(action):
    return AuditEvent.objects.filter(action=action).count()


# --- approvals through their pages -----------------------------------------------------------------

def _vote_form():
    return {"body": VotingBody.CONGRESS, "held_on": "2026-03-20", "eligible": 60, "present": 50, "yes": 45, "no": 5,
            "abstain": 0}


def test_wage_agreement_vote_cut_mid_way_saves_nothing_then_succeeds(client, monkeypatch):
    tree = Tree()
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                            stage=Stage.IN_TALKS)
    url = reverse("bargaining:step", args=[agreement.pk, "vote"])
    client.force_login(tree.union1_chair)
    # The vote row is written, then the agreement and its audit event: cut in between.
    monkeypatch.setattr(bargaining, "_save_with_audit", cutting(bargaining._save_with_audit))

    response = client.post(url, _vote_form())

    assert response.status_code == 503
    assert escape(database_unreachable_message()) in response.content.decode()
    assert WageAgreement.objects.get(pk=agreement.pk).stage == Stage.IN_TALKS
    assert Vote.objects.filter(agreement=agreement).count() == 0
    assert audit_count("bargaining.vote") == 0

    response = client.post(url, _vote_form())  # the user tries again
    assert response.status_code == 302
    assert WageAgreement.objects.get(pk=agreement.pk).stage == Stage.APPROVED
    assert Vote.objects.filter(agreement=agreement).count() == 1
    assert audit_count("bargaining.vote") == 1


def test_mutual_aid_approval_cut_mid_way_saves_nothing_then_succeeds(client, monkeypatch):
    tree = Tree()
    (cov,) = covered(tree, plan(tree))
    c = reviewed(tree, claim(tree, cov))
    url = reverse("welfare:claim_step", args=[c.pk, "approve"])
    client.force_login(tree.district_staff)
    # The claim and the person's coverage counters are written, then the audit: cut in between.
    monkeypatch.setattr(mutualaid, "_record", cutting(mutualaid._record))

    response = client.post(url, {"approve-confirm": "on"})

    assert response.status_code == 503
    assert escape(database_unreachable_message()) in response.content.decode()
    assert MutualAidClaim.objects.get(pk=c.pk).status == ClaimStatus.REVIEWED
    assert MutualAidCoverage.objects.get(pk=cov.pk).total_approved == Decimal("0")
    assert audit_count("welfare.mutualaid_claim_approve") == 0

    response = client.post(url, {"approve-confirm": "on"})
    assert response.status_code == 302
    assert MutualAidClaim.objects.get(pk=c.pk).status == ClaimStatus.APPROVED
    assert MutualAidCoverage.objects.get(pk=cov.pk).total_approved == Decimal("4000.00")
    assert audit_count("welfare.mutualaid_claim_approve") == 1


@pytest.mark.django_db(transaction=False)
def test_the_api_answers_a_lost_connection_in_its_error_format(rf):
    from gonghui.core.faults import InfrastructureFaultMiddleware

    response = InfrastructureFaultMiddleware(lambda request: None).process_exception(
        rf.post("/api/v1/welfare/claims/1/approve"), OperationalError("server closed the connection unexpectedly"))
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "code": "database_unavailable", "message": str(database_unreachable_message()), "field": None, "errors": []}


# --- the member import (a background job) ---------------------------------------------------------

ROWS = 7


@pytest.fixture
def confirmed_import(monkeypatch):
    """A checked file of ROWS new members, confirmed (IMPORTING), written in batches of 2 rows."""
    tree = Tree()
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    member_import = importing.start_member_import(actor=tree.union1_chair, org=tree.union1,
                                                  upload=upload_file([HEADERS, *sample_rows(ROWS, seed=12)[1:]]))
    importing.check_member_import(member_import.pk)
    MemberImport.objects.filter(pk=member_import.pk).update(status=ImportStatus.IMPORTING,
                                                            confirmed_by=tree.union1_chair)
    return member_import.pk


def run_like_a_worker(task, *args):
    """Run a job as the worker would: eager mode raises Retry where the worker would receive the
    job again (after its countdown), so receive it again here, with the retry count raised."""
    for attempt in range(task.max_retries + 1):
        try:
            return task.apply(args=args, retries=attempt, throw=True).get()
        except Retry:
            continue
    raise AssertionError("the job retried more often than its max_retries")


def _import_counts():
    return (Person.objects.count(), Membership.objects.count(), audit_count("members.import.commit"),
            audit_count("members.import.fail"))


def test_import_cut_mid_way_is_retried_by_its_job_and_imports_once(monkeypatch, confirmed_import):
    people_before = Person.objects.count()
    write = cutting(importing.BatchWriter.write, on_call=2)  # after the first batch was written
    monkeypatch.setattr(importing.BatchWriter, "write", write)

    run_like_a_worker(run_member_import_task, confirmed_import)

    member_import = MemberImport.objects.get(pk=confirmed_import)
    assert member_import.status == ImportStatus.IMPORTED and member_import.imported_rows == ROWS
    assert Person.objects.count() == people_before + ROWS
    assert _import_counts()[2:] == (1, 0)
    assert write.calls["n"] == 2 + 4  # 4 batches of the retry, after 2 calls of the cut attempt


def test_import_whose_database_stays_away_fails_with_nothing_written(monkeypatch, confirmed_import):
    people_before = Person.objects.count()
    attempts = DATABASE_RETRIES + 1
    monkeypatch.setattr(importing.BatchWriter, "write", cutting(importing.BatchWriter.write, on_call=2,
                                                                times=10 * attempts))

    with pytest.raises(OperationalError):
        run_like_a_worker(run_member_import_task, confirmed_import)

    member_import = MemberImport.objects.get(pk=confirmed_import)
    assert member_import.status == ImportStatus.FAILED and member_import.imported_rows in (0, None)
    with translation.override(member_import.language):
        expected = gettext("The connection to the database was lost during the import (%(attempts)d attempts). "
                           "Nothing was imported; check the file again to retry.") % {"attempts": attempts}
    assert member_import.message == expected
    assert Person.objects.count() == people_before
    assert _import_counts()[2:] == (0, 1)


def test_import_whose_failure_cannot_be_recorded_raises_the_original_error_then_the_sweep_fails_it(
        monkeypatch, confirmed_import, caplog):
    """The database is still down when the job gives up, so recording the failure fails too: the
    job's error is the original one (logged beside the give-up's), the import stays IMPORTING,
    and the periodic sweep marks it failed once IMPORT_STALE_HOURS have passed."""
    monkeypatch.setattr(importing.BatchWriter, "write", cutting(importing.BatchWriter.write, on_call=2,
                                                                times=10 * (DATABASE_RETRIES + 1)))

    def still_down(*args, **kwargs):
        raise OperationalError("give-up: still down")

    monkeypatch.setattr(importing, "fail_after_lost_connection", still_down)
    with pytest.raises(OperationalError) as raised:
        run_like_a_worker(run_member_import_task, confirmed_import)
    assert "give-up" not in str(raised.value)  # the import's own error, not the give-up's
    assert any("recording the failure failed too" in r.getMessage() and "give-up: still down" in str(r.exc_info[1])
               for r in caplog.records if r.exc_info)
    assert MemberImport.objects.get(pk=confirmed_import).status == ImportStatus.IMPORTING

    assert importing.fail_stale_imports() == 0  # just confirmed: maybe still running
    MemberImport.objects.filter(pk=confirmed_import).update(
        confirmed_at=timezone.now() - datetime.timedelta(hours=3))
    assert importing.fail_stale_imports() == 1
    member_import = MemberImport.objects.get(pk=confirmed_import)
    assert member_import.status == ImportStatus.FAILED and member_import.file
    with translation.override(member_import.language):
        expected = gettext("The import did not finish within %(hours)d hours of being confirmed (its job was lost, "
                           "e.g. while the database was unavailable). Nothing was imported; check the file again "
                           "to retry.") % {"hours": 2}
    assert member_import.message == expected
    assert _import_counts()[2:] == (0, 1)
    assert importing.fail_stale_imports() == 0  # once


def test_import_rolled_back_at_its_last_write_keeps_its_file_for_the_retry(monkeypatch, confirmed_import):
    """The encrypted upload is deleted only after the import's transaction commits: when the
    connection is lost at the end (here: the final save), the retry still finds the file."""
    stored = MemberImport.objects.get(pk=confirmed_import).file
    storage, name = stored.storage, stored.name
    real_save, lost = MemberImport.save, []

    def save_losing_the_connection_once(self, *args, **kwargs):
        if self.status == ImportStatus.IMPORTED and not lost:
            lost.append(self.pk)
            raise OperationalError("simulated: server closed the connection unexpectedly")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(MemberImport, "save", save_losing_the_connection_once)
    with pytest.raises(Retry):
        run_member_import_task.apply(args=(confirmed_import,), throw=True).get()
    member_import = MemberImport.objects.get(pk=confirmed_import)
    assert member_import.status == ImportStatus.IMPORTING and member_import.file.name == name
    assert storage.exists(name)  # rolled back: the file is still there

    run_like_a_worker(run_member_import_task, confirmed_import)
    member_import = MemberImport.objects.get(pk=confirmed_import)
    assert member_import.status == ImportStatus.IMPORTED and member_import.imported_rows == ROWS
    assert not member_import.file and not storage.exists(name)  # committed: now it is gone
