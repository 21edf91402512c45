"""Excel exports of collective wage negotiation: the coverage statistics workbook (summary, by
town, by industry: the figures of `stats.coverage_stats`) and the agreement list (the list
page's filters, one row per agreement).

Both need `bargaining.export` and cover only the exporter's export reach; both are written with
`core.excel.XlsxStream` (XlsxWriter constant-memory, every string through `safe_cell`, so a
title such as `=HYPERLINK(...)` stays text) into a temporary file the response streams and
deletes, and both leave an audit row per top org they covered (object type
`bargaining.Export`: an export has no model row). A district has a few thousand agreements, so
the list is written during the request.
"""

import tempfile
import uuid

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.excel import XlsxStream
from gonghui.core.policies import require
from gonghui.orgs.models import Org

from . import selectors
from .models import AgreementKind, Coverage, Stage, WageAgreement
from .policies import EXPORT
from .stats import ABOVE_TOWNS, CoverageStats, town_of
from .timeline import STEP_LABELS

OBJECT_TYPE = "bargaining.Export"


class _ExportRef:
    """What an export audit row points at: the export itself (there is no model row)."""

    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Wage agreement export")


def _export_reach(actor):
    if actor.is_superuser:
        return list(Org.objects.filter(depth=1).order_by("path"))
    return list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)).order_by("path"))


def audit_export(*, actor, report, org, details):
    """One audit row per top org the export covered (the org filter, else the exporter's whole
    export reach), so the auditors of that subtree see it."""
    ref = uuid.uuid4().hex
    for place in [org] if org is not None else (_export_reach(actor) or [None]):
        audit.record(actor=actor, action="bargaining.export", obj=_ExportRef(ref), object_type=OBJECT_TYPE,
                     org=place, after={"report": report, **details})


def _label(field):
    return capfirst(WageAgreement._meta.get_field(field).verbose_name)


def _pct(value):
    return float(value) if value is not None else None


# --- the agreement list -------------------------------------------------------------------------

def describe_filters(filters: selectors.AgreementFilters) -> dict:
    return {"q": filters.q, "kind": filters.kind, "stage": filters.stage,
            "org": filters.org.pk if filters.org else None, "due": filters.due, "year": filters.year}


def export_queryset(user, filters: selectors.AgreementFilters):
    """The list's agreements (its filters, the user's view scope) narrowed to the export reach,
    with the enterprises and workers each covers."""
    listed = selectors.filtered(user, filters).values("pk")
    exportable = WageAgreement.objects.visible_to(user, EXPORT).values("pk")
    coverages = Coverage.objects.filter(agreement=OuterRef("pk")).order_by().values("agreement")
    return (WageAgreement.objects.filter(pk__in=listed).filter(pk__in=exportable)
            .annotate(enterprises=Subquery(coverages.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                      workers=Subquery(coverages.annotate(n=Sum("workers")).values("n"), output_field=IntegerField()))
            .order_by("-offered_on", "-id"))


AGREEMENT_FIELDS = ("kind", "title", "org__name", "org__path", "employer_party", "stage", "offered_on", "signed_on",
                    "filed_on", "effective_on", "published_on", "term_years", "starts_on", "ends_on",
                    "avg_increase_pct", "min_wage", "min_increase_pct", "skilled_worker_clause", "enterprises",
                    "workers", "next_step", "next_due_on")


def agreement_headers():
    return [_label("kind"), _label("title"), _label("org"), _("Town"), _label("employer_party"), _label("stage"),
            _label("offered_on"), _label("signed_on"), _label("filed_on"), _label("effective_on"),
            _label("published_on"), _label("term_years"), _label("starts_on"), _label("ends_on"),
            _label("avg_increase_pct"), _label("min_wage"), _label("min_increase_pct"),
            _label("skilled_worker_clause"), _("Enterprises covered"), _("Workers covered"), _label("next_step"),
            _label("next_due_on")]


AGREEMENT_WIDTHS = [10, 36, 24, 18, 30, 22, 12, 12, 12, 12, 12, 8, 12, 12, 10, 12, 10, 10, 10, 10, 22, 12]


def write_agreements(target, qs) -> int:
    """The agreements of `qs` (see export_queryset) as an .xlsx at `target`; returns the rows."""
    kinds = {code: str(label) for code, label in AgreementKind.choices}
    stages = {code: str(label) for code, label in Stage.choices}
    steps = {code: str(label) for code, label in STEP_LABELS.items()}
    yes, no = _("Yes"), _("No")
    towns = town_of()
    rows = 0
    with XlsxStream(target) as book:
        sheet = book.sheet(_("Wage agreements"), headers=agreement_headers(), widths=AGREEMENT_WIDTHS)
        for values in qs.values_list(*AGREEMENT_FIELDS).iterator(chunk_size=1000):
            (kind, title, org_name, org_path, employer, stage, offered_on, signed_on, filed_on, effective_on,
             published_on, term, starts_on, ends_on, avg_increase, min_wage, min_increase, skilled, enterprises,
             workers, next_step, next_due_on) = values
            town = towns(org_path)
            sheet.append([
                kinds.get(kind, kind), title, org_name, town.name if town else "", employer, stages.get(stage, stage),
                offered_on, signed_on, filed_on, effective_on, published_on, term, starts_on, ends_on,
                _pct(avg_increase), _pct(min_wage), _pct(min_increase), yes if skilled else no, enterprises or 0,
                workers or 0, steps.get(next_step, next_step), next_due_on,
            ])
            rows += 1
    return rows


def export_agreements(*, actor, filters: selectors.AgreementFilters):
    """(rewound temporary file, rows): the filtered agreement list the actor may export, audited."""
    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        rows = write_agreements(handle, export_queryset(actor, filters))
        audit_export(actor=actor, report="agreements", org=filters.org,
                     details={"filters": describe_filters(filters), "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows


def agreements_filename(now=None):
    return f"wage-agreements-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx"


# --- the statistics workbook ------------------------------------------------------------------------

def figure_headers(first):
    return [first, _("Single-enterprise agreements"), _("Area agreements"), _("Industry agreements"),
            _("Agreements in force"), _("Enterprises with a union"), _("Covered enterprises"),
            _("Covered enterprises with a union"), _("Coverage rate (%)"), _("Workers under agreements"),
            _("Distinct covered workers"), _("Average agreed increase (%)"), _("Average minimum increase (%)"),
            _("Agreements with a skilled-worker clause"), _("Share with a skilled-worker clause (%)")]


FIGURE_WIDTHS = [28, 12, 12, 12, 12, 12, 12, 12, 12, 14, 14, 14, 14, 14, 14]


def figure_values(figures):
    return [figures.single, figures.area, figures.industry, figures.agreements, figures.enterprises_with_union,
            figures.covered_enterprises, figures.covered_with_union, _pct(figures.coverage_rate),
            figures.agreement_workers, figures.distinct_workers, _pct(figures.avg_increase),
            _pct(figures.avg_min_increase), figures.skilled, _pct(figures.skilled_share)]


def write_stats(target, stats: CoverageStats, *, now=None):
    total = stats.total
    with XlsxStream(target) as book:
        summary = book.sheet(_("Summary"), headers=[_("Figure"), _("Value")], widths=[40, 24])
        for label, value in [
            (_("As at"), stats.on),
            (_("Organisation"), stats.org.name if stats.org else _("All my organisations")),
            (_("Agreements in force"), total.agreements),
            (_("Single-enterprise agreements"), total.single),
            (_("Area agreements"), total.area),
            (_("Industry agreements"), total.industry),
            (_("Covered enterprises"), total.covered_enterprises),
            (_("Enterprises with a union"), total.enterprises_with_union),
            (_("Covered enterprises with a union"), total.covered_with_union),
            (_("Coverage rate (%)"), _pct(total.coverage_rate)),
            (_("Workers under agreements"), total.agreement_workers),
            (_("Distinct covered workers"), total.distinct_workers),
            (_("Average agreed increase (%)"), _pct(total.avg_increase)),
            (_("Average minimum increase (%)"), _pct(total.avg_min_increase)),
            (_("Agreements with a skilled-worker clause"), total.skilled),
            (_("Share with a skilled-worker clause (%)"), _pct(total.skilled_share)),
            (_("Exported at"), timezone.localtime(now)),
        ]:
            summary.append([label, value])
        summary.append([])
        for note in notes():
            summary.append([note])

        by_town = book.sheet(_("By town"), headers=figure_headers(_("Town")), widths=FIGURE_WIDTHS)
        for row in stats.by_town:
            by_town.append([row.name if row.key != ABOVE_TOWNS else _("Above town level"), *figure_values(row.figures)])
        by_town.append([_("Total"), *figure_values(total)])

        by_industry = book.sheet(_("By industry"), headers=figure_headers(_("Industry")), widths=FIGURE_WIDTHS)
        for row in stats.by_industry:
            by_industry.append([row.label, *figure_values(row.figures)])


def notes():
    return [
        _("Workers under agreements: the workers of every agreement added up, so an enterprise bound by two "
          "agreements counts twice. Distinct covered workers: each enterprise once, with the larger number."),
        _("Coverage rate: covered enterprises that have a union ÷ enterprises that have a union."),
        _("By town: agreements are counted in the town of their union party, enterprises and workers in the "
          "town of the enterprise. By industry: an agreement counts in every industry of the enterprises it "
          "covers."),
    ]


def export_stats(*, actor, stats: CoverageStats):
    """(rewound temporary file): the statistics workbook, audited."""
    require(actor, EXPORT, stats.org) if stats.org else require(actor, EXPORT)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        write_stats(handle, stats)
        audit_export(actor=actor, report="statistics", org=stats.org,
                     details={"on": stats.on.isoformat(), "org": stats.org.pk if stats.org else None})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def stats_filename(stats):
    return f"wage-coverage-{stats.on:%Y%m%d}.xlsx"
