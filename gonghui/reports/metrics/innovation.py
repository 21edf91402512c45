"""Metrics of rationalisation proposals, 五小 and technical projects (DOMAIN.md §3; section
`innovation`).

Definitions (the suggestion list filters by the year submitted, so the figures do too):
- `innovation.suggestions`: suggestions (合理化建议 and 五小) submitted in the year
  (`submitted_on`), withdrawn ones excluded, held by the suggestion's union (`Suggestion.org`);
- `innovation.suggestions_adopted`: of those, adopted or implemented;
- `innovation.benefit`: the measured benefit (yuan, `benefit_yuan`) of those adopted suggestions;
- `innovation.tech_projects`: 技术攻关 projects under way in the year — started on or before
  31 December and not completed or abandoned before 1 January (planned projects never started
  are not counted), held by the project's union (`TechProject.org`);
- `innovation.tech_projects_completed`: projects completed in the year (`completed_on`), and
  `innovation.tech_benefit` their benefit (yuan).
"""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from gonghui.innovation.models import ADOPTED_STATUSES, ProjectStatus, Suggestion, SuggestionStatus, TechProject

from . import Metric, register
from .members import list_url, year_range

SECTION = "innovation"


def _suggestions_drill(**fixed):
    def url(org, year):
        return list_url("innovation:list", org=org.pk, year=year, **fixed)
    return url


def _projects_drill(**fixed):
    """The project list of the org's subtree (it has no year filter)."""
    def url(org, year):
        return list_url("innovation:project_list", org=org.pk, **fixed)
    return url


METRICS = [
    Metric(code="innovation.suggestions", label=_("Rationalisation suggestions"), section=SECTION,
           drill=_suggestions_drill(),
           help=_("Suggestions (合理化建议 and 五小) submitted in the year, withdrawn ones excluded.")),
    Metric(code="innovation.suggestions_adopted", label=_("Suggestions adopted"), section=SECTION,
           drill=_suggestions_drill(status=SuggestionStatus.ADOPTED),
           help=_("Suggestions submitted in the year that were adopted or implemented.")),
    Metric(code="innovation.benefit", label=_("Benefit of suggestions (yuan)"), section=SECTION, unit="yuan",
           drill=_suggestions_drill(status=SuggestionStatus.IMPLEMENTED),
           help=_("Measured benefit of the adopted suggestions submitted in the year.")),
    Metric(code="innovation.tech_projects", label=_("Technical projects under way"), section=SECTION,
           drill=_projects_drill(),
           help=_("Technical projects (技术攻关) started by the end of the year and not finished before it "
                  "began.")),
    Metric(code="innovation.tech_projects_completed", label=_("Technical projects completed"), section=SECTION,
           drill=_projects_drill(status=ProjectStatus.COMPLETED), help=_("Technical projects completed in the year.")),
    Metric(code="innovation.tech_benefit", label=_("Benefit of technical projects (yuan)"), section=SECTION,
           unit="yuan", drill=_projects_drill(status=ProjectStatus.COMPLETED),
           help=_("Benefit recorded on the technical projects completed in the year.")),
]


def _suggestions(start, end):
    adopted = Q(status__in=ADOPTED_STATUSES)
    rows = (Suggestion.objects.filter(submitted_on__gte=start, submitted_on__lte=end)
            .exclude(status=SuggestionStatus.WITHDRAWN).order_by().values_list("org_id")
            .annotate(n=Count("id"), adopted=Count("id", filter=adopted), benefit=Sum("benefit_yuan", filter=adopted)))
    for org_id, n, adopted_n, benefit in rows:
        yield org_id, "innovation.suggestions", n
        yield org_id, "innovation.suggestions_adopted", adopted_n
        yield org_id, "innovation.benefit", benefit or 0


def _projects(start, end):
    not_ended_before = (Q(completed_on__isnull=True) | Q(completed_on__gte=start)) & (
        Q(abandoned_on__isnull=True) | Q(abandoned_on__gte=start))
    under_way = (TechProject.objects.filter(started_on__isnull=False, started_on__lte=end).filter(not_ended_before)
                 .order_by().values_list("org_id").annotate(n=Count("id")))
    for org_id, n in under_way:
        yield org_id, "innovation.tech_projects", n
    completed = (TechProject.objects.filter(status=ProjectStatus.COMPLETED, completed_on__gte=start,
                                            completed_on__lte=end)
                 .order_by().values_list("org_id").annotate(n=Count("id"), benefit=Sum("benefit_yuan")))
    for org_id, n, benefit in completed:
        yield org_id, "innovation.tech_projects_completed", n
        yield org_id, "innovation.tech_benefit", benefit or 0


def provide(year, as_of):
    start, end = year_range(year)
    yield from _suggestions(start, end)
    yield from _projects(start, end)


register(METRICS, provide)
