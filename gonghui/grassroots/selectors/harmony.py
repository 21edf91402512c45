"""Every read of 和谐劳动关系 creation that takes a user (through the scope, always), the
indicator sets (district-wide configuration), and the figures prefilled from other modules'
records: a workers' congress held in the year (congress selectors) and a wage agreement in force
(bargaining's `in_force_on`)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Enterprise, Org

from ..models.harmony import (
    HarmonyAssessment,
    HarmonyEvidence,
    HarmonyStatus,
    IndicatorScore,
    IndicatorSet,
    IndicatorSetStatus,
    IndicatorSource,
)
from ..policies.harmony import CHANGE, RATE, REVIEW, SUBMIT, VIEW
from ..rules.harmony import rules

ENTERPRISE_LIMIT = 30


def today():
    return timezone.localdate()


# --- indicator sets ---------------------------------------------------------------------------------

def indicator_sets():
    return IndicatorSet.objects.annotate(n_indicators=Count("indicators", distinct=True),
                                         n_assessments=Count("assessments", distinct=True)).order_by("-year")


def indicator_set_detail(pk):
    return IndicatorSet.objects.prefetch_related("indicators").get(pk=pk)


def published_set(year):
    return (IndicatorSet.objects.filter(year=year, status=IndicatorSetStatus.PUBLISHED)
            .prefetch_related("indicators").first())


def published_years():
    return list(IndicatorSet.objects.filter(status=IndicatorSetStatus.PUBLISHED).order_by("-year")
                .values_list("year", flat=True))


# --- figures from other modules' records ----------------------------------------------------------

@dataclass(frozen=True)
class RecordFigure:
    met: bool
    text: str


def congress_figure(enterprise, year) -> RecordFigure:
    """A workers' congress (or all-staff meeting) held in `year`: the congress module's own
    definition (`congress.selectors.status.held_in`)."""

    from gonghui.congress.selectors.status import held_in, last_held_on

    row = (Enterprise.objects.filter(pk=enterprise.pk)
           .annotate(held=held_in(year), last=last_held_on(year)).values("held", "last").first())
    return congress_text(row["last"] if row and row["held"] else None, year)


def congress_text(held_on, year) -> RecordFigure:
    """The figure shown for a congress held on `held_on` (None: none in `year`)."""
    from django.utils.translation import gettext as _

    if held_on is not None:
        return RecordFigure(True, _("Congress held on %(day)s") % {"day": f"{held_on:%Y-%m-%d}"})
    return RecordFigure(False, _("No congress session held in %(year)s on record") % {"year": year})


def agreement_figure(enterprise, year, on=None) -> RecordFigure:
    """A collective wage agreement binding the enterprise in force on `on` (today, or the last day
    of a past year): bargaining's `in_force_on`."""

    from gonghui.bargaining.models import WageAgreement

    on = min(on or today(), datetime.date(year, 12, 31))
    agreement = (WageAgreement.objects.in_force_on(on).filter(coverages__enterprise=enterprise)
                 .order_by("-ends_on").values("title", "ends_on").first())
    return agreement_text(agreement, on)


def agreement_text(agreement, on) -> RecordFigure:
    """The figure shown for an agreement ({"title", "ends_on"}, or None) in force on `on`."""
    from django.utils.translation import gettext as _

    if agreement:
        return RecordFigure(True, _("“%(title)s” in force until %(day)s")
                            % {"title": agreement["title"][:80], "day": f"{agreement['ends_on']:%Y-%m-%d}"})
    return RecordFigure(False, _("No wage agreement in force on %(day)s on record") % {"day": f"{on:%Y-%m-%d}"})


def record_figure(source, enterprise, year, on=None) -> RecordFigure | None:
    if source == IndicatorSource.CONGRESS:
        return congress_figure(enterprise, year)
    if source == IndicatorSource.AGREEMENT:
        return agreement_figure(enterprise, year, on)
    return None


# --- assessments ----------------------------------------------------------------------------------

def assessments(user, action=VIEW):
    return HarmonyAssessment.objects.visible_to(user, action)


@dataclass
class AssessmentFilters:
    q: str = ""                  # enterprise name contains
    year: int | None = None
    status: str = ""
    rating: str = ""
    org: Org | None = None       # a town's or union's subtree
    due: str = ""                # "overdue", "soon" (not submitted) or "review" (waiting for the user)


def filtered(user, filters: AssessmentFilters, *, on=None):
    qs = assessments(user)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.rating:
        qs = qs.filter(rating=filters.rating)
    if filters.org is not None:
        in_town = Enterprise.objects.filter(town__path__startswith=filters.org.path).values("id")
        qs = qs.filter(Q(org__path__startswith=filters.org.path) | Q(enterprise_id__in=in_town))
    q = (filters.q or "").strip()
    if q:
        qs = qs.filter(enterprise__name__icontains=q)
    on = on or today()
    if filters.due == "overdue":
        qs = qs.filter(status__in=(HarmonyStatus.DRAFT, HarmonyStatus.RETURNED), due_on__lt=on)
    elif filters.due == "soon":
        qs = qs.filter(status__in=(HarmonyStatus.DRAFT, HarmonyStatus.RETURNED), due_on__gte=on,
                       due_on__lte=on + datetime.timedelta(days=rules().remind_days))
    elif filters.due == "review":
        qs = qs.filter(waiting_for(user))
    return qs


def page_rows():
    return HarmonyAssessment.objects.select_related("org", "enterprise", "enterprise__town")


def assessment_page(user, filters: AssessmentFilters, *, after=None, size=None):
    return keyset_page(filtered(user, filters), after=after, size=size, load=page_rows())


def status_counts(user, filters: AssessmentFilters) -> dict:
    """{status: count} of the filtered list (one grouped query)."""
    rows = (filtered(user, AssessmentFilters(q=filters.q, year=filters.year, org=filters.org, rating=filters.rating))
            .order_by().values("status").annotate(n=Count("pk")))
    counts = dict.fromkeys(HarmonyStatus.values, 0)
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def assessment_detail(assessment):
    return (HarmonyAssessment.objects.filter(pk=assessment.pk)
            .select_related("org", "enterprise", "enterprise__town", "indicator_set")
            .prefetch_related(Prefetch("scores", queryset=IndicatorScore.objects.select_related("indicator")),
                              Prefetch("evidence", queryset=HarmonyEvidence.objects.select_related("indicator")))
            .get())


def evidence_by_indicator(assessment) -> dict:
    grouped = {}
    for item in assessment.evidence.all():
        grouped.setdefault(item.indicator_id, []).append(item)
    return grouped


def enterprise_choices(user, q="", limit=ENTERPRISE_LIMIT):
    """Enterprises with a union the user may prepare a self-assessment for, by name."""
    from gonghui.congress.selectors.status import unionised_enterprises

    qs = unionised_enterprises(user, CHANGE).select_related("union", "town")
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("name", "id")[:limit])


def existing_for(enterprise_ids, year) -> dict:
    """{enterprise id: assessment id} of the year's assessments of these enterprises."""
    return dict(HarmonyAssessment.objects.filter(enterprise_id__in=enterprise_ids, year=year)
                .values_list("enterprise_id", "pk"))


# --- rated list -----------------------------------------------------------------------------------

@dataclass
class RatedFilters:
    year: int | None = None
    rating: str = ""
    org: Org | None = None
    q: str = ""


def rated(user, filters: RatedFilters):
    return filtered(user, AssessmentFilters(q=filters.q, year=filters.year, rating=filters.rating, org=filters.org,
                                            status=HarmonyStatus.RATED))


def rated_page(user, filters: RatedFilters, *, after=None, size=None):
    return keyset_page(rated(user, filters), after=after, size=size, load=page_rows())


def rating_counts(user, filters: RatedFilters) -> dict:
    rows = (rated(user, RatedFilters(year=filters.year, org=filters.org, q=filters.q)).order_by()
            .values("rating").annotate(n=Count("pk")))
    return {r["rating"]: r["n"] for r in rows}


def overview(user, year) -> dict:
    """Counts for an overview card: the year's self-assessments in the user's reach by status and
    by rating (two grouped queries)."""
    base = assessments(user).filter(year=year).order_by()
    by_status = dict(base.values_list("status").annotate(n=Count("pk")))
    by_rating = dict(base.filter(status=HarmonyStatus.RATED).values_list("rating").annotate(n=Count("pk")))
    return {"year": year, "by_status": by_status, "by_rating": by_rating, "total": sum(by_status.values())}


# --- due --------------------------------------------------------------------------------------------

def waiting_for(user) -> Q:
    """Q: the assessments waiting for a step this user takes (town review, district rating)."""
    cond = Q(pk__in=[])
    if user.can(REVIEW):
        cond |= Q(pk__in=assessments(user, REVIEW).filter(status=HarmonyStatus.SUBMITTED).values("pk"))
    if user.can(RATE):
        cond |= Q(pk__in=assessments(user, RATE).filter(status=HarmonyStatus.FORWARDED).values("pk"))
    return cond


def due_summary(user):
    """Self-assessments not yet submitted whose deadline is near (soon) or past (overdue), for
    those who fill them in: one aggregate."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not (user.can(SUBMIT) or user.can(CHANGE)):
        return None
    on = today()
    counts = (assessments(user, CHANGE).filter(status__in=(HarmonyStatus.DRAFT, HarmonyStatus.RETURNED),
                                               due_on__lte=on + datetime.timedelta(days=rules().remind_days))
              .order_by().aggregate(overdue=Count("pk", filter=Q(due_on__lt=on)),
                                    soon=Count("pk", filter=Q(due_on__gte=on))))
    return DueSummary(label=_("Harmony self-assessments to submit"), overdue=counts["overdue"], soon=counts["soon"],
                      url=reverse("grassroots:harmony_list") + ("?due=overdue" if counts["overdue"] else "?due=soon"))


def review_due_summary(user):
    """Submitted self-assessments waiting for the town's review, and reviewed ones waiting for the
    district's rating: overdue once waiting longer than `review_days`."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not (user.can(REVIEW) or user.can(RATE)):
        return None
    on = today()
    limit = on - datetime.timedelta(days=rules().review_days)
    qs = assessments(user).filter(waiting_for(user))
    counts = qs.order_by().aggregate(
        overdue=Count("pk", filter=Q(status=HarmonyStatus.SUBMITTED, submitted_on__lt=limit)
                      | Q(status=HarmonyStatus.FORWARDED, reviewed_on__lt=limit)),
        total=Count("pk"))
    return DueSummary(label=_("Harmony self-assessments to review or rate"), overdue=counts["overdue"],
                      soon=counts["total"] - counts["overdue"], url=reverse("grassroots:harmony_list") + "?due=review")
