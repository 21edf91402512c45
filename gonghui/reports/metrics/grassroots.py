"""Metrics of grassroots building (DOMAIN.md §4; section `grassroots`).

Definitions:
- `grassroots.foundings`: grassroots unions founded in the year (`Org.founded_on` in it, the date
  the founding meeting formed the union, whether it was registered through a founding
  application here or recorded from paper; a union dissolved since still counts), held by the
  union; `grassroots.joint_joins`: enterprises' workers brought into a joint union in the year
  (founding applications JOINED, `joined_on` in it), held by the town that decided;
- `grassroots.elections`: committee elections completed in the year — result approved by the
  upper union (status APPROVED, `result_approved_on` in it), held by the union;
- `grassroots.home_assessments`: 职工之家 assessments of the year (`HomeAssessment.year`)
  decided by the district (awarded, renewed, refused or since revoked); `grassroots.homes`:
  those awarded or confirmed by a re-check (a revoked award is not counted); held by the union;
- `grassroots.harmony`: 和谐劳动关系 assessments of the year (`HarmonyAssessment.year`) rated
  by the district; `grassroots.harmony_passed` those rated model or pass; held by the union;
- `grassroots.liaison_visits`: liaison visits made in the year (`visited_on`), held by the town
  of the visit (`LiaisonVisit.town`).
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from gonghui.grassroots.models.elections import Election, ElectionStatus
from gonghui.grassroots.models.foundings import FoundingApplication, FoundingStatus
from gonghui.grassroots.models.harmony import HarmonyAssessment, HarmonyRating, HarmonyStatus
from gonghui.grassroots.models.homes import HomeAssessment, HomeAssessmentStatus
from gonghui.grassroots.models.liaison import LiaisonVisit
from gonghui.orgs.models import Org, OrgLevel

from . import Metric, register
from .members import list_url, year_range

SECTION = "grassroots"
AWARDED = (HomeAssessmentStatus.AWARDED, HomeAssessmentStatus.RENEWED)
DECIDED = (*AWARDED, HomeAssessmentStatus.REFUSED, HomeAssessmentStatus.REVOKED)
PASSED = (HarmonyRating.MODEL, HarmonyRating.PASS)


def _drill(url_name, *, year=True, **fixed):
    """The list filtered to the org's subtree (and to the year where its year filter means the
    year the figure counts by)."""
    def url(org, y):
        return list_url(url_name, org=org.pk, year=y if year else "", **fixed)
    return url


def _visits_drill(org, year):
    return list_url("grassroots:liaison_visit_list", org=org.pk, date_from=f"{year}-01-01", date_to=f"{year}-12-31")


METRICS = [
    Metric(code="grassroots.foundings", label=_("Unions founded"), section=SECTION,
           drill=_drill("grassroots:founding_list", year=False, status=FoundingStatus.REGISTERED),
           help=_("Grassroots unions whose founding date falls in the year.")),
    Metric(code="grassroots.joint_joins", label=_("Enterprises joining joint unions"), section=SECTION,
           drill=_drill("grassroots:founding_list", year=False, status=FoundingStatus.JOINED),
           help=_("Founding applications completed in the year by joining a joint union.")),
    Metric(code="grassroots.elections", label=_("Elections completed"), section=SECTION,
           drill=_drill("grassroots:election_list", year=False, status=ElectionStatus.APPROVED),
           help=_("Committee elections whose result the upper union approved in the year.")),
    Metric(code="grassroots.home_assessments", label=_("Workers' home assessments decided"), section=SECTION,
           drill=_drill("grassroots:home_list"),
           help=_("Workers' home (职工之家) assessments of the year decided by the district.")),
    Metric(code="grassroots.homes", label=_("Workers' homes awarded"), section=SECTION,
           drill=_drill("grassroots:home_list", status=HomeAssessmentStatus.AWARDED),
           help=_("Workers' home assessments of the year awarded or confirmed by a re-check.")),
    Metric(code="grassroots.harmony", label=_("Harmony assessments rated"), section=SECTION,
           drill=_drill("grassroots:harmony_list", status=HarmonyStatus.RATED),
           help=_("Harmonious labour relations assessments of the year rated by the district.")),
    Metric(code="grassroots.harmony_passed", label=_("Harmony assessments passed"), section=SECTION,
           drill=_drill("grassroots:harmony_list", status=HarmonyStatus.RATED),
           help=_("Assessments of the year rated model enterprise or meeting the standard.")),
    Metric(code="grassroots.liaison_visits", label=_("Liaison visits"), section=SECTION, drill=_visits_drill,
           help=_("Visits of liaison cadres to enterprises in the year.")),
]


def _foundings(start, end):
    founded = Org.objects.filter(level=OrgLevel.GRASSROOTS, founded_on__gte=start, founded_on__lte=end)
    for org_id in founded.order_by().values_list("id", flat=True):
        yield org_id, "grassroots.foundings", 1
    joined = (FoundingApplication.objects.filter(status=FoundingStatus.JOINED, joined_on__gte=start,
                                                 joined_on__lte=end)
              .order_by().values_list("town_id").annotate(n=Count("id")))
    for town_id, n in joined:
        yield town_id, "grassroots.joint_joins", n


def _elections(start, end):
    rows = (Election.objects.filter(status=ElectionStatus.APPROVED, result_approved_on__gte=start,
                                    result_approved_on__lte=end)
            .order_by().values_list("org_id").annotate(n=Count("id")))
    for org_id, n in rows:
        yield org_id, "grassroots.elections", n


def _assessments(year):
    homes = (HomeAssessment.objects.filter(year=year, status__in=DECIDED).order_by().values_list("org_id")
             .annotate(n=Count("id"), awarded=Count("id", filter=Q(status__in=AWARDED))))
    for org_id, n, awarded in homes:
        yield org_id, "grassroots.home_assessments", n
        yield org_id, "grassroots.homes", awarded
    harmony = (HarmonyAssessment.objects.filter(year=year, status=HarmonyStatus.RATED).order_by()
               .values_list("org_id").annotate(n=Count("id"), passed=Count("id", filter=Q(rating__in=PASSED))))
    for org_id, n, passed in harmony:
        yield org_id, "grassroots.harmony", n
        yield org_id, "grassroots.harmony_passed", passed


def _visits(start, end):
    rows = (LiaisonVisit.objects.filter(visited_on__gte=start, visited_on__lte=end).order_by()
            .values_list("town_id").annotate(n=Count("id")))
    for town_id, n in rows:
        yield town_id, "grassroots.liaison_visits", n


def provide(year, as_of):
    start, end = year_range(year)
    yield from _foundings(start, end)
    yield from _elections(start, end)
    yield from _assessments(year)
    yield from _visits(start, end)


register(METRICS, provide)
