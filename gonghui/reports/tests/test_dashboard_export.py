"""The workbook of a dashboard's table: every shown figure and ratio of the orgs below, 本级 and the
total, read back with calamine; one audit row filed under the org; the search and sort of the page."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.core.models import AuditEvent
from gonghui.reports.testing.dashboard import YEAR, known_figures

pytestmark = pytest.mark.django_db
URL = reverse("reports:dashboard_export")


@pytest.fixture
def known(tree):
    with known_figures(tree):
        yield tree


def sheets(response):
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_the_workbook_holds_the_table(known, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(known.district_staff)
    response = client.get(URL, {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'statistics-{known.district.pk}-{YEAR}.xlsx"')
    book = sheets(response)
    figures = book["Figures"]
    header = figures[0]
    assert header[0] == "Organisation" and "会员" in header and "入会率 (%)" in header and "帮扶支出 (yuan)" in header
    assert "满意度合计" not in header  # helper sums are not shown
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in figures[1:]}
    assert list(rows) == [known.town1.name, known.town2.name, "Held at this level", "Total"]
    assert rows[known.town1.name]["会员"] == 150 and rows[known.town1.name]["入会率 (%)"] == 60.0
    assert rows["Total"]["帮扶支出 (yuan)"] == 1200.5 and rows["Total"]["满意度"] == 4.4
    assert rows["Held at this level"]["入会率 (%)"] == ""  # no headcount held at the district itself
    summary = dict(book["Summary"][1:])
    assert summary["Organisation"] == known.district.name and summary["Year"] == YEAR
    event = AuditEvent.objects.get(action="reports.dashboard_export")
    assert event.org == known.district and event.actor == known.district_staff
    assert event.after == {"org": known.district.pk, "year": YEAR, "industry": "", "rows": 2}


def test_the_workbook_follows_the_search_and_sort(known, client):
    client.force_login(known.town1_cadre)
    book = sheets(client.get(URL, {"year": YEAR, "org": known.town1.pk, "sort": "members.live"}))
    names = [row[0] for row in list(book.values())[0][1:3]]
    assert names == [known.union1b.name, known.union1.name]
    book = sheets(client.get(URL, {"year": YEAR, "org": known.town1.pk, "q": "甲企业"}))
    assert [row[0] for row in list(book.values())[0][1:]][0] == known.union1.name
    assert len(list(book.values())[0]) == 1 + 1 + 2  # header, one union, 本级, total
    assert AuditEvent.objects.filter(action="reports.dashboard_export", org=known.town1).count() == 2


def test_cells_that_look_like_formulas_stay_text(known, client):
    known.union1.name = "=HYPERLINK(\"http://x\")"
    known.union1.save()
    client.force_login(known.town1_cadre)
    book = sheets(client.get(URL, {"year": YEAR, "org": known.town1.pk}))
    assert list(book.values())[0][1][0] == "'=HYPERLINK(\"http://x\")"
