"""The import pages end to end: upload → check → result with errors → confirm → imported, and
everything that must refuse, fail closed or do nothing twice."""

import datetime
import io
import random
import zipfile

import pytest
import xlsxwriter
from django.urls import reverse
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from gonghui.core.models import AuditEvent
from gonghui.core.testing.identifiers import make_id_number
from gonghui.members import importing
from gonghui.members.importing import HEADERS
from gonghui.members.models import ImportStatus, MemberImport, Membership, Person
from gonghui.members.tests.import_samples import row, sample_rows, upload_file, xlsx_bytes

rng = random.Random(7)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def jobs(django_capture_on_commit_callbacks):
    """Run the jobs scheduled with delay_on_commit (Celery is eager in tests)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def ids(n):
    out = []
    while len(out) < n:
        number = make_id_number(rng, region="511381")
        if number not in out:
            out.append(number)
    return out


def upload(client, jobs, target, rows=None, **kwargs):
    with jobs():
        return client.post(reverse("members:import_upload"), {"target": target.pk, "file": upload_file(rows, **kwargs)})


def raw_xlsx(rows):
    """An .xlsx written without our formula guard: what a user's own file may hold."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_numbers": False})
    ws = book.add_worksheet()
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            ws.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def test_template_has_headers_and_a_guide(client, tree):
    client.force_login(tree.union1_chair)
    response = client.get(reverse("members:import_template"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["会员", "填写说明"]
    assert book.get_sheet_by_index(0).to_python()[0] == HEADERS
    guide = [r[0] for r in book.get_sheet_by_index(1).to_python()]
    assert "姓名 *" in guide and "BACHELOR" in guide and "LEVEL3" in guide


def test_upload_with_bad_rows_shows_them_and_saves_nothing(client, tree, jobs):
    a, b, c = ids(3)
    tree.member(tree.union2, id_number=c)
    client.force_login(tree.town1_cadre)
    content = raw_xlsx([HEADERS, row("好人", a, org_code="U1"), row("=cmd|' /C calc'!A0", b, org_code="U1"),
                        row("某人", c, org_code="U1")])
    response = upload(client, jobs, tree.town1, name="bad.xlsx", content=content)
    member_import = MemberImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("members:import_detail", args=[member_import.pk])
    assert member_import.status == ImportStatus.VALIDATED
    assert (member_import.total_rows, member_import.valid_rows, member_import.invalid_rows) == (3, 1, 2)
    page = client.get(response.url).content.decode()
    assert "formula" in page and "=cmd|" in page and "already a member of 丙企业工会" in page
    assert c not in page and c[:6] + "********" + c[-4:] in page  # ID masked on the page
    assert Person.objects.count() == 1  # only the pre-existing member
    # The stored upload is encrypted, not a readable workbook.
    with member_import.file.open("rb") as handle:
        assert not handle.read(4).startswith(b"PK")
    # The error report download masks the ID too.
    report = client.get(reverse("members:import_errors", args=[member_import.pk]))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(report.streaming_content))).get_sheet_by_index(0)
    values = rows.to_python()
    assert values[0] == ["Row", "Column", "Value", "Problem"]
    assert [v[:2] for v in values[1:]] == [[3.0, "姓名"], [4.0, "身份证号"]] or \
        [v[:2] for v in values[1:]] == [[3, "姓名"], [4, "身份证号"]]
    assert values[1][2] == "'=cmd|' /C calc'!A0"  # neutralised in the report
    assert c not in str(values)


def test_confirm_imports_valid_rows_in_one_go(client, tree, jobs):
    a, b = ids(2)
    client.force_login(tree.union1_chair)
    upload(client, jobs, tree.union1, [HEADERS, row("甲", a), row("", b)])
    member_import = MemberImport.objects.get()
    page = client.get(reverse("members:import_confirm", args=[member_import.pk])).content.decode()
    assert "1 row valid" in page and "1 row with errors" in page
    with jobs():
        response = client.post(reverse("members:import_confirm", args=[member_import.pk]))
    assert response.status_code == 302
    member_import.refresh_from_db()
    assert member_import.status == ImportStatus.IMPORTED and member_import.imported_rows == 1
    assert not member_import.file  # the upload is deleted once imported
    assert list(Membership.objects.values_list("person__name", "union__code")) == [("甲", "U1")]
    event = AuditEvent.objects.get(action="members.import.commit")
    assert event.after["imported"] == 1 and event.after["skipped_invalid_rows"] == 1
    assert event.org_id == tree.union1.pk and event.actor_id == tree.union1_chair.pk
    assert event.after["person_ids"] == [[Person.objects.get().pk] * 2]
    # Confirming again does nothing (and says so).
    with jobs():
        client.post(reverse("members:import_confirm", args=[member_import.pk]))
    assert Membership.objects.count() == 1


def test_task_is_idempotent(tree, django_capture_on_commit_callbacks):
    rows = sample_rows(5, seed=11)
    with django_capture_on_commit_callbacks(execute=True):
        member_import = importing.start_member_import(actor=tree.union1_chair, org=tree.union1,
                                                      upload=upload_file(rows))
    with django_capture_on_commit_callbacks(execute=True):
        importing.confirm_member_import(actor=tree.union1_chair, member_import=member_import)
    assert Membership.objects.count() == 5
    importing.run_member_import(member_import.pk)  # a duplicated or retried job
    from gonghui.members.tasks import run_member_import_task

    run_member_import_task.delay(member_import.pk)
    assert Membership.objects.count() == 5
    assert AuditEvent.objects.filter(action="members.import.commit").count() == 1
    importing.check_member_import(member_import.pk)  # a late check job changes nothing
    member_import.refresh_from_db()
    assert member_import.status == ImportStatus.IMPORTED


def test_failure_mid_import_saves_nothing(tree, jobs, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK_ROWS", 10)
    rows = sample_rows(35, seed=12)
    with jobs():
        member_import = importing.start_member_import(actor=tree.union1_chair, org=tree.union1,
                                                      upload=upload_file(rows))
    calls = {"n": 0}
    real_write = importing.BatchWriter.write

    def failing_write(self, goods):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_write(self, goods)

    monkeypatch.setattr(importing.BatchWriter, "write", failing_write)
    with jobs():
        importing.confirm_member_import(actor=tree.union1_chair, member_import=member_import)
    member_import.refresh_from_db()
    assert calls["n"] == 2
    assert member_import.status == ImportStatus.FAILED
    assert "Nothing was imported" in member_import.message
    assert Person.objects.count() == 0 and Membership.objects.count() == 0
    assert AuditEvent.objects.filter(action="members.import.fail").count() == 1
    assert not AuditEvent.objects.filter(action="members.import.commit").exists()
    # The file is kept: the user can check it again.
    assert member_import.file


def test_person_registered_meanwhile_fails_the_import(client, tree, jobs):
    a, b = ids(2)
    client.force_login(tree.union1_chair)
    upload(client, jobs, tree.union1, [HEADERS, row("甲", a), row("乙", b)])
    member_import = MemberImport.objects.get()
    assert member_import.valid_rows == 2
    tree.member(tree.union2, id_number=b)  # another union registers 乙 before the confirm
    with jobs():
        client.post(reverse("members:import_confirm", args=[member_import.pk]))
    member_import.refresh_from_db()
    assert member_import.status == ImportStatus.FAILED
    assert Person.objects.filter(name="甲").count() == 0
    assert member_import.report["commit_errors"][0]["row"] == 3
    page = client.get(reverse("members:import_detail", args=[member_import.pk])).content.decode()
    assert "no longer valid" in page and "already a member of 丙企业工会" in page
    # Checking again finds one valid row.
    with jobs():
        client.post(reverse("members:import_recheck", args=[member_import.pk]))
    member_import.refresh_from_db()
    assert member_import.status == ImportStatus.VALIDATED and member_import.valid_rows == 1


def test_cancel_deletes_the_file(client, tree, jobs):
    client.force_login(tree.union1_chair)
    upload(client, jobs, tree.union1, sample_rows(2, seed=3))
    member_import = MemberImport.objects.get()
    name = member_import.file.name
    with jobs():  # the file is removed once the cancel has committed
        client.post(reverse("members:import_cancel", args=[member_import.pk]))
    member_import.refresh_from_db()
    assert member_import.status == ImportStatus.CANCELLED and not member_import.file
    assert not member_import.file.storage.exists(name)
    with jobs():
        client.post(reverse("members:import_confirm", args=[member_import.pk]))
    assert Membership.objects.count() == 0


@pytest.mark.parametrize("name,content,message", [
    ("members.csv", b"name,id\n", "Only Excel workbooks (.xlsx)"),
    ("members.xlsx", b"name,id\nfoo,bar\n", "not an Excel workbook"),
    ("members.xlsx", b"%PDF-1.4 not really", "not an Excel workbook"),
    ("members.xlsx", b"", "empty"),
])
def test_non_xlsx_upload_rejected(client, tree, jobs, name, content, message):
    client.force_login(tree.union1_chair)
    response = upload(client, jobs, tree.union1, name=name, content=content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MemberImport.objects.exists()


def test_zip_that_is_not_a_workbook_and_macros_rejected(client, tree, jobs):
    client.force_login(tree.union1_chair)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    response = upload(client, jobs, tree.union1, name="x.xlsx", content=buffer.getvalue())
    assert response.status_code == 400 and "not an Excel workbook" in response.content.decode()
    data = xlsx_bytes(sample_rows(1))
    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(macro, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"\0" * 10)
    response = upload(client, jobs, tree.union1, name="m.xlsx", content=macro.getvalue())
    assert response.status_code == 400 and "macros" in response.content.decode()
    assert not MemberImport.objects.exists()


def test_oversized_upload_rejected(client, tree, jobs, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 8 * 1024
    client.force_login(tree.union1_chair)
    content = xlsx_bytes(sample_rows(400, seed=4))
    assert len(content) > 8 * 1024
    response = upload(client, jobs, tree.union1, content=content)
    assert response.status_code in (400, 413)
    assert "largest" in response.content.decode()
    assert not MemberImport.objects.exists()
    # Far beyond the limit: refused from the Content-Length, before the body is read.
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    response = upload(client, jobs, tree.union1, content=content)
    assert response.status_code == 413 and not MemberImport.objects.exists()


def test_empty_sheet_and_missing_headers_are_invalid(client, tree, jobs):
    client.force_login(tree.union1_chair)
    upload(client, jobs, tree.union1, [HEADERS])
    upload(client, jobs, tree.union1, [["名字"], ["甲"]])
    first, second = MemberImport.objects.order_by("pk")
    assert first.status == second.status == ImportStatus.INVALID
    assert "no member rows" in first.report["file_errors"][0]
    assert "身份证号" in second.report["file_errors"][0]
    page = client.get(reverse("members:import_detail", args=[second.pk])).content.decode()
    assert "身份证号" in page
    with jobs():
        client.post(reverse("members:import_confirm", args=[second.pk]))
    second.refresh_from_db()
    assert second.status == ImportStatus.INVALID


def test_errors_are_paginated(client, tree, jobs):
    client.force_login(tree.union1_chair)
    rows = [HEADERS] + [row(f"人{i}", "123") for i in range(120)]
    upload(client, jobs, tree.union1, rows)
    member_import = MemberImport.objects.get()
    assert member_import.invalid_rows == 120 and member_import.status == ImportStatus.INVALID
    url = reverse("members:import_detail", args=[member_import.pk])
    page1 = client.get(url).content.decode()
    page3 = client.get(url + "?page=3").content.decode()
    assert "Page 1 of 3" in page1 and ">51<" in page1 and ">52<" not in page1
    assert "Page 3 of 3" in page3 and ">121<" in page3


def test_status_poll_refreshes_when_done(client, tree, jobs):
    client.force_login(tree.union1_chair)
    upload(client, jobs, tree.union1, sample_rows(2, seed=9))
    member_import = MemberImport.objects.get()
    response = client.get(reverse("members:import_status", args=[member_import.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Refresh"] == "true"


def test_purge_removes_abandoned_files(tree, jobs):
    with jobs():
        member_import = importing.start_member_import(actor=tree.union1_chair, org=tree.union1,
                                                      upload=upload_file(sample_rows(2, seed=8)))
    assert importing.purge_import_files(older_than_hours=1) == 0
    MemberImport.objects.filter(pk=member_import.pk).update(
        created_at=member_import.created_at - __import__("datetime").timedelta(hours=2))
    assert importing.purge_import_files(older_than_hours=1) == 1
    member_import.refresh_from_db()
    assert member_import.status == ImportStatus.CANCELLED and not member_import.file


def test_imports_left_importing_past_the_stale_hours_are_marked_failed(tree, jobs, settings):
    settings.IMPORT_STALE_HOURS = 2
    with jobs():
        member_import = importing.start_member_import(actor=tree.union1_chair, org=tree.union1,
                                                      upload=upload_file(sample_rows(2, seed=4)))

    def importing_since(hours):
        MemberImport.objects.filter(pk=member_import.pk).update(
            status=ImportStatus.IMPORTING, confirmed_by=tree.union1_chair,
            confirmed_at=timezone.now() - datetime.timedelta(hours=hours))

    importing_since(1)
    assert importing.fail_stale_imports() == 0  # an hour: it may still be running
    importing_since(3)
    assert importing.fail_stale_imports() == 1
    member_import.refresh_from_db()
    assert member_import.status == ImportStatus.FAILED and member_import.file  # kept: it can be checked again
    assert member_import.message.startswith("The import did not finish within 2 hours")
    assert AuditEvent.objects.filter(action="members.import.fail", object_id=str(member_import.pk)).count() == 1
    assert importing.fail_stale_imports() == 0


def test_upload_into_one_union_by_code(client, tree, jobs):
    client.force_login(tree.district_staff)
    url = reverse("members:import_upload")
    with jobs():
        client.post(url, {"target": tree.district.pk, "union_code": "U1B",
                          "file": upload_file(sample_rows(3, seed=21))})
    member_import = MemberImport.objects.get()
    assert member_import.org == tree.union1b and member_import.status == ImportStatus.VALIDATED
    client.force_login(tree.town1_cadre)
    with jobs():
        response = client.post(url, {"target": tree.town1.pk, "union_code": "U2",
                                     "file": upload_file(sample_rows(3, seed=22))})
    assert response.status_code == 400 and "No union with the code “U2”" in response.content.decode()
    assert MemberImport.objects.count() == 1


def test_list_pages_use_a_constant_number_of_queries(client, tree, jobs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(tree.town1_cadre)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("members:import_list")).status_code == 200
            assert client.get(reverse("members:import_upload")).status_code == 200
        return len(ctx.captured_queries)

    with jobs():
        importing.start_member_import(actor=tree.town1_cadre, org=tree.town1, upload=upload_file(sample_rows(1)))
    few = queries()
    with jobs():
        for seed in range(5):
            importing.start_member_import(actor=tree.town1_cadre, org=tree.town1,
                                          upload=upload_file(sample_rows(1, seed=seed)))
    assert queries() == few
