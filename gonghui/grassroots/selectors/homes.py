"""Reads of the 职工之家 assessment, and the registry of record sources behind AUTO criteria.

Record sources (`AUTO_SOURCES`, keyed by code): each is `compute(union, year, on) -> AutoResult`
(met or not, the figures, a one-line summary). A criterion with `method=AUTO` names one by its
`auto_source`. Later modules add their own with `register_auto_source(code, label, compute)` in
their wiring (e.g. an events module counting the union's activities). Built in:

- `membership_rate`: live members of the union (members app) / headcount of its enterprises
  ≥ `rules().membership_rate_min` (90%);
- `congress_held`: a congress session (or all-staff meeting) of the union's enterprises held in
  the year (congress `selectors.status.held_ids`);
- `wage_agreement`: a collective wage agreement in force on the day, negotiated by the union or
  covering one of its enterprises (bargaining's `in_force_on`);
- `activities`: no events module exists yet, so "activities" counts what the records hold:
  congress sessions held plus rationalisation suggestions submitted in the year, met at
  `rules().activities_min` (2). Documented in docs/grassroots-homes.md.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Enterprise, Org, OrgLevel

from ..models.homes import (
    OPEN_HOME_STATUSES,
    HomeAssessment,
    HomeAssessmentItem,
    HomeAssessmentStatus,
    HomeCriterion,
    HomeEvidence,
    HomeStandard,
    StandardStatus,
)
from ..policies.homes import AWARD, CHANGE, REVIEW, VIEW
from ..rules.homes import rules


def today():
    return timezone.localdate()


# --- record sources of AUTO criteria ----------------------------------------------------------------

@dataclass(frozen=True)
class AutoResult:
    met: bool
    figures: dict
    summary: str


@dataclass(frozen=True)
class AutoSource:
    code: str
    label: str
    compute: Callable


AUTO_SOURCES: dict[str, AutoSource] = {}


def register_auto_source(code, label, compute):
    AUTO_SOURCES[code] = AutoSource(code, label, compute)


def auto_source_choices():
    return [(s.code, str(s.label)) for s in AUTO_SOURCES.values()]


def membership_result(members: int, headcount: int) -> AutoResult:
    """The `membership_rate` result for the figures (shared with the demo, which counts in bulk)."""
    minimum = Decimal(str(rules().membership_rate_min))
    met = headcount > 0 and Decimal(members) >= minimum * headcount
    rate = round(Decimal(members) * 100 / headcount, 1) if headcount else Decimal(0)
    return AutoResult(met, {"members": members, "headcount": headcount, "rate": str(rate),
                            "minimum": str(minimum * 100)},
                      _("%(members)s live members of %(headcount)s staff: %(rate)s%% (at least %(minimum)s%%)")
                      % {"members": members, "headcount": headcount, "rate": rate, "minimum": minimum * 100})


def membership_rate(union, year, on) -> AutoResult:
    from gonghui.members.selectors import live_member_counts_by_union

    members = live_member_counts_by_union([union.pk]).get(union.pk, 0)
    headcount = Enterprise.objects.filter(union=union).aggregate(n=Sum("headcount"))["n"] or 0
    return membership_result(members, headcount)


def _sessions_held(union, year):
    from gonghui.congress.selectors.status import held_ids

    return held_ids(year).filter(body__enterprise__union=union).order_by()


def congress_held(union, year, on) -> AutoResult:
    dates = sorted(_sessions_held(union, year).values_list("held_on", flat=True))
    if dates:
        return AutoResult(True, {"sessions": len(dates), "last_held_on": dates[-1].isoformat()},
                          _("%(n)s session(s) held in %(year)s, the last on %(day)s")
                          % {"n": len(dates), "year": year, "day": dates[-1].isoformat()})
    return AutoResult(False, {"sessions": 0}, _("No congress session held in %(year)s") % {"year": year})


def wage_agreement(union, year, on) -> AutoResult:
    from gonghui.bargaining.models import WageAgreement

    # Two indexed look-ups (the union's own, then one covering its enterprises) rather than an OR
    # across the coverage join, which scans every agreement in force.
    in_force = WageAgreement.objects.in_force_on(on).order_by("-ends_on", "id").values("pk", "title", "ends_on")
    agreement = in_force.filter(org=union).first() or in_force.filter(coverages__enterprise__union=union).first()
    if agreement:
        return AutoResult(True, {"agreement": agreement["pk"], "ends_on": agreement["ends_on"].isoformat()},
                          _("“%(title)s” in force until %(day)s")
                          % {"title": agreement["title"], "day": agreement["ends_on"].isoformat()})
    return AutoResult(False, {}, _("No collective wage agreement in force on %(day)s") % {"day": on.isoformat()})


def activities(union, year, on) -> AutoResult:
    from gonghui.innovation.models import Suggestion

    sessions = _sessions_held(union, year).count()
    suggestions = Suggestion.objects.filter(org=union, submitted_on__year=year).count()
    total = sessions + suggestions
    minimum = rules().activities_min
    return AutoResult(total >= minimum, {"sessions": sessions, "suggestions": suggestions, "minimum": minimum},
                      _("%(sessions)s congress session(s) and %(suggestions)s suggestion(s) in %(year)s "
                        "(at least %(minimum)s)")
                      % {"sessions": sessions, "suggestions": suggestions, "year": year, "minimum": minimum})


register_auto_source("membership_rate", gettext_lazy("Membership rate (members)"), membership_rate)
register_auto_source("congress_held", gettext_lazy("Congress held this year (congress)"), congress_held)
register_auto_source("wage_agreement", gettext_lazy("Wage agreement in force (bargaining)"), wage_agreement)
register_auto_source("activities", gettext_lazy("Activities held (congress sessions and suggestions)"), activities)


def compute_auto(code, union, year, on) -> AutoResult:
    source = AUTO_SOURCES.get(code)
    if source is None:
        return AutoResult(False, {}, _("Unknown record source “%(code)s”") % {"code": code})
    return source.compute(union, year, on)


# --- standards ----------------------------------------------------------------------------------

def standards():
    return (HomeStandard.objects.annotate(criteria_count=Count("criteria"), total_max=Sum("criteria__max_score"))
            .order_by("level", "-effective_year", "-id"))


def standard_detail(standard):
    return (HomeStandard.objects.filter(pk=standard.pk).select_related("copied_from")
            .prefetch_related(Prefetch("criteria", queryset=HomeCriterion.objects.order_by("order", "id"))).get())


def current_standard(level, year):
    """The published version of a level in force in `year` (the latest from that year or before)."""
    return (HomeStandard.objects.filter(level=level, status=StandardStatus.PUBLISHED, effective_year__lte=year)
            .order_by("-effective_year").first())


# --- assessments --------------------------------------------------------------------------------

def assessments(user, action=VIEW):
    return HomeAssessment.objects.visible_to(user, action)


@dataclass
class AssessmentFilters:
    q: str = ""
    org: Org | None = None
    level: str = ""
    status: str = ""
    kind: str = ""
    year: int | None = None
    due: str = ""       # "review" (waiting for a review), "review_overdue", "recheck" (due soon or overdue)


DUE_CHOICES = (
    ("review", gettext_lazy("Waiting for a review")),
    ("review_overdue", gettext_lazy("Review overdue")),
    ("recheck", gettext_lazy("Re-check due (within the warning period or overdue)")),
    ("recheck_overdue", gettext_lazy("Re-check overdue")),
)


def recheck_limit(on):
    return on + datetime.timedelta(days=rules().recheck_soon_days)


def filtered(user, filters: AssessmentFilters, *, on=None):
    qs = assessments(user)
    on = on or today()
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=filters.org.path)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        qs = qs.filter(year=filters.year)
    q = (filters.q or "").strip()
    if q:
        qs = qs.filter(Q(org__name__icontains=q) | Q(certificate_no__icontains=q))
    if filters.due == "review":
        qs = qs.filter(status__in=(HomeAssessmentStatus.SUBMITTED, HomeAssessmentStatus.FORWARDED))
    elif filters.due == "review_overdue":
        qs = qs.filter(status__in=(HomeAssessmentStatus.SUBMITTED, HomeAssessmentStatus.FORWARDED),
                       review_due_on__lt=on)
    elif filters.due == "recheck":
        qs = awaiting_recheck(qs.filter(recheck_due_on__lte=recheck_limit(on)))
    elif filters.due == "recheck_overdue":
        qs = awaiting_recheck(qs.filter(recheck_due_on__lt=on))
    return qs


def awaiting_recheck(qs):
    """Standing awards whose re-check has not been started: an award whose re-check is under way
    is no longer due (the list, the dashboard and the daily job agree on this)."""
    open_recheck = HomeAssessment.objects.filter(recheck_of=OuterRef("pk"), status__in=OPEN_HOME_STATUSES)
    return qs.filter(status=HomeAssessmentStatus.AWARDED).exclude(Exists(open_recheck))


def page_rows():
    return HomeAssessment.objects.select_related("org", "standard")


def assessment_page(user, filters: AssessmentFilters, *, after=None, size=None, on=None):
    return keyset_page(filtered(user, filters, on=on), after=after, size=size, load=page_rows())


def assessment_detail(assessment):
    open_recheck = HomeAssessment.objects.filter(recheck_of=OuterRef("pk"), status__in=OPEN_HOME_STATUSES)
    items = HomeAssessmentItem.objects.order_by("order", "id").prefetch_related(
        Prefetch("evidence", queryset=HomeEvidence.objects.order_by("id")))
    return (HomeAssessment.objects.filter(pk=assessment.pk).select_related("org", "standard", "recheck_of")
            .annotate(has_open_recheck=Exists(open_recheck))
            .prefetch_related(Prefetch("items", queryset=items),
                              Prefetch("rechecks", queryset=HomeAssessment.objects.order_by("id")))
            .get())


def union_choices(user, q="", limit=50):
    """Active grassroots unions where the user may prepare an application, by name."""
    qs = Org.objects.visible_to(user, CHANGE).filter(is_active=True, level=OrgLevel.GRASSROOTS)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


def evidence_of(user, assessment_pk, evidence_pk):
    """An evidence file of an assessment the user can see, or None (→ 404)."""
    visible = assessments(user).filter(pk=assessment_pk).values("pk")
    return (HomeEvidence.objects.select_related("item__assessment")
            .filter(pk=evidence_pk, item__assessment_id__in=visible).first())


# --- due soon / overdue -----------------------------------------------------------------------------

def due_reviews_summary(user):
    """Dashboard line: applications waiting for the user's review step (town: SUBMITTED, district:
    FORWARDED), overdue past `review_due_on`. One aggregate query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated:
        return None
    statuses = []
    if user.can(REVIEW):
        statuses.append(HomeAssessmentStatus.SUBMITTED)
    if user.can(AWARD):
        statuses.append(HomeAssessmentStatus.FORWARDED)
    if not statuses:
        return None
    on = today()
    counts = (assessments(user).filter(status__in=statuses).order_by()
              .aggregate(overdue=Count("pk", filter=Q(review_due_on__lt=on)),
                         soon=Count("pk", filter=Q(review_due_on__gte=on))))
    return DueSummary(label=_("Workers' home applications to review"), overdue=counts["overdue"],
                      soon=counts["soon"],
                      url=reverse("grassroots:home_list") + ("?due=review_overdue" if counts["overdue"]
                                                             else "?due=review"))


def due_rechecks_summary(user):
    """Dashboard line: awards whose 3-yearly re-check is overdue or due within the warning period."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(VIEW):
        return None
    on = today()
    counts = (awaiting_recheck(assessments(user).filter(recheck_due_on__lte=recheck_limit(on)))
              .order_by().aggregate(overdue=Count("pk", filter=Q(recheck_due_on__lt=on)),
                                    soon=Count("pk", filter=Q(recheck_due_on__gte=on))))
    return DueSummary(label=_("Workers' home re-checks"), overdue=counts["overdue"], soon=counts["soon"],
                      url=reverse("grassroots:home_list") + ("?due=recheck_overdue" if counts["overdue"]
                                                             else "?due=recheck"))


def rechecks_to_remind(on):
    """Awards (all of the district) whose re-check is due within the warning period or overdue,
    without an open re-check, with the union: what the daily job reminds."""
    return (awaiting_recheck(HomeAssessment.objects.filter(recheck_due_on__lte=recheck_limit(on)))
            .select_related("org").order_by("recheck_due_on", "id"))


def summary(user, filters: AssessmentFilters, *, on=None):
    """Counts per status of the filtered list (one grouped query)."""
    rows = filtered(user, filters, on=on).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}

