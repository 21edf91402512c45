"""Metrics of collective wage negotiation (DOMAIN.md §2; section `bargaining`).

Definitions (as the coverage statistics of `gonghui.bargaining.stats` count them):
- `bargaining.agreements`: agreements in force on as_of — stage EFFECTIVE or PUBLISHED and
  `starts_on <= as_of <= ends_on` — held by the union party (`WageAgreement.org`);
  `bargaining.agreements.<KIND>` the same per kind (single, area, industry);
- `bargaining.signed`: agreements signed in the year (`signed_on`), concluded (not cancelled);
- `bargaining.covered_enterprises`: enterprises bound by at least one agreement in force on
  as_of, each once, held by the enterprise's union, else its town (as `orgs.enterprises`);
- `bargaining.covered_workers`: per covered enterprise the largest `Coverage.workers` of its
  agreements in force (an enterprise under a single and an area agreement counts once), held
  like the enterprise; industry is the enterprise's own.
Ratio `bargaining.coverage` = covered workers ÷ workers in enterprises (%).
"""

from django.db.models import Count, Max
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from gonghui.bargaining.models import CONCLUDED_STAGES, IN_FORCE_STAGES, AgreementKind, Coverage, WageAgreement

from . import Metric, Ratio, register
from .members import list_url, year_range

SECTION = "bargaining"


def _stats_drill(org, year):
    """The coverage statistics page "as at" the year's as_of date, for the org."""
    from gonghui.reports.services.rollups import as_of_for

    return list_url("bargaining:stats", on=as_of_for(year).isoformat(), org=org.pk)


def _list_drill(**fixed):
    """The agreement list of the org's subtree (its year filter is the year of the offer, so the
    list is not narrowed by year)."""
    def url(org, year):
        return list_url("bargaining:list", org=org.pk, **fixed)
    return url


KIND_LABELS = {
    AgreementKind.SINGLE: _("Single-enterprise agreements in force"),
    AgreementKind.AREA: _("Area agreements in force"),
    AgreementKind.INDUSTRY: _("Industry agreements in force"),
}

METRICS = [
    Metric(code="bargaining.agreements", label=_("Agreements in force"), section=SECTION, drill=_stats_drill,
           help=_("Wage agreements in effect at the end of the year (today in the current year), by union "
                  "party.")),
    *[Metric(code=f"bargaining.agreements.{kind}", label=KIND_LABELS.get(kind, label), section=SECTION,
             group="bargaining.kind", drill=_list_drill(kind=kind),
             help=_("Agreements of this kind in effect at the end of the year."))
      for kind, label in AgreementKind.choices],
    Metric(code="bargaining.signed", label=_("Agreements signed"), section=SECTION, drill=_list_drill(),
           help=_("Agreements signed in the year.")),
    Metric(code="bargaining.covered_enterprises", label=_("Enterprises covered"), section=SECTION,
           drill=_stats_drill,
           help=_("Enterprises bound by an agreement in effect at the end of the year, each once.")),
    Metric(code="bargaining.covered_workers", label=_("Workers covered"), section=SECTION, unit="people",
           drill=_stats_drill,
           help=_("Workers covered, per enterprise the largest figure of its agreements in effect.")),
]

RATIOS = [
    Ratio(code="bargaining.coverage", label=_("Agreement coverage"), section=SECTION,
          numerator="bargaining.covered_workers", denominator="orgs.headcount",
          help=_("Workers covered ÷ workers in enterprises.")),
]


def _in_force(as_of):
    return WageAgreement.objects.filter(stage__in=IN_FORCE_STAGES, starts_on__lte=as_of, ends_on__gte=as_of)


def _agreements(year, as_of):
    for org_id, kind, n in _in_force(as_of).order_by().values_list("org_id", "kind").annotate(n=Count("id")):
        yield org_id, "bargaining.agreements", n
        yield org_id, f"bargaining.agreements.{kind}", n
    start, end = year_range(year)
    signed = (WageAgreement.objects.filter(stage__in=CONCLUDED_STAGES, signed_on__gte=start, signed_on__lte=end)
              .order_by().values_list("org_id").annotate(n=Count("id")))
    for org_id, n in signed:
        yield org_id, "bargaining.signed", n


def _coverage(as_of):
    """One row per covered enterprise (the largest workers figure of its agreements in force)."""
    rows = (Coverage.objects.filter(agreement__in=_in_force(as_of).values("pk"))
            .order_by().values_list("enterprise_id", Coalesce("enterprise__union_id", "enterprise__town_id"),
                                    "enterprise__industry")
            .annotate(workers=Max("workers")))
    for _enterprise, holder, industry, workers in rows:
        yield holder, "bargaining.covered_enterprises", 1, industry
        yield holder, "bargaining.covered_workers", workers, industry


def provide(year, as_of):
    yield from _agreements(year, as_of)
    yield from _coverage(as_of)


register(METRICS, provide, ratios=RATIOS)
