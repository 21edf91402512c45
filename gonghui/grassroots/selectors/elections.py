"""Every read of committee elections that takes a user: through the scope (the union's subtree)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from gonghui.core import workdays
from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org, OrgLevel

from ..models.elections import (
    OPEN_ELECTION_STATUSES,
    Election,
    ElectionRound,
    ElectionStatus,
    RoundVote,
)
from ..policies.elections import CHANGE, VIEW
from ..rules import elections as election_rules

AWAITING_APPROVAL = (ElectionStatus.PLAN_SUBMITTED, ElectionStatus.RESULT_SUBMITTED)


def today():
    return timezone.localdate()


def elections(user, action=VIEW):
    return Election.objects.visible_to(user, action)


@dataclass
class ElectionFilters:
    q: str = ""                  # the union's name contains
    org: Org | None = None       # a town's or a union's subtree
    status: str = ""             # a status, or "open" / "closed" / "awaiting" (the upper union's approval)
    year: int | None = None      # the planned meeting's year
    due: str = ""                # "overdue": approval waiting longer than the rules allow


def approval_cutoff(on=None) -> datetime.date:
    """Submitted before this day and still waiting: the upper union's answer is overdue (the
    rules' working days counted back from today on the Chinese calendar)."""
    day = on or today()
    left = election_rules.rules().approval_working_days
    while left > 0:
        day -= datetime.timedelta(days=1)
        if workdays.is_working_day(day):
            left -= 1
    return day


def _waiting_since():
    return Q(status=ElectionStatus.PLAN_SUBMITTED, plan_submitted_on__lt=approval_cutoff()) | Q(
        status=ElectionStatus.RESULT_SUBMITTED, result_submitted_on__lt=approval_cutoff())


def filtered(user, filters: ElectionFilters):
    qs = elections(user)
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=filters.org.path)
    if filters.status == "open":
        qs = qs.filter(status__in=OPEN_ELECTION_STATUSES)
    elif filters.status == "closed":
        qs = qs.exclude(status__in=OPEN_ELECTION_STATUSES)
    elif filters.status == "awaiting":
        qs = qs.filter(status__in=AWAITING_APPROVAL)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year:
        qs = qs.filter(planned_meeting_on__gte=datetime.date(filters.year, 1, 1),
                       planned_meeting_on__lt=datetime.date(filters.year + 1, 1, 1))
    if filters.due == "overdue":
        qs = qs.filter(_waiting_since())
    q = (filters.q or "").strip()
    if q:
        qs = qs.filter(org__name__icontains=q)
    return qs


def page_rows():
    """Where a page's elections are read by key: the union and the number of candidates."""
    return Election.objects.select_related("org").annotate(candidate_count=Count("candidates"))


def election_page(user, filters: ElectionFilters, *, after=None, size=None):
    return keyset_page(filtered(user, filters), after=after, size=size, load=page_rows())


def with_steps(election):
    """The election with its candidates, meetings and rounds (with their votes) in four queries."""
    votes = RoundVote.objects.select_related("candidate").order_by("-votes", "candidate__order", "candidate_id")
    rounds = ElectionRound.objects.prefetch_related(Prefetch("votes", queryset=votes)).order_by("number")
    return (Election.objects.select_related("org")
            .prefetch_related("candidates", "meetings", Prefetch("rounds", queryset=rounds))
            .get(pk=election.pk))


def elections_of_union(user, union):
    return elections(user).filter(org=union).order_by("-planned_meeting_on", "-id")


def union_choices(user, q="", limit=30):
    """Grassroots unions the user may plan an election for, by name, for the create page."""
    qs = Org.objects.visible_to(user, CHANGE).filter(level=OrgLevel.GRASSROOTS, is_active=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    return list(qs.order_by("name", "id")[:limit])


def current_committee(union):
    from ..models import Committee, CommitteeStatus

    return Committee.objects.filter(org=union, status=CommitteeStatus.CURRENT).first()


def due_summary(user):
    """The dashboard line: plans and results waiting for the upper union's approval (overdue after
    the rules' working days)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(VIEW):
        return None
    counts = (elections(user).filter(status__in=AWAITING_APPROVAL).order_by()
              .aggregate(overdue=Count("pk", filter=_waiting_since()), waiting=Count("pk")))
    overdue = counts["overdue"]
    return DueSummary(label=_("Committee elections awaiting the upper union's approval"), overdue=overdue,
                      soon=counts["waiting"] - overdue,
                      url=reverse("grassroots:election_list") + ("?due=overdue" if overdue else "?status=awaiting"))
