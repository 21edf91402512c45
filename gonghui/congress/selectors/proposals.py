"""Every read of proposals that takes a user: through the scope (`congress.view` on the union's
subtree), always."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from gonghui.core.pagination import keyset_page

from ..models import OPEN_PROPOSAL_STATUSES, BodyStatus, CongressBody, Delegate, Proposal, ProposalStatus, Session
from ..policies import CHANGE, VIEW
from ..rules import rules
from ..services.proposals import PROPOSAL_SESSION_STATUSES, today

DEPARTMENT_OPTIONS = 100  # the datalist of the assign form: the most used departments first


def proposals(user, action=VIEW):
    return Proposal.objects.visible_to(user, action)


@dataclass
class ProposalFilters:
    q: str = ""                 # subject, number or proposer's name contains
    status: str = ""
    due: str = ""               # "overdue", "soon" or ""
    department: str = ""        # responsible department contains
    org: object = None          # subtree of the union (a town, a union)
    body: CongressBody | None = None
    session: Session | None = None
    year: int | None = None     # submitted in this year (drafts: created in it)


def soon_limit(on: datetime.date) -> datetime.date:
    return on + datetime.timedelta(days=rules().remind_days)


def filtered(user, filters: ProposalFilters, *, on=None):
    qs = proposals(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=filters.org.path)
    if filters.body is not None:
        qs = qs.filter(body=filters.body)
    if filters.session is not None:
        qs = qs.filter(session=filters.session)
    department = filters.department.strip()
    if department:
        qs = qs.filter(department__icontains=department)
    if filters.year:
        qs = qs.filter(Q(submitted_on__year=filters.year)
                       | Q(submitted_on__isnull=True, created_at__year=filters.year))
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(number__icontains=q) | Q(proposer__name__icontains=q))
    on = on or today()
    if filters.due == "overdue":
        qs = qs.filter(status__in=OPEN_PROPOSAL_STATUSES, due_on__lt=on)
    elif filters.due == "soon":
        qs = qs.filter(status=ProposalStatus.ASSIGNED, due_on__gte=on, due_on__lte=soon_limit(on))
    return qs


def page_rows():
    """Where a page's rows are read once their keys were chosen through the scope and filters."""
    return Proposal.objects.select_related("org", "body__enterprise", "proposer", "session")


def proposal_page(user, filters: ProposalFilters, *, after=None, size=None):
    return keyset_page(filtered(user, filters), after=after, size=size, load=page_rows())


def proposal_detail(proposal):
    """One proposal with what its page shows, related rows in one query each."""
    return (Proposal.objects.filter(pk=proposal.pk)
            .select_related("org", "body__enterprise", "proposer", "session")
            .prefetch_related("cosigners").get())


# --- choices for the forms ---------------------------------------------------------------------------

def bodies_for_proposals(user, q=""):
    """Current congress terms where the user may record proposals, by enterprise name."""
    qs = (CongressBody.objects.visible_to(user, CHANGE).filter(status=BodyStatus.ACTIVE)
          .select_related("enterprise", "org").order_by("enterprise__name", "pk"))
    if q:
        qs = qs.filter(enterprise__name__icontains=q)
    return list(qs[:200])


def seated_delegates(body):
    """Who may propose and co-sign: the current, seated delegates of the term, by name."""
    return Delegate.objects.filter(body=body, ended_on__isnull=True, is_substitute=False).order_by("name", "pk")


def open_sessions(body):
    return Session.objects.filter(body=body, status__in=PROPOSAL_SESSION_STATUSES).order_by("-planned_on", "-pk")


def departments_used(org, limit=DEPARTMENT_OPTIONS):
    """Departments proposals of this union were already assigned to, the most frequent first."""
    rows = (Proposal.objects.filter(org=org).exclude(department="").values("department")
            .annotate(n=Count("pk")).order_by("-n", "department")[:limit])
    return [row["department"] for row in rows]


# --- the due-soon line of the dashboard --------------------------------------------------------

def due_summary(user):
    """Replies overdue or due within `rules().remind_days` days, in the user's reach."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(VIEW):
        return None
    on = today()
    counts = (proposals(user).filter(status=ProposalStatus.ASSIGNED, due_on__lte=soon_limit(on)).order_by()
              .aggregate(overdue=Count("pk", filter=Q(due_on__lt=on)), soon=Count("pk", filter=Q(due_on__gte=on))))
    return DueSummary(label=_("Congress proposals"), overdue=counts["overdue"], soon=counts["soon"],
                      url=reverse("congress:proposal_list") + "?due=" + ("overdue" if counts["overdue"] else "soon"))


# --- what the detail page shows -------------------------------------------------------------------

@dataclass(frozen=True)
class ProposalActions:
    """The steps the user may record now (the services check again)."""

    edit: bool = False
    submit: bool = False
    review: bool = False
    assign: bool = False
    extend: bool = False
    reply: bool = False
    rate: bool = False
    benefit: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def proposal_actions(user, proposal) -> ProposalActions:
    if not user.can(CHANGE, proposal.org):
        return ProposalActions()
    status = proposal.status
    return ProposalActions(
        edit=status == ProposalStatus.DRAFT,
        submit=status == ProposalStatus.DRAFT,
        review=status == ProposalStatus.SUBMITTED,
        assign=status == ProposalStatus.ACCEPTED,
        extend=status == ProposalStatus.ASSIGNED and not proposal.extended,
        reply=status == ProposalStatus.ASSIGNED,
        rate=status == ProposalStatus.REPLIED,
        benefit=is_adopted(proposal) and status in (ProposalStatus.REPLIED, ProposalStatus.ARCHIVED),
    )


def is_adopted(proposal) -> bool:
    from ..models import ADOPTED_OUTCOMES

    return proposal.outcome in ADOPTED_OUTCOMES


def reply_late(proposal) -> bool:
    """Replied after the (possibly extended) due date."""
    return bool(proposal.replied_on and proposal.due_on and proposal.replied_on > proposal.due_on)


def overdue(proposal, on) -> bool:
    return proposal.status in OPEN_PROPOSAL_STATUSES and bool(proposal.due_on) and proposal.due_on < on


def extended_due(proposal):
    from .. import deadlines

    return deadlines.reply_due(proposal.assigned_on, extended=True) if proposal.assigned_on else None


@dataclass(frozen=True)
class DateRow:
    label: str
    day: datetime.date | None
    note: str = ""
    state: str = ""     # "", "late", "overdue"


def timeline(proposal, on) -> list[DateRow]:
    """The dates of the proposal's steps so far, and the reply deadline."""
    from django.utils.translation import gettext as _

    rows = [DateRow(_("Submitted"), proposal.submitted_on),
            DateRow(_("Reviewed"), proposal.reviewed_on, proposal.get_status_display()
                    if proposal.status in (ProposalStatus.CONVERTED, ProposalStatus.REJECTED) else ""),
            DateRow(_("Assigned"), proposal.assigned_on, proposal.department),
            DateRow(_("Reply due"), proposal.due_on,
                    _("extended once") if proposal.extended else "",
                    "overdue" if overdue(proposal, on) else ""),
            DateRow(_("Replied"), proposal.replied_on, _("late") if reply_late(proposal) else "",
                    "late" if reply_late(proposal) else ""),
            DateRow(_("Rated"), proposal.rated_on, proposal.get_satisfaction_display()),
            DateRow(_("Archived"), proposal.archived_on)]
    return [row for row in rows if row.day is not None]


STATUS_BADGES = {
    ProposalStatus.DRAFT: "text-bg-light border", ProposalStatus.SUBMITTED: "text-bg-info",
    ProposalStatus.CONVERTED: "text-bg-secondary", ProposalStatus.REJECTED: "text-bg-secondary",
    ProposalStatus.ACCEPTED: "text-bg-primary", ProposalStatus.ASSIGNED: "text-bg-primary",
    ProposalStatus.REPLIED: "text-bg-warning", ProposalStatus.ARCHIVED: "text-bg-success",
}


def badge(proposal) -> str:
    return STATUS_BADGES.get(proposal.status, "text-bg-light")


def decorate(rows, on):
    """What a list row shows beside the stored fields: the status colour, overdue, replied late."""
    for proposal in rows:
        proposal.badge = badge(proposal)
        proposal.is_overdue = overdue(proposal, on)
        proposal.is_late = reply_late(proposal)
    return rows
