"""Member export: masked unless the user may export full numbers, scoped, formula-safe, audited,
and a background job with a per-user status page when large."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from gonghui.core.models import AuditEvent
from gonghui.members.exporting import EXPORT_HEADERS


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def sheet_rows(response):
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


@pytest.fixture
def people(tree):
    a = tree.member(tree.union1, name="城一")
    b = tree.member(tree.union1b, name="城二")
    c = tree.member(tree.union2, name="北一")
    return a, b, c


def test_masked_for_town_cadre(client, tree, people):
    a, _b, _c = people
    client.force_login(tree.town1_cadre)
    response = client.get(reverse("members:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    rows = sheet_rows(response)
    assert rows[0] == EXPORT_HEADERS
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"城一", "城二"}  # town2's member is not in town1's export
    assert by_name["城一"][1] == a.person.id_number_masked and "*" in by_name["城一"][1]
    assert by_name["城一"][2] == a.person.phone_masked
    event = AuditEvent.objects.get(action="members.export")
    assert event.after["rows"] == 2 and event.after["full_pii_rows"] == 0
    assert event.actor_id == tree.town1_cadre.pk
    assert event.org_id == tree.town1.pk  # seen by the town's auditors, not only by superusers


def test_full_numbers_only_with_export_full(client, tree, people):
    a, _b, c = people
    client.force_login(tree.town1_cadre)
    assert client.get(reverse("members:export") + "?pii=full").status_code == 403
    client.force_login(tree.district_staff)
    rows = sheet_rows(client.get(reverse("members:export") + "?pii=full"))
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"城一", "城二", "北一"}
    assert by_name["城一"][1] == a.person.id_number() and by_name["北一"][2] == c.person.phone()
    event = AuditEvent.objects.get(action="members.export_full")
    assert event.after["full_pii_rows"] == 3
    assert event.org_id == tree.district.pk
    # Without asking, district staff get masked numbers too.
    rows = sheet_rows(client.get(reverse("members:export")))
    assert all("*" in r[1] for r in rows[1:])


def test_filters_follow_the_member_list(client, tree, people):
    client.force_login(tree.district_staff)
    rows = sheet_rows(client.get(reverse("members:export") + f"?org={tree.union1b.pk}"))
    assert [r[0] for r in rows[1:]] == ["城二"]
    rows = sheet_rows(client.get(reverse("members:export") + "?q=北"))
    assert [r[0] for r in rows[1:]] == ["北一"]
    event = AuditEvent.objects.filter(action="members.export").first()
    assert event.after["filters"]["q"] == "北"


def test_org_outside_scope_is_404(client, tree, people):
    client.force_login(tree.town1_cadre)
    assert client.get(reverse("members:export") + f"?org={tree.union2.pk}").status_code == 404
    assert client.get(reverse("members:export") + "?org=999999").status_code == 404


def test_id_search_not_exportable_by_link(client, tree, people):
    a, _b, _c = people
    client.force_login(tree.district_staff)
    response = client.get(reverse("members:export") + f"?q={a.person.id_number()}")
    assert response.status_code == 302
    assert a.person.id_number() not in response.url
    assert not AuditEvent.objects.filter(action__startswith="members.export").exists()


def test_formula_cells_neutralised(client, tree):
    tree.member(tree.union1, name="=cmd|' /C calc'!A0")
    client.force_login(tree.union1_chair)
    rows = sheet_rows(client.get(reverse("members:export")))
    assert rows[1][0] == "'=cmd|' /C calc'!A0"


def test_large_export_runs_as_a_job_for_its_owner_only(client, tree, people, settings,
                                                      django_capture_on_commit_callbacks):
    settings.MEMBER_EXPORT_BACKGROUND_ROWS = 1
    client.force_login(tree.district_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("members:export"))
    assert response.status_code == 302 and "/exports/" in response.url
    job_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    page = client.get(response.url)
    assert page.status_code == 200 and "is ready" in page.content.decode()
    download = client.get(reverse("members:export_download", args=[job_id]))
    assert download.status_code == 200
    assert len(sheet_rows(download)) == 4
    assert AuditEvent.objects.get(action="members.export").after["background"] is True
    # Another user (even one who could export the same members) sees nothing.
    client.force_login(tree.town1_cadre)
    assert client.get(reverse("members:export_status", args=[job_id])).status_code == 404
    assert client.get(reverse("members:export_download", args=[job_id])).status_code == 404
    assert client.get(reverse("members:export_status", args=["nope"])).status_code == 404


def test_background_job_is_idempotent(tree, people, settings, django_capture_on_commit_callbacks):
    from gonghui.members import exporting
    from gonghui.members.selectors import MemberFilters

    settings.MEMBER_EXPORT_BACKGROUND_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        started = exporting.export_members(actor=tree.town1_cadre, filters=MemberFilters())
    job = exporting.export_job(tree.town1_cadre, started.job_id)
    assert job["status"] == "DONE" and job["rows"] == 2
    exporting.run_export_job(started.job_id)
    assert AuditEvent.objects.filter(action="members.export").count() == 1


def test_export_writer_memory_is_flat_for_many_rows(tree):
    """Constant-memory mode: 5,000 rows written without building the sheet in memory."""
    import tempfile
    import tracemalloc

    from gonghui.members import exporting
    from gonghui.members.models import Membership, Person
    from gonghui.members.selectors import MemberFilters

    person = Person.objects.create(name="样本", name_initials="yb", id_number_enc="x", id_number_hash="h",
                                   id_number_masked="3301**********1234", gender="M",
                                   birth_on="1990-01-01", hometown_province="浙江省")
    Membership.objects.create(person=person, union=tree.union1, joined_on="2020-01-01")
    qs = exporting.export_queryset(tree.district_staff, MemberFilters())
    rows = list(qs.values_list(*exporting.FIELDS)) * 5000

    class FakeQs:
        def order_by(self, *a):
            return self

        def values_list(self, *a):
            return self

        def iterator(self, chunk_size):
            return iter(rows)

    tracemalloc.start()
    with tempfile.TemporaryFile() as handle:
        counts = exporting.write_members(handle, FakeQs())
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert counts.rows == 5000
    assert peak < 20 * 1024 * 1024
