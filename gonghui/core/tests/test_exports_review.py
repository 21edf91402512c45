"""Review of the exports (issue 11): the wage negotiation due page's export (the last list page
without one), a job whose worker died, garbage filters on every export added, and the export
rows against the list rows for the same filters."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from gonghui.bargaining.models import Stage
from gonghui.bargaining.testing import negotiation
from gonghui.core import exports
from gonghui.core.models import AuditEvent, ExportJob


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def sheets(response):
    assert response.status_code == 200, response
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return [book.get_sheet_by_index(i).to_python() for i in range(len(book.sheet_names))]


# --- bargaining: the due page ----------------------------------------------------------------------

@pytest.fixture
def due(tree):
    own = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, stage=Stage.OFFERED)
    other = negotiation(actor=tree.union2_chair, org=tree.union2, enterprise=tree.enterprise2, stage=Stage.OFFERED)
    return own, other


def test_due_export_has_the_page_rows_and_filters(client, tree, due):
    own, other = due
    client.force_login(tree.district_staff)
    page = client.get(reverse("bargaining:due") + f"?org={tree.town1.pk}&within=7")
    listed = [a.title for a in page.context["due"]]
    assert listed == [own.title]
    assert reverse("bargaining:due_export") + f"?org={tree.town1.pk}&amp;within=7" in page.content.decode()
    steps, requests, ending = sheets(client.get(reverse("bargaining:due_export") + f"?org={tree.town1.pk}&within=7"))
    assert [row[0] for row in steps[1:]] == listed
    assert steps[1][3] == own.next_due_on
    event = AuditEvent.objects.get(action="bargaining.due_export")
    assert event.after["filters"] == {"org": tree.town1.pk, "within": 7} and event.org_id == tree.town1.pk
    # No org: the whole reach, both towns.
    steps = sheets(client.get(reverse("bargaining:due_export")))[0]
    assert sorted(row[0] for row in steps[1:]) == sorted([own.title, other.title])


def test_due_export_scope(client, tree, due):
    own, other = due
    client.force_login(tree.town1_cadre)
    steps = sheets(client.get(reverse("bargaining:due_export")))[0]
    assert [row[0] for row in steps[1:]] == [own.title]  # never town2's
    assert client.get(reverse("bargaining:due_export") + f"?org={tree.town2.pk}").status_code == 404
    assert client.get(reverse("bargaining:due_export") + "?org=abc").status_code == 404
    response = client.get(reverse("bargaining:due_export") + "?within=999")
    assert response.status_code == 302 and response.url.startswith(reverse("bargaining:due"))
    client.logout()
    response = client.get(reverse("bargaining:due_export"))
    assert response.status_code == 302 and "login" in response.url


# --- a job whose worker died -----------------------------------------------------------------------------

def _claimed_job(tree, *, status):
    """A job a worker took (claimed) and then left in `status`."""
    from gonghui.members.exporting import TRANSFERS

    started_id = exports._start_job(actor=tree.district_staff, kind=TRANSFERS, query=exports._query({}))
    ExportJob.objects.filter(pk=started_id).update(status=status, claimed_at=timezone.now())
    return started_id


@pytest.mark.parametrize("status", ["RUNNING", "PENDING"])
def test_a_claimed_job_left_behind_by_its_worker_fails(tree, settings, status, monkeypatch):
    job_id = _claimed_job(tree, status=status)
    assert exports.export_job(tree.district_staff, job_id)["status"] == status  # still fresh
    later = timezone.now() + datetime.timedelta(minutes=61)
    monkeypatch.setattr(exports.timezone, "now", lambda: later)
    job = exports.export_job(tree.district_staff, job_id)
    assert job["status"] == "FAILED" and job["message"]
    assert ExportJob.objects.get(pk=job_id).status == "FAILED"  # kept: the next look does not start over
    exports.run_export_job(job_id)  # a late redelivery does not revive it
    assert ExportJob.objects.get(pk=job_id).status == "FAILED"


def test_a_job_waiting_in_the_queue_is_not_stale(tree, monkeypatch):
    from gonghui.members.exporting import TRANSFERS

    job_id = exports._start_job(actor=tree.district_staff, kind=TRANSFERS, query=exports._query({}))
    later = timezone.now() + datetime.timedelta(hours=3)
    monkeypatch.setattr(exports.timezone, "now", lambda: later)
    assert exports.export_job(tree.district_staff, job_id)["status"] == "PENDING"


def test_a_purged_job_is_404_and_its_task_does_nothing(client, tree, settings):
    from gonghui.members.exporting import TRANSFERS

    settings.EXPORT_BACKGROUND_ROWS = 0
    job_id = exports._start_job(actor=tree.district_staff, kind=TRANSFERS, query=exports._query({}))
    ExportJob.objects.filter(pk=job_id).delete()
    exports.run_export_job(job_id)  # the task arrives after the purge deleted the job
    client.force_login(tree.district_staff)
    assert client.get(reverse("core:export_status", args=[job_id])).status_code == 404
    assert client.get(reverse("core:export_download", args=[job_id])).status_code == 404
    assert not AuditEvent.objects.filter(action="members.transfer_export").exists()


# --- garbage filters: never a 500 ------------------------------------------------------------------------

NAMES = ["members:transfer_export", "members:import_list_export", "core:audit_export", "honours:award_type_export",
         "honours:reward_batch_export", "competitions:contest_trade_export", "grassroots:harmony_indicator_export",
         "grassroots:home_standard_export", "training:target_export", "services:benefit_stats_export",
         "innovation:project_export", "accounts:role_export", "members:export", "voice:appeal_export",
         "bargaining:due_export"]
GARBAGE = ["org=abc", "org=99999999999999999999999", "org=-1", "year=abc", "year=99999", "status=bogus", "tab=bogus",
           "date_from=garbage&date_to=2026-13-45", "q=" + "x" * 3000, "after=zzz", "org=1&org=2", "q=%00",
           "within=-3", "within=abc", "overdue=maybe"]


@pytest.mark.parametrize("name", NAMES)
def test_garbage_filters_never_500(client, tree, name):
    client.force_login(tree.town1_cadre)
    for garbage in GARBAGE:
        response = client.get(reverse(name) + "?" + garbage)
        assert response.status_code in (200, 302, 403, 404), (garbage, response.status_code)


def test_member_export_refuses_a_nul_in_the_search(client, tree):
    client.force_login(tree.town1_cadre)
    response = client.get(reverse("members:export") + "?q=a%00b")
    assert response.status_code == 302 and response.url.startswith(reverse("members:list"))
    assert not AuditEvent.objects.filter(action="members.export").exists()


def test_a_finished_file_is_not_handed_to_someone_who_lost_the_right(client, tree, settings,
                                                                    django_capture_on_commit_callbacks):
    from gonghui.accounts.models import RoleAssignment
    from gonghui.members.exporting import TRANSFERS

    settings.EXPORT_BACKGROUND_ROWS = -1  # even an empty tab
    with django_capture_on_commit_callbacks(execute=True):
        started = exports.start_export(actor=tree.town1_cadre, kind=TRANSFERS, params={"tab": "decided"})
    assert exports.export_job(tree.town1_cadre, started.job_id)["status"] == "DONE"
    client.force_login(tree.town1_cadre)
    url = reverse("core:export_download", args=[started.job_id])
    assert client.get(url).status_code == 200
    RoleAssignment.objects.filter(user=tree.town1_cadre).delete()
    assert client.get(url).status_code == 404
    assert client.get(reverse("members:export_download", args=[started.job_id])).status_code == 404


@pytest.mark.django_db
def test_a_status_page_polling_a_lost_job_is_told_to_stop(client):
    """htmx polls the status every 2 s; once the job is gone it gets 286 (stop polling) and a
    message, not a 404 it would ignore while polling on."""
    from gonghui.core.testing.factories import UserFactory

    client.force_login(UserFactory())
    url = reverse("core:export_status", args=["0123456789abcdef0123456789abcdef"])
    assert client.get(url).status_code == 404
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    assert b"alert" in response.content
