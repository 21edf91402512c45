"""Excel exports of the status area: the congress-status list, the 厂务公开 list (both with the
list page's filters) and the statistics workbook (one sheet per breakdown).

Each needs `congress.export` and covers only the exporter's export reach (the selectors are
called with action=EXPORT); each is written with `core.excel.XlsxStream` (constant memory,
every string through `safe_cell`) into a temporary file the response streams and deletes, and
each leaves one audit row per top org it covered (object type `congress.Export`: an export has
no model row), with the filters and the row count.
"""

import tempfile
import uuid

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.excel import XlsxStream
from gonghui.core.policies import require
from gonghui.orgs.models import Industry, Org

from .policies import EXPORT
from .rules import disclosure_items, rules
from .selectors import disclosures as disclosure_selectors
from .selectors import status as status_selectors
from .selectors.status import EnterpriseFilters
from .stats import CongressStats

OBJECT_TYPE = "congress.Export"
EXPORT_STATUS = "congress.export_status"
EXPORT_DISCLOSURES = "congress.export_disclosures"
EXPORT_STATS = "congress.export_stats"


class _ExportRef:
    """What an export audit row points at: the export itself (there is no model row)."""

    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Workers' congress export")


def _export_reach(actor):
    if actor.is_superuser:
        return list(Org.objects.filter(depth=1).order_by("path"))
    return list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)).order_by("path"))


def audit_export(*, actor, action, details):
    ref = uuid.uuid4().hex
    for place in _export_reach(actor) or [None]:
        audit.record(actor=actor, action=action, obj=_ExportRef(ref), object_type=OBJECT_TYPE, org=place,
                     after=details)


def describe_filters(filters: EnterpriseFilters) -> dict:
    return {"year": filters.year, "town": filters.town.pk if filters.town else None, "industry": filters.industry,
            "above_scale": filters.above_scale, "q": filters.q, "held": filters.held, "missing": filters.missing}


def _write(action, details, writer):
    """Run `writer(handle) -> rows` into a rewound temporary file, audited; closed on failure."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        rows = writer(handle)
        audit_export(actor=details.pop("actor"), action=action, details={**details, "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


class _Words:
    """Words written on every row, translated once per export (gettext per cell was a tenth of
    a district export's time)."""

    def __init__(self):
        self.yes, self.no = _("Yes"), _("No")
        self.reported, self.overdue, self.due = _("Reported"), _("Overdue since %(day)s"), _("Due by %(day)s")
        self.congress, self.meeting = _("Workers' congress"), _("All-staff meeting")
        self.above_towns = _("Above town level")

    def yes_no(self, value):
        return self.yes if value else self.no


def _industries():
    return {code: str(label) for code, label in Industry.choices}


# --- the congress-status list ------------------------------------------------------------------------

def status_headers(year):
    return [_("Enterprise"), _("Town"), _("Union"), _("Industry"), _("Above designated size"), _("Headcount"),
            _("Form required"), _("Current term"), _("Held a congress in %(year)s") % {"year": year},
            _("Last session held on"), _("Report to the upper union")]


def report_text(row, today, words):
    if not row.held:
        return ""
    if row.report_due_on is None:
        return words.reported
    text = words.overdue if row.report_due_on < today else words.due
    return text % {"day": row.report_due_on.isoformat()}


def _place(row, towns_by_path, words):
    """The town column: the town or platform the union sits under (the list's filter and summary)."""
    town = status_selectors.town_of(row.union.path, towns_by_path)
    return town.name if town is not None else words.above_towns


def write_status(target, rows_in, *, year, today, towns_by_path=None) -> int:
    towns_by_path = towns_by_path or {}
    industries = _industries()
    words = _Words()
    minimum = rules().congress_min_headcount
    rows = 0
    with XlsxStream(target) as book:
        sheet = book.sheet(_("Congress status %(year)s") % {"year": year}, headers=status_headers(year),
                           widths=[36, 18, 24, 18, 10, 10, 16, 10, 12, 14, 22])
        for row in rows_in:
            sheet.append([row.name, _place(row, towns_by_path, words), row.union.name,
                          industries.get(row.industry, row.industry), words.yes_no(row.above_scale), row.headcount,
                          words.congress if row.headcount >= minimum else words.meeting,
                          words.yes_no(row.current_body_id is not None), words.yes_no(row.held), row.last_held_on,
                          report_text(row, today, words)])
            rows += 1
    return rows


def export_status(*, actor, filters: EnterpriseFilters, today=None):
    require(actor, EXPORT)
    today = today or timezone.localdate()
    rows = status_selectors.export_rows(actor, filters, action=EXPORT, today=today)
    towns = {town.path: town for town in status_selectors.town_options(actor, EXPORT)}
    return _write(EXPORT_STATUS, {"actor": actor, "report": "status", "filters": describe_filters(filters)},
                  lambda handle: write_status(handle, rows, year=filters.year, today=today, towns_by_path=towns))


def status_filename(year, now=None):
    return f"congress-status-{year}-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx"


# --- the 厂务公开 list --------------------------------------------------------------------------------

def write_disclosures(target, qs, *, year, last, towns_by_path=None) -> int:
    """One row per enterprise: the count of items disclosed, the missing items, and per item the
    latest day it was disclosed in the year (blank when missing)."""
    towns_by_path = towns_by_path or {}
    industries = _industries()
    words = _Words()
    items = [(code, str(label)) for code, label in disclosure_items()]  # translated once, not per row
    headers = [_("Enterprise"), _("Town"), _("Union"), _("Industry"), _("Above designated size"),
               _("Items disclosed"), _("Items required"), _("Missing items"), *[str(label) for _c, label in items]]
    rows = 0
    with XlsxStream(target) as book:
        sheet = book.sheet(_("Open management %(year)s") % {"year": year}, headers=headers,
                           widths=[36, 18, 24, 18, 10, 10, 10, 40, *[14] * len(items)])
        for row in qs.iterator(chunk_size=1000):
            days = [last.get((row.pk, code)) for code, _label in items]
            missing = "、".join(label for (_code, label), day in zip(items, days, strict=True) if day is None)
            done = sum(1 for day in days if day is not None)
            sheet.append([row.name, _place(row, towns_by_path, words), row.union.name,
                          industries.get(row.industry, row.industry), words.yes_no(row.above_scale), done,
                          len(items), missing, *days])
            rows += 1
    return rows


def export_disclosures(*, actor, filters: EnterpriseFilters):
    require(actor, EXPORT)
    listed = disclosure_selectors.listed_enterprises(actor, filters, action=EXPORT)
    last = disclosure_selectors.last_disclosed_on(filters.year, enterprises=listed)
    qs = listed.select_related("town", "union").order_by("pk")
    towns = {town.path: town for town in status_selectors.town_options(actor, EXPORT)}
    return _write(EXPORT_DISCLOSURES, {"actor": actor, "report": "disclosures", "filters": describe_filters(filters)},
                  lambda handle: write_disclosures(handle, qs, year=filters.year, last=last, towns_by_path=towns))


def disclosures_filename(year, now=None):
    return f"open-management-{year}-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx"


# --- the statistics workbook ------------------------------------------------------------------------

def figure_headers(first):
    return [first, _("Enterprises with a union"), _("Required to hold a workers' congress (≥ threshold staff)"),
            _("Held a congress or all-staff meeting"), _("Held rate (%)"), _("Proposals collected"),
            pgettext("proposal", "Accepted"), _("Adopted (A or B)"), _("Replied"), _("Closed on time"),
            _("On-time rate (%)"),
            _("Satisfied"), _("Basically satisfied"), _("Not satisfied"), _("Satisfaction rate (%)"),
            _("Estimated benefit (yuan)"), _("Verified benefit (yuan)")]


FIGURE_WIDTHS = [28, 12, 14, 14, 10, 12, 10, 10, 10, 10, 10, 10, 10, 10, 10, 16, 16]


def figure_values(f):
    return [f.enterprises, f.congress_form, f.held, f.held_rate, f.collected, f.accepted, f.adopted, f.replied,
            f.on_time, f.on_time_rate, f.satisfied, f.basically, f.unsatisfied, f.satisfaction_rate,
            f.benefit_estimated, f.benefit_verified]


def write_stats(target, stats: CongressStats, *, now=None) -> int:
    rows = 0
    with XlsxStream(target) as book:
        summary = book.sheet(_("Summary"), headers=[_("Figure"), pgettext("statistic", "Value")], widths=[44, 20])
        headers = figure_headers(_("Figure"))[1:]
        summary.append([_("Year"), stats.year])
        for label, value in zip(headers, figure_values(stats.total), strict=True):
            summary.append([label, value])
        summary.append([_("Exported at"), timezone.localtime(now)])
        summary.append([])
        for note in notes():
            summary.append([note])
        for title, first, breakdown in ((_("By town"), _("Town"), stats.by_town),
                                        (_("By industry"), _("Industry"), stats.by_industry),
                                        (_("By enterprise size"), _("Enterprise size"), stats.by_size)):
            sheet = book.sheet(title, headers=figure_headers(first), widths=FIGURE_WIDTHS)
            for row in breakdown:
                sheet.append([row.label, *figure_values(row.figures)])
                rows += 1
            sheet.append([_("Total"), *figure_values(stats.total)])
    return rows


def notes():
    return [
        _("Held: a session with its date in the year, held or reported (planned and cancelled sessions do not "
          "count). Every enterprise with a union must hold a workers' congress or an all-staff meeting."),
        _("Proposals collected: submitted in the year. Adopted: replied with outcome A or B. Closed on time: "
          "replied on or before the due date (an extension included); on-time rate = on time ÷ replied."),
        _("Satisfaction rate: (satisfied + basically satisfied) ÷ proposals rated. Benefit: of the adopted "
          "proposals. Town: the town or platform the union sits under (“above town level” for unions under the "
          "district); a proposal counts in its union's town and in the industry and size of its congress's "
          "enterprise."),
    ]


def export_stats(*, actor, stats: CongressStats):
    require(actor, EXPORT)
    return _write(EXPORT_STATS, {"actor": actor, "report": "statistics", "year": stats.year},
                  lambda handle: write_stats(handle, stats))


def stats_filename(year):
    return f"congress-statistics-{year}.xlsx"
