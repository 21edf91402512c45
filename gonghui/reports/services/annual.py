"""Services of the `annual` area: the annual statistics report as a file — an Excel workbook, a
printable PDF with charts, or JSON — and the audited export of it.

- `write_xlsx(target, report)`: a cover sheet 说明 (org, year, the as-of times, every column's
  definition), one sheet per section (Chinese headings, the header row and the first column
  frozen, `#,##0` for counts, `#,##0.00` for yuan, `0.0%` for percentages, the totals row bold)
  and a sheet by org level;
- `render_pdf(report)`: A4 landscape, a cover, one page block per section with a server-side SVG
  bar chart of the section's main figure by row, the level table and the definitions (WeasyPrint,
  the project's CJK font; no JavaScript);
- `report_bytes(report, fmt)`: any of the three as bytes;
- `export_annual_report(actor=, report=, fmt=)`: checks `reports.export` on the org, makes the
  file and writes one audit row per export (`core.audit.record_export`);
- `ANNUAL_PDF`: the page's PDF download as a background export (`core.exports`): a district's
  PDF takes 5–10 s of CPU and a town of ~200 unions ~30 s (more under load), far too long for a
  request, so the page starts a job and sends the user to its status page.
"""

import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.http import Http404
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.excel import XLSX_CONTENT_TYPE, XlsxStream, safe_cell
from gonghui.core.exports import ExportKind, ExportPlan, ExportRefused
from gonghui.core.policies import require

from ..forms.annual import AnnualForm
from ..policies.annual import EXPORT
from ..selectors import annual as selectors
from ..selectors.annual import TOTAL, AnnualReport, Column, definitions, format_value, report_json

EXPORT_ACTION = "reports.annual_export"
EXPORT_OBJECT = "reports.AnnualReportExport"
FORMATS = ("xlsx", "pdf", "json")
CONTENT_TYPES = {"xlsx": XLSX_CONTENT_TYPE, "pdf": "application/pdf", "json": "application/json"}


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    filename: str
    content_type: str


def export_annual_report(*, actor, report: AnnualReport, fmt: str) -> ReportFile:
    """The report as a file for a user with `reports.export` on its org, audited (one row filed
    under the org, with the year, industry and format). `actor=None` is the `annual_report`
    command run on the server, audited as the system."""
    if actor is not None:
        require(actor, EXPORT, report.org)
    content = report_bytes(report, fmt)
    audit.record_export(actor=actor, action=EXPORT_ACTION, object_type=EXPORT_OBJECT, org=report.org,
                        reach_action=EXPORT, label=_("Annual statistics report"),
                        after={"org": report.org.pk, "year": report.year, "industry": report.industry,
                               "format": fmt, "bytes": len(content)})
    return ReportFile(content=content, filename=report_filename(report, fmt), content_type=CONTENT_TYPES[fmt])


def report_bytes(report: AnnualReport, fmt: str) -> bytes:
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, report)
        return buffer.getvalue()
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "json":
        return json.dumps(report_json(report), ensure_ascii=False, indent=1).encode()
    raise ValueError(fmt)


def report_filename(report: AnnualReport, fmt: str) -> str:
    code = re.sub(r"[^A-Za-z0-9_-]+", "", report.org.code) or str(report.org.pk)
    industry = f"-{report.industry.lower()}" if report.industry else ""
    return f"annual-report-{report.year}-{code}{industry}.{fmt}"


def report_title(report: AnnualReport) -> str:
    return _("%(org)s annual statistics report %(year)s") % {"org": report.org.name, "year": report.year}


# --- Excel --------------------------------------------------------------------------------------


class _Formats:
    """The cell formats of the workbook, plain and bold (the totals row)."""

    def __init__(self, workbook):
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.label = add({"bold": True})
        self.header = add({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True, "valign": "vcenter",
                           "align": "center"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.datetime = add({"num_format": "yyyy-mm-dd hh:mm", "align": "left"})
        self.date = add({"num_format": "yyyy-mm-dd", "align": "left"})
        self._numbers = {}
        self._add = add

    def number(self, column: Column, *, bold=False):
        key = (self._num_format(column), bold)
        if key not in self._numbers:
            self._numbers[key] = self._add({"num_format": key[0], "bold": bold, "border": 1})
        return self._numbers[key]

    def text(self, *, bold=False):
        key = ("@", bold)
        if key not in self._numbers:
            self._numbers[key] = self._add({"bold": bold, "border": 1, "align": "left"})
        return self._numbers[key]

    @staticmethod
    def _num_format(column: Column) -> str:
        decimals = "." + "0" * column.decimals if column.decimals else ""
        if column.unit == "percent":
            return f"0{decimals}%"
        if column.is_ratio:
            return f"0{decimals}"
        return f"#,##0{decimals}"


def excel_value(column: Column, value):
    """What the cell holds: a number (a percentage as a fraction, shown with `0.0%`), or "—"
    for a ratio with nothing to divide by."""
    if value is None:
        return None
    value = Decimal(value)
    if column.unit == "percent":
        value = value / 100
    return float(value)


def write_xlsx(target, report: AnnualReport) -> None:
    with XlsxStream(target) as book:
        formats = _Formats(book.workbook)
        _cover_sheet(book, report, formats)
        for section in report.sections:
            _section_sheet(book, section, formats)
        _level_sheet(book, report, formats)


def _cover_sheet(book, report, formats):
    ws = book.sheet(pgettext("annual report sheet", "Notes")).worksheet
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 2, 26)
    ws.set_column(3, 3, 80)
    ws.write_string(0, 0, safe_cell(report_title(report)), formats.title)
    facts = [
        (pgettext("annual report", "Organisation"), report.org.name),
        (pgettext("annual report", "Year"), report.year),
        (pgettext("annual report", "Industry"), report.industry_label or _("All industries")),
        (_("State figures as of"), report.as_of),
        (_("Figures rolled up at"),
         timezone.localtime(report.figures_as_of) if report.figures_as_of else pgettext("figures as of", "Not yet")),
        (_("Generated at"), timezone.localtime(report.generated_at)),
    ]
    row = 2
    for label, value in facts:
        ws.write_string(row, 0, str(label), formats.label)
        if hasattr(value, "hour"):
            ws.write_datetime(row, 1, value.replace(tzinfo=None), formats.datetime)
        elif hasattr(value, "year"):
            ws.write_datetime(row, 1, value, formats.date)
        elif isinstance(value, int):
            ws.write_number(row, 1, value, formats.text())
        else:
            ws.write_string(row, 1, safe_cell(str(value)))
        row += 1
    row += 1
    ws.write_string(row, 0, _("State figures (members, unions, agreements in force…) are taken on the as-of day; "
                              "flow figures count the records of the year. 本级 is what the organisation itself "
                              "holds; 合计 is its whole subtree."), formats.wrap)
    row += 2
    headers = (pgettext("annual report", "Section"), pgettext("annual report", "Figure"),
               pgettext("annual report", "Code"), _("What is counted"))
    for col, header in enumerate(headers):
        ws.write_string(row, col, header, formats.header)
    for section, column in definitions(report):
        row += 1
        ws.write_string(row, 0, section)
        ws.write_string(row, 1, column.label)
        ws.write_string(row, 2, column.code)
        ws.write_string(row, 3, column.help, formats.wrap)


def _section_sheet(book, section, formats):
    ws = book.sheet(section.title).worksheet
    ws.set_column(0, 0, 26)
    ws.set_column(1, len(section.columns), 13)
    ws.set_row(0, 48)
    ws.write_string(0, 0, pgettext("annual report", "Organisation"), formats.header)
    for col, column in enumerate(section.columns, start=1):
        ws.write_string(0, col, column.label, formats.header)
    ws.freeze_panes(1, 1)
    for r, row in enumerate(section.rows, start=1):
        bold = row.kind == TOTAL
        ws.write_string(r, 0, safe_cell(row.label), formats.text(bold=bold))
        for col, (column, cell) in enumerate(zip(section.columns, row.cells, strict=True), start=1):
            _write_value(ws, r, col, column, cell.value, formats, bold)


def _write_value(ws, row, col, column, value, formats, bold):
    number = excel_value(column, value)
    if number is None:
        ws.write_string(row, col, "—", formats.text(bold=bold))
    else:
        ws.write_number(row, col, number, formats.number(column, bold=bold))


def _level_sheet(book, report, formats):
    levels = report.levels
    ws = book.sheet(pgettext("annual report sheet", "By org level")).worksheet
    ws.set_column(0, 0, 34)
    ws.set_column(1, len(levels.levels) + 1, 14)
    ws.set_row(0, 36)
    ws.write_string(0, 0, pgettext("annual report", "Figure"), formats.header)
    for col, (_level, label) in enumerate(levels.levels, start=1):
        ws.write_string(0, col, label, formats.header)
    ws.write_string(0, len(levels.levels) + 1, pgettext("annual report", "Total"), formats.header)
    ws.freeze_panes(1, 1)
    r = 0
    for group in levels.groups:
        r += 1
        ws.write_string(r, 0, group.title, formats.label)
        for row in group.rows:
            r += 1
            ws.write_string(r, 0, row.column.label, formats.text())
            for col, cell in enumerate(row.cells, start=1):
                _write_value(ws, r, col, row.column, cell.value, formats, False)
            _write_value(ws, r, len(row.cells) + 1, row.column, row.total.value, formats, True)


# --- PDF ----------------------------------------------------------------------------------------


def render_pdf(report: AnnualReport) -> bytes:
    from gonghui.core.pdf import render_pdf as render

    blocks = [(section, bar_chart_svg(section.chart_bars(), section.chart_column)) for section in report.sections]
    return render("reports/annual/report.pdf.html", {
        "report": report, "title": report_title(report), "blocks": blocks,
        "generated_at": timezone.localtime(report.generated_at),
        "figures_as_of": timezone.localtime(report.figures_as_of) if report.figures_as_of else None,
    })


CHART_WIDTH = 1000
CHART_LABEL_WIDTH = 190
CHART_VALUE_WIDTH = 110
CHART_FONT = "Noto Sans CJK SC, Noto Serif CJK SC, Source Han Sans SC, WenQuanYi Zen Hei, sans-serif"


def bar_chart_svg(bars, column) -> str:
    """A horizontal bar chart of (label, value) as an inline SVG (no script: PDFs run none); ""
    when there is nothing to draw. Many bars get thinner rows, so a district's two dozen towns
    leave room for the table on the page."""
    if not bars or column is None:
        return ""
    top = max(value for _label, value in bars) or Decimal(1)
    span = CHART_WIDTH - CHART_LABEL_WIDTH - CHART_VALUE_WIDTH
    row, bar, font = (17, 12, 11) if len(bars) <= 10 else (12, 9, 9)
    height = row * len(bars) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {CHART_WIDTH} {height}" '
             f'width="{CHART_WIDTH}" height="{height}" font-family="{CHART_FONT}" font-size="{font}">']
    for i, (label, value) in enumerate(bars):
        y = 4 + i * row
        width = int(span * (value / top)) if value > 0 else 0
        short = label if len(label) <= 14 else label[:13] + "…"
        baseline = y + (row + font) // 2 - 1
        parts.append(f'<text x="{CHART_LABEL_WIDTH - 6}" y="{baseline}" text-anchor="end" fill="#222">'
                     f'{escape(short)}</text>')
        parts.append(f'<rect x="{CHART_LABEL_WIDTH}" y="{y + (row - bar) // 2}" width="{max(width, 1)}" '
                     f'height="{bar}" fill="#b8232f"/>')
        parts.append(f'<text x="{CHART_LABEL_WIDTH + width + 5}" y="{baseline}" fill="#222">'
                     f'{escape(format_value(column, value))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text in it is escaped above


# --- the page's PDF, in the background ----------------------------------------------------------


@dataclass
class FileExportKind(ExportKind):
    """A background export whose file is not a workbook (core.exports names files .xlsx)."""

    extension: str = "pdf"

    def filename(self, when=None) -> str:
        return f"{self.filename_prefix}-{timezone.localtime(when):%Y%m%d-%H%M}.{self.extension}"


def plan_pdf(user, params) -> ExportPlan:
    """The PDF of the report the page's parameters name (org, year, industry), as `user`: 404
    for an org out of reach (like a missing one), refused with the reason for bad filters or
    when the server has no Chinese font. Planned again when the job runs, so a user who lost
    the right gets a failed job, not the file. `export_annual_report` writes the audit row."""
    from gonghui.core.pdf import cjk_font_available, render_pdf  # noqa: F401 — fails early without WeasyPrint

    require(user, EXPORT)
    form = AnnualForm(params, years=selectors.available_years(), industries=selectors.industry_choices())
    choice = form.choice()
    if form.errors:
        raise ExportRefused([str(m) for messages in form.errors.values() for m in messages])
    org = selectors.resolve_org(user, choice.org_id) if choice.org_id else selectors.default_org(user)
    if org is None:
        raise Http404
    require(user, EXPORT, org)
    if not cjk_font_available():
        raise ExportRefused(_("No Chinese font is installed on the server, so the PDF cannot be made. Ask the "
                              "administrator to install fonts-noto-cjk."))

    def write(target, _progress):
        report = selectors.build_annual_report(org=org, year=choice.year, industry=choice.industry)
        target.write(export_annual_report(actor=user, report=report, fmt="pdf").content)
        return len(report.sections[0].rows) if report.sections else 0

    return ExportPlan(write=write, filters={"org": org.pk, "year": choice.year, "industry": choice.industry})


ANNUAL_PDF = FileExportKind(
    key="reports.annual_pdf", label=_lazy("Annual statistics report"), plan=plan_pdf, list_url="reports:annual",
    filename_prefix="annual-report",
    # Always in the background: even a union's report takes seconds (the level table and the
    # definitions are on every PDF), a town's tens of seconds.
    background_rows=lambda: -1,
)
