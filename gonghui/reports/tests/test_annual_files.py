"""The report's files on hand-made metrics: the workbook read back (values with calamine; frozen
panes, number formats and the bold totals row with openpyxl), the PDF's text, the JSON bytes, the
audit row of an export and the SVG chart."""

import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from gonghui.core.models import AuditEvent
from gonghui.core.pdf import cjk_font_available, pdf_text
from gonghui.reports.selectors.annual import build_annual_report, report_json
from gonghui.reports.services import annual as services
from gonghui.reports.testing.annual import YEAR, known_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(tree):
    with known_figures(tree):
        yield build_annual_report(org=tree.district, year=YEAR)


def sheets(content):
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_workbook_has_a_cover_one_sheet_per_section_and_the_levels(tree, report):
    content = services.report_bytes(report, "xlsx")
    book = sheets(content)
    names = list(book)
    assert names[1:-1] == ["工会组织", "会员", "帮扶和慰问", "职工诉求"]
    cover = book[names[0]]
    assert cover[0][0].startswith(tree.district.name)
    assert [row[:2] for row in cover[2:4]][0][1] == tree.district.name and cover[3][1] == YEAR
    codes = [row[2] for row in cover if len(row) > 2]
    assert {"k.unions", "k.members", "k.rate", "k.spend", "k.average"} <= set(codes)
    members = book["会员"]
    assert members[0][1:] == ["会员数", "入会率"]
    assert [row[0] for row in members[1:3]] == [tree.town1.name, tree.town2.name]
    assert [row[1:] for row in members[1:]] == [[300.0, 0.75], [80.0, 1.0], [0.0, "—"], [380.0, pytest.approx(0.792)]]
    welfare = book["帮扶和慰问"]
    assert [row[1] for row in welfare[1:]] == [1000.25, 550.0, 100.5, 1650.75]
    voice = book["职工诉求"]
    assert [row[2] for row in voice[1:]] == [4.5, 4.0, "—", 4.33]
    levels = book[names[-1]]
    spend = next(row for row in levels if row[0] == "慰问金额")
    assert spend[1] == 100.5 and spend[-1] == 1650.75
    assert sum(v for v in spend[1:-1] if v != "—") == 1650.75


def test_workbook_freezes_the_headings_formats_numbers_and_bolds_the_totals(report):
    book = load_workbook(io.BytesIO(services.report_bytes(report, "xlsx")))
    members = book["会员"]
    assert members.freeze_panes == "B2"
    assert members["B2"].number_format == "#,##0" and members["C2"].number_format == "0.0%"
    assert book["帮扶和慰问"]["B2"].number_format == "#,##0.00"
    assert book["职工诉求"]["C2"].number_format == "0.00"
    last = members.max_row
    assert members.cell(last, 1).font.b and members.cell(last, 2).font.b and not members["B2"].font.b
    assert members["A1"].font.b and book.worksheets[-1].freeze_panes == "B2"


def test_json_bytes_are_the_report_json(report):
    body = json.loads(services.report_bytes(report, "json"))
    assert body == json.loads(json.dumps(report_json(report)))
    assert body["total"]["k.spend"] == "1650.75"


@pytest.mark.skipif(not cjk_font_available(), reason="no CJK font installed")
def test_pdf_holds_every_section_with_its_figures(tree, report):
    text = pdf_text(services.report_bytes(report, "pdf")).replace(" ", "")
    for title in ("工会组织", "会员", "帮扶和慰问", "职工诉求"):
        assert title in text
    for figure in (tree.town1.name, "1,000.25", "1,650.75", "79.2%", "4.33"):
        assert figure in text


def test_an_export_is_audited_under_the_org(tree, report):
    file = services.export_annual_report(actor=tree.district_staff, report=report, fmt="xlsx")
    assert file.filename == f"annual-report-{YEAR}-D.xlsx" and file.content[:2] == b"PK"
    event = AuditEvent.objects.get(action=services.EXPORT_ACTION)
    assert event.org_id == tree.district.pk and event.actor_id == tree.district_staff.pk
    assert event.after["year"] == YEAR and event.after["format"] == "xlsx"


def test_an_export_needs_reports_export_on_the_org(tree, report):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.export_annual_report(actor=tree.town1_cadre, report=report, fmt="json")
    assert not AuditEvent.objects.filter(action=services.EXPORT_ACTION).exists()


def test_chart_is_an_svg_of_the_bars_with_escaped_labels():
    from gonghui.reports.selectors.annual import Column

    column = Column(code="x", label="x", kind="metric", unit="yuan", decimals=2, help="")
    svg = services.bar_chart_svg([("<甲&乙>", Decimal("10")), ("丙", Decimal("5"))], column)
    assert svg.startswith("<svg") and "&lt;甲&amp;乙&gt;" in svg and "10.00" in svg and "<script" not in svg
    assert svg.count("<rect") == 2
    assert services.bar_chart_svg([], column) == ""
