"""Services of the `dashboard` area: the workbook of a dashboard's table (the organisations below,
本级 and the total, every shown figure and ratio), written to a temporary file and audited.

The dashboard itself only reads; refreshing the figures is the roll-ups area's `request_refresh`.
"""

import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.excel import XlsxStream
from gonghui.core.policies import require

from ..policies.dashboard import EXPORT

EXPORT_DASHBOARD = "reports.dashboard_export"
EXPORT_OBJECT = "reports.DashboardExport"


def export_dashboard(*, actor, dashboard, rows, columns, industry_label=""):
    """Write the workbook (`write_dashboard`) into a rewound temporary file and audit the export
    once, filed under the dashboard's org (with the year, industry and rows written)."""
    require(actor, EXPORT, dashboard.org)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        written = write_dashboard(handle, dashboard, rows=rows, columns=columns, industry_label=industry_label)
        audit.record_export(actor=actor, action=EXPORT_DASHBOARD, object_type=EXPORT_OBJECT, org=dashboard.org,
                            reach_action=EXPORT, label=_("Statistics dashboard export"),
                            after={"org": dashboard.org.pk, "year": dashboard.year, "industry": dashboard.industry,
                                   "rows": written})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def _heading(col) -> str:
    if col.unit == "percent":
        return f"{col.label} (%)"
    if col.unit == "yuan":
        return _("%(label)s (yuan)") % {"label": col.label}
    return str(col.label)


def _cell(col, row):
    value = col.value(row.figures, row.ratios)
    if value is None:
        return None
    if col.is_ratio or col.unit == "yuan":
        return value
    return int(value)


def write_dashboard(target, dashboard, *, rows, columns, industry_label="") -> int:
    """Sheets: the figures (one row per org below, then 本级 and the total), a summary of what was
    exported, and the definitions. Returns the org rows written."""
    written = 0
    with XlsxStream(target) as book:
        sheet = book.sheet(_("Figures"), headers=[_("Organisation"), *(_heading(c) for c in columns)],
                           widths=[30, *(14 for _c in columns)])
        for row in [*rows, *([dashboard.own] if dashboard.own else []), dashboard.total]:
            sheet.append([str(row.label), *(_cell(c, row) for c in columns)])
            written += row.kind == "child"
        summary = book.sheet(_("Summary"), headers=[pgettext("dashboard export", "Item"),
                                                      pgettext("dashboard export", "Value")], widths=[24, 40])
        summary.append([_("Organisation"), dashboard.org.name])
        summary.append([_("Year"), dashboard.year])
        summary.append([_("Industry"), str(industry_label or _("All industries"))])
        summary.append([_("Figures as of"), timezone.localtime(dashboard.as_of) if dashboard.as_of else _("not yet")])
        summary.append([_("Exported at"), timezone.localtime()])
        notes = book.sheet(_("Definitions"), headers=[_("Figure"), _("How it is counted")], widths=[28, 100])
        for col in columns:
            notes.append([str(col.label), str(col.help or "")])
    return written


def dashboard_filename(dashboard) -> str:
    industry = f"-{dashboard.industry.lower()}" if dashboard.industry else ""
    return f"statistics-{dashboard.org.pk}-{dashboard.year}{industry}.xlsx"
