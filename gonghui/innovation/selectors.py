"""Every read of suggestions and technical projects that takes a user: through the scope."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Sum, Value, When
from django.utils import timezone

from gonghui.core.pagination import keyset_page
from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.orgs.models import Enterprise, Org, OrgLevel

from .models import (
    ADOPTED_STATUSES,
    OPEN_PROJECT_STATUSES,
    Milestone,
    Suggestion,
    SuggestionStatus,
    TechProject,
)
from .policies import CHANGE, VIEW


def today():
    return timezone.localdate()


def suggestions(user, action=VIEW):
    return Suggestion.objects.visible_to(user, action)


def projects(user, action=VIEW):
    return TechProject.objects.visible_to(user, action)


@dataclass
class SuggestionFilters:
    q: str = ""                  # title, enterprise name or submitter contains
    kind: str = ""
    status: str = ""
    org: Org | None = None       # a town's or union's subtree (the union's, or the enterprise's town)
    year: int | None = None      # submitted in this year


def _in_subtree(org):
    return Q(org__path__startswith=org.path) | Q(enterprise__town__path__startswith=org.path)


def filtered(user, filters: SuggestionFilters):
    qs = suggestions(user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.org is not None:
        qs = qs.filter(_in_subtree(filters.org))
    if filters.year:
        qs = qs.filter(submitted_on__year=filters.year)
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(enterprise__name__icontains=q) | Q(submitter_name__icontains=q))
    return qs


def page_rows():
    """Where a page's rows are read once their keys were chosen through the scope."""
    return Suggestion.objects.select_related("org", "enterprise")


def suggestion_page(user, filters: SuggestionFilters, *, after=None):
    return keyset_page(filtered(user, filters), after=after, load=page_rows())


@dataclass(frozen=True)
class Summary:
    submitted: int
    adopted: int
    implemented: int
    benefit_yuan: Decimal
    rewards_yuan: Decimal
    rewarded: int


def summary(qs) -> Summary:
    """The counts of a filtered list in one aggregate query."""
    figures = qs.order_by().aggregate(
        submitted=Count("pk"),
        adopted=Count("pk", filter=Q(status__in=ADOPTED_STATUSES)),
        implemented=Count("pk", filter=Q(status=SuggestionStatus.IMPLEMENTED)),
        benefit=Sum("benefit_yuan"),
        rewards=Sum("reward_yuan"),
        rewarded=Count("pk", filter=Q(reward_paid_on__isnull=False)),
    )
    zero = Decimal("0.00")
    return Summary(submitted=figures["submitted"], adopted=figures["adopted"], implemented=figures["implemented"],
                   benefit_yuan=figures["benefit"] or zero, rewards_yuan=figures["rewards"] or zero,
                   rewarded=figures["rewarded"])


def suggestion_detail(suggestion):
    return (Suggestion.objects.filter(pk=suggestion.pk)
            .select_related("org", "enterprise", "enterprise__town", "submitter_person")
            .prefetch_related("scores").get())


# --- projects -----------------------------------------------------------------------------------

@dataclass
class ProjectFilters:
    q: str = ""
    status: str = ""
    org: Org | None = None
    overdue: bool = False        # has a milestone past its due date and not done


def overdue_milestones(on=None):
    return Milestone.objects.filter(project=OuterRef("pk"), done_on__isnull=True, due_on__lt=on or today())


def filtered_projects(user, filters: ProjectFilters, *, on=None):
    qs = projects(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.org is not None:
        qs = qs.filter(_in_subtree(filters.org))
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(enterprise__name__icontains=q))
    if filters.overdue:
        qs = qs.filter(status__in=OPEN_PROJECT_STATUSES).filter(Exists(overdue_milestones(on)))
    return qs


def has_overdue(on=None):
    """The row's flag, the same rule as the `overdue` filter: a completed or abandoned project's
    open milestones are not overdue (the project will never reach them)."""
    return Case(When(status__in=OPEN_PROJECT_STATUSES, then=Exists(overdue_milestones(on))),
                default=Value(False), output_field=BooleanField())


def project_rows(on=None):
    return (TechProject.objects.select_related("org", "enterprise")
            .annotate(milestones_total=Count("milestones", distinct=True),
                      milestones_done=Count("milestones", filter=Q(milestones__done_on__isnull=False), distinct=True),
                      has_overdue=has_overdue(on)))


def project_page(user, filters: ProjectFilters, *, after=None, on=None):
    return keyset_page(filtered_projects(user, filters, on=on), after=after, load=project_rows(on))


def project_detail(project):
    return (TechProject.objects.filter(pk=project.pk).select_related("org", "enterprise", "enterprise__town")
            .prefetch_related("team", "milestones").get())


# --- choosing where a record belongs -------------------------------------------------------------

UNION_LIMIT = 200
MEMBER_LIMIT = 20


def union_choices(user, q="", limit=UNION_LIMIT):
    """Active grassroots unions where the user may record suggestions and projects, by name."""
    qs = Org.objects.visible_to(user, CHANGE).filter(is_active=True, level=OrgLevel.GRASSROOTS)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


def union_enterprises(org):
    return list(Enterprise.objects.filter(union=org).order_by("name", "id"))


def member_candidates(org, q, limit=MEMBER_LIMIT):
    """Current members of the union whose name starts with (or contains) `q`: (person id, name)."""
    q = (q or "").strip()
    if not q:
        return []
    live = Membership.objects.filter(union=org, status__in=LIVE_STATUSES)
    rows = list(live.filter(person_name__startswith=q).order_by("person_name", "id")
                .values_list("person_id", "person_name")[:limit])
    if len(rows) < limit:
        seen = {pid for pid, _n in rows}
        more = (live.filter(person_name__contains=q).exclude(person_id__in=seen).order_by("person_name", "id")
                .values_list("person_id", "person_name")[:limit - len(rows)])
        rows += list(more)
    return rows


def live_member(org, person_id):
    """The Person with a live membership of `org`, or None."""
    from gonghui.members.models import Person

    if not person_id:
        return None
    return Person.objects.filter(pk=person_id, memberships__union=org,
                                 memberships__status__in=LIVE_STATUSES).first()
