"""Every read of collective wage negotiation that takes a user: through the scope, always."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from gonghui.core import workdays
from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org

from . import timeline
from .models import Coverage, StaffRequest, Stage, WageAgreement
from .policies import VIEW
from .rules import rules


def agreements(user, action=VIEW):
    return WageAgreement.objects.visible_to(user, action).select_related("org")


@dataclass
class AgreementFilters:
    q: str = ""                  # title, employer party or union name contains
    kind: str = ""
    stage: str = ""
    org: Org | None = None       # subtree of the union party
    due: str = ""                # "overdue", "soon" or ""
    year: int | None = None      # offered in this year


def filtered(user, filters: AgreementFilters, *, on=None):
    qs = agreements(user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=filters.org.path)
    if filters.year:
        qs = qs.filter(offered_on__year=filters.year)
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(employer_party__icontains=q) | Q(org__name__icontains=q))
    on = on or timeline.today()
    if filters.due == "overdue":
        qs = qs.filter(next_due_on__lt=on)
    elif filters.due == "soon":
        qs = qs.filter(next_due_on__gte=on, next_due_on__lte=soon_limit(on))
    return qs


def soon_limit(on: datetime.date) -> datetime.date:
    return workdays.add_working_days(on, rules().remind_working_days)


def page_rows():
    """Where a page's agreements are read once their keys were chosen through the scope and the
    filters (`keyset_page(load=…)`): by primary key, without evaluating the scope again."""
    return WageAgreement.objects.select_related("org")


def agreement_page(user, filters: AgreementFilters, *, after=None):
    return keyset_page(filtered(user, filters), after=after, load=page_rows())


def due_agreements(user, *, org=None, on=None, horizon_working_days=None):
    """Open steps overdue or due within the horizon, earliest first: the due-soon page."""
    on = on or timeline.today()
    horizon = horizon_working_days if horizon_working_days is not None else rules().remind_working_days
    limit = workdays.add_working_days(on, horizon)
    qs = agreements(user).filter(next_due_on__isnull=False, next_due_on__lte=limit)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    return qs.order_by("next_due_on", "id")


def expiring_agreements(user, *, org=None, on=None, within_days=None):
    """Agreements in force that end within the renewal window and have no renewal yet."""
    on = on or timeline.today()
    within = within_days if within_days is not None else rules().renewal_days_before
    qs = (agreements(user).in_force_on(on).filter(ends_on__lte=on + datetime.timedelta(days=within))
          .exclude(renewals__stage__in=[s for s in Stage.values if s != Stage.CANCELLED]))
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    return qs.order_by("ends_on", "id")


def agreement_detail(agreement):
    """The related rows a detail page or API detail shows, each in one query."""
    return (WageAgreement.objects.filter(pk=agreement.pk).select_related("org", "renewal_of")
            .prefetch_related(
                Prefetch("coverages", queryset=Coverage.objects.select_related("enterprise", "enterprise__town")
                         .order_by("enterprise__name")),
                "representatives", "rounds", "votes",
                Prefetch("renewals", queryset=WageAgreement.objects.exclude(stage=Stage.CANCELLED)
                         .order_by("offered_on")))
            .get())


def steps_of(agreement, on=None):
    """The timeline of a prefetched agreement (see agreement_detail) without further queries."""
    renewals = list(agreement.renewals.all())
    return timeline.steps(agreement, on=on, rounds=list(agreement.rounds.all()),
                          votes=list(agreement.votes.all()),
                          renewal_offered_on=renewals[0].offered_on if renewals else timeline.NO_RENEWAL)


PARTY_LIMIT = 200
CANDIDATE_LIMIT = 500


def party_choices(user, kind, q="", limit=PARTY_LIMIT):
    """Orgs where the user may open a negotiation of this kind, by name, in tree order (a short
    list: a town cadre's town and its unions; others narrow it by name)."""
    from .services import CHANGE, PARTY_LEVELS

    qs = Org.objects.visible_to(user, CHANGE).filter(is_active=True, level__in=PARTY_LEVELS[kind])
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


def coverage_candidates(org, kind, *, industry="", q="", limit=CANDIDATE_LIMIT):
    """Enterprises an agreement of `org` may cover: its own (single) or those placed in its
    subtree (area, industry), by name."""
    from gonghui.orgs.models import Enterprise

    qs = Enterprise.objects.select_related("union", "town")
    if kind == "SINGLE":
        qs = qs.filter(union=org)
    else:
        qs = qs.filter(Q(union__path__startswith=org.path) | Q(town__path__startswith=org.path))
        if kind == "INDUSTRY" and industry:
            qs = qs.filter(industry=industry)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("name", "id")[:limit])


def open_staff_requests(user, *, org=None):
    """Staff requests (≥ 1/5) not yet answered by an offer, the earliest offer deadline first."""
    qs = (StaffRequest.objects.visible_to(user).select_related("org", "enterprise")
          .filter(agreement__isnull=True))
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    return qs.order_by("offer_due_on", "id")


# The columns the due page draws: up to 150 rows of a 50-column agreement (offer points, clauses,
# …) and their whole org rows were most of the page's time besides the template.
DUE_AGREEMENT_COLUMNS = ("title", "kind", "stage", "next_step", "next_due_on", "ends_on", "org__name", "org__path")
DUE_REQUEST_COLUMNS = ("signatures", "headcount", "offer_due_on", "org__name", "org__path", "enterprise__name")


@dataclass
class DueLists:
    """The due page's three lists, each the `limit` earliest; `*_more`: there are more."""
    due: list
    due_more: bool
    expiring: list
    expiring_more: bool
    staff_requests: list
    requests_more: bool


def due_lists(user, *, org=None, on=None, horizon_working_days=None, limit=50):
    """Steps due (overdue or within the horizon), agreements nearing expiry without a renewal and
    unanswered staff requests, `limit` of each, with only the columns the page draws."""
    due = list(due_agreements(user, org=org, on=on, horizon_working_days=horizon_working_days)
               .only(*DUE_AGREEMENT_COLUMNS)[:limit + 1])
    expiring = list(expiring_agreements(user, org=org, on=on).only(*DUE_AGREEMENT_COLUMNS)[:limit + 1])
    staff_requests = list(open_staff_requests(user, org=org).only(*DUE_REQUEST_COLUMNS)[:limit + 1])
    return DueLists(due[:limit], len(due) > limit, expiring[:limit], len(expiring) > limit,
                    staff_requests[:limit], len(staff_requests) > limit)


def due_summary(user):
    """The dashboard line: negotiations in the user's reach with a step overdue / due soon."""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(VIEW):
        return None
    on = timeline.today()
    counts = (agreements(user).filter(next_due_on__lte=soon_limit(on))
              .aggregate(overdue=Count("pk", filter=Q(next_due_on__lt=on)),
                         soon=Count("pk", filter=Q(next_due_on__gte=on))))
    requests = (open_staff_requests(user).filter(offer_due_on__lte=soon_limit(on)).order_by()
                .aggregate(overdue=Count("pk", filter=Q(offer_due_on__lt=on)),
                           soon=Count("pk", filter=Q(offer_due_on__gte=on))))
    return DueSummary(label=_("Wage negotiation"), overdue=counts["overdue"] + requests["overdue"],
                      soon=counts["soon"] + requests["soon"], url=reverse("bargaining:due"))
