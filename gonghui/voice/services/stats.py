"""Services of the `stats` area: the statistics workbook (one sheet per table of the page and a
definitions sheet), written to a temporary file and audited."""

import tempfile
import uuid

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.excel import XlsxStream
from gonghui.core.policies import require

from ..policies.stats import EXPORT

EXPORT_STATS = "voice.stats_export"


def export_stats(*, actor, stats, writer=None):
    """Write the workbook (`write_stats`) into a rewound temporary file and audit the export (one row
    with the period and the rows written)."""
    writer = writer or write_stats
    require(actor, EXPORT)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        rows = writer(handle, stats)
        export = audit.ExportRef(uuid.uuid4().hex, _("Appeal statistics export"))
        audit.record(actor=actor, action=EXPORT_STATS, obj=export, object_type="voice.AppealStatsExport",
                     after={"year": stats.year, "month": stats.month, "category": stats.category, "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def figure_headers(first):
    return [first, _("Received"), pgettext("appeal statistics", "Closed"), _("Closed on time"), _("On-time rate (%)"),
            _("Average working days to close"), _("Average satisfaction"), _("Satisfied (%)"), _("Rated"),
            _("Re-opened"), _("Withdrawn"), _("Overdue now")]


FIGURE_WIDTHS = [28, 10, 10, 12, 14, 16, 14, 12, 8, 10, 10, 12]


def figure_values(f):
    return [f.received, f.closed, f.on_time, f.on_time_rate, f.average_days, f.average_satisfaction,
            f.satisfied_rate, f.rated, f.reopened, f.withdrawn, f.overdue]


def _period_label(stats):
    if stats.month:
        return _("%(year)s-%(month)02d") % {"year": stats.year, "month": stats.month}
    return str(stats.year)


def write_stats(target, stats) -> int:
    """Sheets: summary, by category, by town, by org, by month, top issues, survey participation,
    definitions. Returns the table rows written."""
    from ..models.appeals import AppealCategory
    from ..selectors.stats import definitions

    rows = 0
    with XlsxStream(target) as book:
        summary = book.sheet(_("Summary"), headers=[_("Figure"), pgettext("statistic", "Value")], widths=[36, 20])
        summary.append([pgettext("appeal statistics", "Period"), _period_label(stats)])
        summary.append([_("Category"), str(dict(AppealCategory.choices).get(stats.category, _("All categories")))])
        for label, value in zip(figure_headers("")[1:], figure_values(stats.total.figures), strict=True):
            summary.append([label, value])
        summary.append([_("Exported at"), timezone.localtime()])
        for _key, title, first, table in stats.tables():
            sheet = book.sheet(title, headers=figure_headers(first), widths=FIGURE_WIDTHS)
            for row in table:
                sheet.append([row.label, *figure_values(row.figures)])
                rows += 1
            sheet.append([_("Total"), *figure_values(stats.total.figures)])
        sheet = book.sheet(_("By month"), headers=figure_headers(pgettext("calendar", "Month")), widths=FIGURE_WIDTHS)
        for row in stats.monthly:
            sheet.append([f"{stats.year}-{row.key:02d}", *figure_values(row.figures)])
            rows += 1
        year, month = stats.top_month
        sheet = book.sheet(_("Top issues"), headers=[_("Category"), _("%(year)s-%(month)02d") % {
            "year": year, "month": month}, _("Month before"), pgettext("appeal statistics", "Change")],
            widths=[28, 12, 12, 10])
        for trend in stats.top_categories:
            sheet.append([trend.label, trend.count, trend.previous, trend.change])
            rows += 1
        sheet.append([])
        sheet.append([_("Enterprise"), _("Appeals")])
        for enterprise in stats.top_enterprises:
            sheet.append([enterprise.name, enterprise.count])
            rows += 1
        sheet = book.sheet(_("Survey participation"), headers=[_("Town"), _("Surveys"), _("Targeted members"),
                                                                 _("Responses"), _("Participation (%)")],
                           widths=[28, 10, 16, 12, 16])
        for row in stats.participation or ():
            sheet.append([row.get("town_name") or _("Above town level"), row.get("surveys"), row.get("targeted"),
                          row.get("responded"), row.get("rate")])
            rows += 1
        sheet = book.sheet(_("Definitions"), headers=[_("How the figures are counted")], widths=[120])
        for note in definitions():
            sheet.append([str(note)])
    return rows


def stats_filename(stats):
    return f"appeal-statistics-{stats.year}{f'-{stats.month:02d}' if stats.month else ''}.xlsx"
