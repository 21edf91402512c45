"""Excel exports: the statistics workbook and the agreement list. Export right required, scoped,
formula-safe, audited; the workbooks are read back with calamine."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from gonghui.bargaining.exporting import OBJECT_TYPE
from gonghui.bargaining.models import AgreementKind, Stage, WageAgreement
from gonghui.bargaining.tests.test_stats import area, single
from gonghui.core.models import AuditEvent


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


@pytest.fixture
def agreements(tree):
    tree.single1 = single(tree, workers=50)
    tree.area1 = area(tree, tree.town1, [(tree.enterprise1, 40)])
    tree.single2 = single(tree, enterprise=tree.enterprise2, workers=30, title="北干2026年工资协议")
    tree.open2 = area(tree, tree.town2, [(tree.enterprise2, 20)], stage=Stage.IN_TALKS, title="北干区域协商")
    return tree


URLS = ("bargaining:export", "bargaining:stats_export")


@pytest.mark.parametrize("name", URLS)
def test_export_needs_the_export_right(client, agreements, name):
    url = reverse(name)
    assert client.get(url).status_code == 302  # to the sign-in page
    for user in (agreements.member_user, agreements.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action="bargaining.export").exists()


@pytest.mark.parametrize("name", URLS)
def test_org_outside_scope_is_404(client, agreements, name):
    client.force_login(agreements.town1_cadre)
    assert client.get(reverse(name), {"org": agreements.town2.pk}).status_code == 404
    assert client.get(reverse(name), {"org": "999999"}).status_code == 404


def test_agreement_list_of_a_town_cadre_has_only_their_town(client, agreements):
    client.force_login(agreements.town1_cadre)
    sheets = workbook(client.get(reverse("bargaining:export")))
    (rows,) = sheets.values()
    header, body = rows[0], rows[1:]
    assert header[:6] == ["Kind", "Title", "Union party", "Town", "Employer party", "Stage"]
    assert header[-4:] == ["Enterprises covered", "Workers covered", "Next step", "Next step due on"]
    assert len(body) == 2
    titles = {row[1] for row in body}
    assert "北干2026年工资协议" not in titles and "北干区域协商" not in titles
    by_kind = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    one = by_kind["Single enterprise"]
    assert one["Union party"] == agreements.union1.name and one["Town"] == agreements.town1.name
    assert one["Stage"] == "In effect and published"
    assert one["Workers covered"] == 50 and one["Enterprises covered"] == 1
    assert one["In force from"] == agreements.single1.starts_on
    assert one["In force until"] == agreements.single1.ends_on
    assert one["Average wage increase (%)"] == 6.5 and one["Skilled-worker clause"] == "Yes"
    assert one["Next step"] == "Renewal offer" and one["Next step due on"] == agreements.single1.next_due_on
    assert by_kind["Area"]["Town"] == agreements.town1.name and by_kind["Area"]["Minimum wage increase (%)"] == 4.0

    event = AuditEvent.objects.get(action="bargaining.export")
    assert event.object_type == OBJECT_TYPE and event.org == agreements.town1
    assert event.after["report"] == "agreements" and event.after["rows"] == 2


def test_agreement_export_follows_the_list_filters(client, agreements):
    client.force_login(agreements.district_staff)
    (rows,) = workbook(client.get(reverse("bargaining:export"))).values()
    assert len(rows) == 5  # header + four negotiations, open ones included
    (rows,) = workbook(client.get(reverse("bargaining:export"), {"kind": AgreementKind.AREA})).values()
    assert sorted(row[1] for row in rows[1:]) == sorted([agreements.area1.title, "北干区域协商"])
    (rows,) = workbook(client.get(reverse("bargaining:export"),
                                  {"stage": Stage.IN_TALKS, "org": agreements.town2.pk})).values()
    assert [row[1] for row in rows[1:]] == ["北干区域协商"]
    (rows,) = workbook(client.get(reverse("bargaining:export"), {"q": "北干2026"})).values()
    assert [row[1] for row in rows[1:]] == ["北干2026年工资协议"]
    (rows,) = workbook(client.get(reverse("bargaining:export"), {"year": 2025})).values()
    assert rows[1:] == []
    event = AuditEvent.objects.filter(action="bargaining.export").order_by("-id").first()
    assert event.after["filters"]["year"] == 2025


def test_agreement_export_with_a_bad_filter_goes_back_to_the_list(client, agreements):
    client.force_login(agreements.district_staff)
    response = client.get(reverse("bargaining:export"), {"year": "abc"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("bargaining:list"))


def test_formula_cells_neutralised(client, agreements):
    WageAgreement.objects.filter(pk=agreements.single1.pk).update(title="=cmd|' /C calc'!A0",
                                                                   employer_party="+SUM(A1:A9)")
    client.force_login(agreements.union1_chair)
    (rows,) = workbook(client.get(reverse("bargaining:export"))).values()
    row = next(r for r in rows if r[0] == "Single enterprise")
    assert row[1] == "'=cmd|' /C calc'!A0" and row[4] == "'+SUM(A1:A9)"


def test_statistics_workbook(client, agreements):
    client.force_login(agreements.district_staff)
    sheets = workbook(client.get(reverse("bargaining:stats_export"), {"on": "2026-11-30"}))
    assert list(sheets) == ["Summary", "By town", "By industry"]
    summary = {row[0]: row[1] for row in sheets["Summary"][1:] if row and row[0]}
    assert summary["As at"] == datetime.date(2026, 11, 30)
    assert summary["Agreements in force"] == 3  # the area negotiation of town 2 is still in talks
    assert (summary["Single-enterprise agreements"], summary["Area agreements"]) == (2, 1)
    assert summary["Workers under agreements"] == 120
    assert summary["Distinct covered workers"] == 80
    assert summary["Coverage rate (%)"] == 100.0
    assert summary["Average agreed increase (%)"] == 6.5 and summary["Average minimum increase (%)"] == 4.0

    by_town = sheets["By town"]
    assert by_town[0][0] == "Town" and by_town[0][10] == "Distinct covered workers"
    rows = {row[0]: row for row in by_town[1:]}
    assert set(rows) == {agreements.town1.name, agreements.town2.name, "Total"}
    assert rows[agreements.town1.name][1:5] == [1, 1, 0, 2]
    assert rows[agreements.town1.name][9:11] == [90, 50]
    assert rows[agreements.town2.name][9:11] == [30, 30]
    assert rows["Total"][9:11] == [120, 80]

    by_industry = {row[0]: row for row in sheets["By industry"][1:]}
    assert by_industry["Textiles and chemical fibre"][9:11] == [120, 80]
    assert by_industry["Logistics"][4] == 0

    event = AuditEvent.objects.get(action="bargaining.export")
    assert event.after == {"report": "statistics", "on": "2026-11-30", "org": None}
    assert event.org == agreements.district


def test_statistics_workbook_of_a_town_cadre(client, agreements):
    client.force_login(agreements.town1_cadre)
    sheets = workbook(client.get(reverse("bargaining:stats_export")))
    names = [row[0] for row in sheets["By town"][1:]]
    assert names == [agreements.town1.name, "Total"]
    summary = {row[0]: row[1] for row in sheets["Summary"][1:] if row and row[0]}
    assert summary["Workers under agreements"] == 90 and summary["Distinct covered workers"] == 50
    assert AuditEvent.objects.get(action="bargaining.export").org == agreements.town1


def test_statistics_workbook_with_org_filter(client, agreements):
    client.force_login(agreements.district_staff)
    sheets = workbook(client.get(reverse("bargaining:stats_export"), {"org": agreements.town2.pk}))
    summary = {row[0]: row[1] for row in sheets["Summary"][1:] if row and row[0]}
    assert summary["Organisation"] == agreements.town2.name and summary["Workers under agreements"] == 30
    assert AuditEvent.objects.get(action="bargaining.export").org == agreements.town2


def test_export_query_counts(client, agreements, django_assert_max_num_queries):
    client.force_login(agreements.district_staff)
    for i in range(3):
        single(agreements, enterprise=agreements.enterprise2, workers=10 + i, start=datetime.date(2025, 1, 6 + i))
    with django_assert_max_num_queries(12):
        workbook(client.get(reverse("bargaining:export")))
    with django_assert_max_num_queries(16):
        workbook(client.get(reverse("bargaining:stats_export")))
