"""Generic export jobs (core.exports): small exports at once, large ones in the background for
their owner only, rights checked again when the job runs, idempotent jobs, expiry and purge;
and the exports built on them — member transfers, member imports, the audit trail."""

import datetime
import io
import os

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from gonghui.accounts.models import RoleAssignment
from gonghui.core import audit, exports
from gonghui.core.models import AuditEvent, ExportJob
from gonghui.members import services as member_services
from gonghui.members.models import MemberImport, Transfer


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def sheet_rows(response, sheet=0):
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(sheet).to_python()


def job_id_of(response):
    assert response.status_code == 302, response
    assert response.url.startswith("/exports/")
    return response.url.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture
def transfers(tree):
    """union1 → union2 (accepted), union1 → union1b (pending), union2 → union1 (pending)."""
    a = tree.member(tree.union1, name="调出一")
    b = tree.member(tree.union1, name="调出二")
    c = tree.member(tree.union2, name="调入一")
    day = datetime.date(2026, 3, 1)
    t1 = member_services.request_transfer(actor=tree.district_staff, membership=a, to_union=tree.union2,
                                          effective_on=day)
    member_services.accept_transfer(actor=tree.district_staff, transfer=t1)
    t2 = member_services.request_transfer(actor=tree.district_staff, membership=b, to_union=tree.union1b,
                                          effective_on=day)
    t3 = member_services.request_transfer(actor=tree.district_staff, membership=c, to_union=tree.union1,
                                          effective_on=day)
    return t1, t2, t3


# --- the generic machinery --------------------------------------------------------------------------

def test_small_export_is_sent_at_once_and_audited(client, tree, transfers):
    client.force_login(tree.district_staff)
    response = client.get(reverse("members:transfer_export") + "?tab=decided")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith('attachment; filename="transfers-')
    rows = sheet_rows(response)
    assert len(rows) == 2 and rows[1][0] == "调出一"
    event = AuditEvent.objects.get(action="members.transfer_export")
    assert event.after == {"filters": {"tab": "decided"}, "rows": 1, "background": False}
    assert event.org_id == tree.district.pk


def test_large_export_runs_in_the_background_for_its_owner_only(client, tree, transfers, settings,
                                                                 django_capture_on_commit_callbacks):
    settings.EXPORT_BACKGROUND_ROWS = 1
    client.force_login(tree.district_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("members:transfer_export") + "?tab=incoming&after=5")
    job_id = job_id_of(response)
    job = exports.export_job(tree.district_staff, job_id)
    assert job["status"] == "DONE" and job["rows"] == 2 and job["params"] == [["tab", ["incoming"]]]
    page = client.get(response.url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert reverse("core:export_download", args=[job_id]) in page.content.decode()
    assert reverse("members:transfer_list") + "?tab=incoming" in page.content.decode()  # the way back
    partial = client.get(response.url, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"export-status" in partial.content
    download = client.get(reverse("core:export_download", args=[job_id]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="transfers-')
    assert sorted(r[0] for r in sheet_rows(download)[1:]) == ["调入一", "调出二"]
    event = AuditEvent.objects.get(action="members.transfer_export")
    assert event.after["background"] is True and event.after["rows"] == 2
    # Nobody else sees the job or the file, not even someone who could export the same rows.
    client.force_login(tree.town1_cadre)
    assert client.get(reverse("core:export_status", args=[job_id])).status_code == 404
    assert client.get(reverse("core:export_download", args=[job_id])).status_code == 404
    client.logout()
    assert client.get(reverse("core:export_status", args=[job_id])).status_code == 302  # to the login page
    assert client.get(reverse("core:export_download", args=[job_id])).status_code == 302


def test_unknown_and_unfinished_jobs_are_404(client, tree, transfers, settings):
    settings.EXPORT_BACKGROUND_ROWS = 1
    client.force_login(tree.district_staff)
    assert client.get(reverse("core:export_status", args=["nope"])).status_code == 404
    assert client.get(reverse("core:export_download", args=["nope"])).status_code == 404
    assert client.get("/exports/%00ab/").status_code == 404  # never reaches the database
    # Not run yet (no commit in this test): a status page with progress, no download.
    job_id = job_id_of(client.get(reverse("members:transfer_export") + "?tab=incoming"))
    page = client.get(reverse("core:export_status", args=[job_id]))
    assert page.status_code == 200 and b"hx-trigger" in page.content
    assert client.get(reverse("core:export_download", args=[job_id])).status_code == 404


def test_job_is_idempotent_and_claimed_once(tree, transfers, settings, django_capture_on_commit_callbacks):
    from gonghui.members.exporting import TRANSFERS

    settings.EXPORT_BACKGROUND_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        started = exports.start_export(actor=tree.district_staff, kind=TRANSFERS, params={"tab": "incoming"})
    assert started.job_id and started.file is None
    exports.run_export_job(started.job_id)  # a redelivered task
    assert AuditEvent.objects.filter(action="members.transfer_export").count() == 1
    # A job reset to PENDING by a stale copy is still claimed: it does not run twice.
    job = exports.export_job(tree.district_staff, started.job_id)
    exports._save_job({**job, "status": "PENDING"})
    exports.run_export_job(started.job_id)
    assert AuditEvent.objects.filter(action="members.transfer_export").count() == 1


def test_rights_are_checked_again_when_the_job_runs(tree, transfers, settings):
    from gonghui.members.exporting import TRANSFERS

    settings.EXPORT_BACKGROUND_ROWS = 0
    started = exports.start_export(actor=tree.town1_cadre, kind=TRANSFERS, params={"tab": "decided"})
    assert started.job_id
    RoleAssignment.objects.filter(user=tree.town1_cadre).delete()
    tree.town1_cadre.refresh_from_db()
    exports.run_export_job(started.job_id)
    job = exports.export_job(tree.town1_cadre, started.job_id)
    assert job["status"] == "FAILED" and job["message"] and not job["file"]
    assert not AuditEvent.objects.filter(action="members.transfer_export").exists()


def test_a_failing_writer_fails_the_job_with_a_message(tree, settings, monkeypatch):
    def plan(user, params):
        def write(target, progress):
            raise RuntimeError("disk full")
        return exports.ExportPlan(write=write, rows=AuditEvent.objects.all())

    kind = exports.ExportKind(key="test.failing", label="failing", plan=plan, list_url="core:audit_list",
                              filename_prefix="failing", background_rows=lambda: -1)
    started = exports.start_export(actor=tree.district_staff, kind=kind, params={})
    exports.run_export_job(started.job_id)
    job = exports.export_job(tree.district_staff, started.job_id)
    assert job["status"] == "FAILED" and job["message"]


def test_refused_export_goes_back_to_the_list_with_a_message(client, tree):
    client.force_login(tree.district_staff)
    response = client.get(reverse("core:audit_export") + "?date_from=2026-05-01&date_to=2026-04-01")
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:audit_list") + "?date_from=2026-05-01")
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_purge_removes_old_files_only(tree, settings):
    old = default_storage.save("private/exports/1/old.xlsx", io.BytesIO(b"x"))
    new = default_storage.save("private/exports/1/new.xlsx", io.BytesIO(b"x"))
    stale = (timezone.now() - datetime.timedelta(hours=30)).timestamp()
    os.utime(default_storage.path(old), (stale, stale))
    assert exports.purge_export_files() == 1
    assert not default_storage.exists(old) and default_storage.exists(new)


def test_expired_jobs_are_404_and_purged_with_their_files(client, tree, transfers, settings):
    """24 h after it was asked for a job is gone for its owner at once, and the daily purge
    deletes its row and its file; a younger job and its file stay."""
    from gonghui.members.exporting import TRANSFERS

    settings.EXPORT_BACKGROUND_ROWS = 0
    old, young = (exports.start_export(actor=tree.district_staff, kind=TRANSFERS, params={}).job_id for _ in "ab")
    for job_id in (old, young):
        exports.run_export_job(job_id)
    files = {job_id: ExportJob.objects.get(pk=job_id).file for job_id in (old, young)}
    ExportJob.objects.filter(pk=old).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    client.force_login(tree.district_staff)
    assert client.get(reverse("core:export_status", args=[old])).status_code == 404
    assert client.get(reverse("core:export_download", args=[old])).status_code == 404
    assert client.get(reverse("core:export_download", args=[young])).status_code == 200
    assert exports.purge_export_files() == 1
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [young]
    assert not default_storage.exists(files[old]) and default_storage.exists(files[young])


# --- Redis down: the job lives in the database ------------------------------------------------------------

@pytest.fixture
def redis_down(settings):
    """production's cache backend with Redis at a port where nothing listens: every read misses,
    every write is dropped (RETRY_AFTER=0: Redis is asked, and fails, on every call)."""
    settings.CACHES = {"default": {
        "BACKEND": "gonghui.core.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/3",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_AFTER": 0}}}
    from django.core.cache import cache

    cache.set("exports-probe", 1)
    assert cache.get("exports-probe") is None  # the cache really drops everything


def test_background_export_completes_and_downloads_while_redis_is_down(client, tree, transfers, settings,
                                                                     redis_down, django_capture_on_commit_callbacks):
    settings.EXPORT_BACKGROUND_ROWS = 1
    client.force_login(tree.district_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("members:transfer_export") + "?tab=incoming")
    job_id = job_id_of(response)
    row = ExportJob.objects.get(pk=job_id)
    assert (row.user_id, row.status, row.rows, row.claimed_at is not None) == (tree.district_staff.pk, "DONE", 2, True)
    partial = client.get(response.url, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and reverse("core:export_download", args=[job_id]) in partial.content.decode()
    assert b"hx-trigger" not in partial.content  # finished: the page stops polling
    download = client.get(reverse("core:export_download", args=[job_id]))
    assert download.status_code == 200
    assert sorted(r[0] for r in sheet_rows(download)[1:]) == ["调入一", "调出二"]
    client.force_login(tree.town1_cadre)  # still the owner's only
    assert client.get(reverse("core:export_download", args=[job_id])).status_code == 404


def test_params_drop_the_page_position_and_keep_repeated_values():
    from django.http import QueryDict

    query = exports._query(QueryDict("tab=decided&after=9&page=2&status=A&status=B"))
    assert query.getlist("status") == ["A", "B"] and "after" not in query and "page" not in query
    assert exports._query(exports._stored_params(query)) == query


# --- member transfers and imports ------------------------------------------------------------------------

@pytest.mark.parametrize(("user", "tab", "expected"), [
    ("district_staff", "decided", {"调出一"}),
    ("town1_cadre", "decided", {"调出一"}),  # town1's union released them
    ("town2_cadre", "decided", {"调出一"}),  # town2's union received them
    ("town1_cadre", "incoming", {"调入一", "调出二"}),  # union1 → union1b is inside town1
    ("town1_cadre", "outgoing", {"调出二"}),
    ("town2_cadre", "incoming", set()),
    ("town2_cadre", "outgoing", {"调入一"}),
    ("union1_chair", "outgoing", {"调出二"}),
    ("union1_staff", "outgoing", {"调出二"}),
])
def test_transfer_export_follows_tab_and_scope(client, tree, transfers, user, tab, expected):
    client.force_login(getattr(tree, user))
    rows = sheet_rows(client.get(reverse("members:transfer_export") + f"?tab={tab}"))
    assert {r[0] for r in rows[1:]} == expected
    for row in rows[1:]:
        assert "*" in row[1]  # ID numbers masked


@pytest.mark.parametrize("user", ["outsider", "member_user"])
def test_transfer_export_refused_without_the_export_right(client, tree, transfers, user):
    client.force_login(getattr(tree, user))
    assert client.get(reverse("members:transfer_export")).status_code == 403


def test_transfer_and_import_lists_link_to_their_exports(client, tree, transfers):
    client.force_login(tree.town1_cadre)
    page = client.get(reverse("members:transfer_list") + "?tab=decided").content.decode()
    assert reverse("members:transfer_export") + "?tab=decided" in page
    page = client.get(reverse("members:import_list")).content.decode()
    assert reverse("members:import_list_export") in page
    page = client.get(reverse("members:list")).content.decode()
    assert reverse("members:export") in page and "pii=full" not in page
    client.force_login(tree.district_staff)
    assert "pii=full" in client.get(reverse("members:list") + "?status=all").content.decode()


def test_member_import_list_export(client, tree):
    MemberImport.objects.create(org=tree.union1, created_by=tree.union1_chair, original_name="=甲.xlsx",
                                status="IMPORTED", total_rows=3, valid_rows=3, imported_rows=3)
    MemberImport.objects.create(org=tree.union2, created_by=tree.union2_chair, original_name="丙.xlsx")
    client.force_login(tree.town1_cadre)
    rows = sheet_rows(client.get(reverse("members:import_list_export")))
    assert [r[1] for r in rows[1:]] == ["'=甲.xlsx"]  # town2's file is not there; formula-safe
    assert rows[1][5:9] == [3, 3, 0, 3]
    assert AuditEvent.objects.get(action="members.import_list_export").org_id == tree.town1.pk
    client.force_login(tree.member_user)
    assert client.get(reverse("members:import_list_export")).status_code == 403


# --- the audit trail --------------------------------------------------------------------------------

def test_audit_export_masks_numbers_and_follows_filters(client, tree):
    person = tree.member(tree.union1, name="审计").person
    audit.record(actor=tree.union1_chair, action="members.person.update", obj=person, org=tree.union1,
                 before={"note": "旧 13812345678"}, after={"note": "新 330102199001011234"})
    audit.record(actor=tree.union2_chair, action="members.person.update", obj=person, org=tree.union2,
                 after={"note": "town2"})
    client.force_login(tree.town1_cadre)
    response = client.get(reverse("core:audit_export") + "?action=members.person.update")
    rows = sheet_rows(response)
    assert len(rows) == 2  # town2's event is outside town1's trail
    row = rows[1]
    assert row[1] == "union1" and row[3] == "members.person.update" and row[7] == tree.union1.name
    assert "13812345678" not in row[9] and "138****5678" in row[9]
    assert "330102199001011234" not in row[9] and "330102********1234" in row[9]
    event = AuditEvent.objects.get(action="audit.export")
    assert event.after["filters"]["action"] == "members.person.update" and event.after["rows"] == 1


@pytest.mark.parametrize(("user", "status"), [
    ("district_staff", 200), ("town1_cadre", 200), ("union1_chair", 200),
    ("union1_staff", 403),  # may export members, but not read the trail
    ("member_user", 403), ("outsider", 403),
])
def test_audit_export_needs_audit_view(client, tree, user, status):
    client.force_login(getattr(tree, user))
    assert client.get(reverse("core:audit_export")).status_code == status


def test_audit_export_org_outside_scope_is_404(client, tree):
    client.force_login(tree.town1_cadre)
    assert client.get(reverse("core:audit_export") + f"?org={tree.town2.pk}").status_code == 404
    assert client.get(reverse("core:audit_export") + "?org=999999").status_code == 404
    assert client.get(reverse("core:audit_export") + f"?org={tree.union1.pk}").status_code == 200


def test_audit_export_queries_do_not_grow_with_rows(client, tree):
    def export_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("core:audit_export")).status_code == 200
        return len(ctx)

    client.force_login(tree.district_staff)
    for n in range(3):
        audit.record(actor=tree.district_staff, action="orgs.org.update", obj=tree.union1, org=tree.union1,
                     before={"name": f"旧{n}"}, after={"name": f"新{n}"})
    few = export_queries()
    for n in range(30):
        audit.record(actor=tree.town1_cadre, action="orgs.org.update", obj=tree.union1b, org=tree.union1b,
                     before={"parent_id": tree.town1.pk}, after={"parent_id": tree.town2.pk, "n": n})
    assert export_queries() <= few + 1  # one more name lookup for the org ids in the new events


def test_transfer_export_queries_do_not_grow_with_rows(client, tree):
    def export_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("members:transfer_export") + "?tab=incoming").status_code == 200
        return len(ctx)

    client.force_login(tree.town1_cadre)
    member_services.request_transfer(actor=tree.district_staff, membership=tree.member(tree.union2),
                                     to_union=tree.union1, effective_on=datetime.date(2026, 3, 1))
    few = export_queries()
    for _n in range(10):
        member_services.request_transfer(actor=tree.district_staff, membership=tree.member(tree.union2),
                                         to_union=tree.union1, effective_on=datetime.date(2026, 3, 1))
    assert export_queries() == few
    assert Transfer.objects.count() == 11
