"""Every read of founding applications (组建) and of the enterprises without a union (未建会企业)
that takes a user: through the scope (`grassroots.view` on the town or the union)."""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from gonghui.core import workdays
from gonghui.core.pagination import keyset_page
from gonghui.core.scoping import user_scope
from gonghui.orgs.models import Enterprise, Org, OrgLevel, UnionKind

from ..models.foundings import OPEN_FOUNDING_STATUSES, WAITING_FOUNDING_STATUSES, FoundingApplication
from ..policies.foundings import CHANGE, VIEW
from ..rules.foundings import rules


def today():
    return timezone.localdate()


def applications(user, action=VIEW):
    return FoundingApplication.objects.visible_to(user, action)


# --- applications --------------------------------------------------------------------------------

@dataclass
class FoundingFilters:
    q: str = ""                  # enterprise, proposed union or contact name contains
    status: str = ""
    form: str = ""
    org: Org | None = None       # a town's (or union's) subtree
    year: int | None = None      # submitted in this year
    due: str = ""                # "overdue" or "soon": waiting steps past / near their deadline
    open: bool = False           # only applications still in progress


def soon_limit(on):
    return workdays.add_working_days(on, rules().due_soon_working_days)


def filtered(user, filters: FoundingFilters, *, on=None):
    qs = applications(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.form:
        qs = qs.filter(form=filters.form)
    if filters.open:
        qs = qs.filter(status__in=OPEN_FOUNDING_STATUSES)
    if filters.org is not None:
        subtree = Org.objects.filter(path__startswith=filters.org.path).values("id")
        qs = qs.filter(Q(town_id__in=subtree) | Q(union_id__in=subtree))
    if filters.year:
        qs = qs.filter(submitted_on__year=filters.year)
    if filters.due:
        on = on or today()
        qs = qs.filter(status__in=WAITING_FOUNDING_STATUSES)
        if filters.due == "overdue":
            qs = qs.filter(step_due_on__lt=on)
        else:
            qs = qs.filter(step_due_on__gte=on, step_due_on__lte=soon_limit(on))
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(proposed_name__icontains=q) | Q(contact_name__icontains=q))
    return qs


def page_rows():
    return FoundingApplication.objects.select_related("enterprise", "town", "union", "joint_union")


def founding_page(user, filters: FoundingFilters, *, after=None, on=None):
    return keyset_page(filtered(user, filters, on=on), after=after, load=page_rows())


@dataclass(frozen=True)
class Summary:
    open: int
    waiting: int
    overdue: int
    formed: int          # registered or joined


def summary(qs, *, on=None) -> Summary:
    """The counts of a filtered list in one aggregate query."""
    on = on or today()
    figures = qs.order_by().aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_FOUNDING_STATUSES)),
        waiting=Count("pk", filter=Q(status__in=WAITING_FOUNDING_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=WAITING_FOUNDING_STATUSES, step_due_on__lt=on)),
        formed=Count("pk", filter=Q(status__in=("REGISTERED", "JOINED"))),
    )
    return Summary(**figures)


def founding_detail(application):
    return page_rows().select_related("enterprise__town", "committee").get(pk=application.pk)


def due_summary(user):
    """The dashboard line: applications waiting for the upper union's review, approval or
    registration past (or near) their working-day deadline."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(VIEW):
        return None
    on = today()
    counts = (applications(user).filter(status__in=WAITING_FOUNDING_STATUSES, step_due_on__lte=soon_limit(on))
              .order_by().aggregate(overdue=Count("pk", filter=Q(step_due_on__lt=on)),
                                    soon=Count("pk", filter=Q(step_due_on__gte=on))))
    return DueSummary(label=_("Union founding applications waiting for the upper union"),
                      overdue=counts["overdue"], soon=counts["soon"],
                      url=reverse("grassroots:founding_list") + ("?due=overdue" if counts["overdue"] else "?due=soon"))


# --- choosing -------------------------------------------------------------------------------------

def joint_unions_for(enterprise, user, limit=200):
    """Active joint grassroots unions in the enterprise's town that the user can see."""
    return list(Org.objects.visible_to(user, VIEW)
                .filter(path__startswith=enterprise.town.path, level=OrgLevel.GRASSROOTS,
                        union_kind=UnionKind.JOINT, is_active=True).order_by("name")[:limit])


def enterprise_for_application(user, pk):
    """An enterprise without a union in a town where the user may record applications, or None."""
    paths = _paths(user, CHANGE)
    qs = Enterprise.objects.select_related("town", "union").filter(pk=pk, union__isnull=True)
    if paths is not None:
        if not paths:
            return None
        qs = qs.filter(town_id__in=_subtree(paths))
    return qs.first()


def enterprise_choices(user, q="", limit=30):
    """Enterprises without a union where the user may record an application, by name."""
    qs = unorganised_base(user, CHANGE)
    q = (q or "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    return list(qs.select_related("town").order_by("name", "id")[:limit])


# --- 未建会企业 ------------------------------------------------------------------------------------

def _paths(user, action):
    """None for "everything", else the user's subtree paths for the action (maybe empty)."""
    everything, paths = user_scope(user, action)
    return None if everything else paths


def _subtree(paths):
    return Org.objects.filter(reduce(or_, [Q(path__startswith=p) for p in paths])).values("id")


def unorganised_base(user, action=VIEW):
    """Enterprises with no union (`Enterprise.union` is null) in towns of the user's subtree: one
    indexed look-up of the town ids, no DISTINCT."""
    paths = _paths(user, action)
    qs = Enterprise.objects.filter(union__isnull=True)
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    return qs.filter(town_id__in=_subtree(paths))


SIZE_BANDS = {
    "lt25": (0, 24),
    "25_99": (25, 99),
    "100_499": (100, 499),
    "500": (500, None),
}
SORTS = {"headcount": ("-headcount", "id"), "name": ("name", "id"), "town": ("town__path", "-headcount", "id")}


@dataclass
class UnorganisedFilters:
    q: str = ""
    town: Org | None = None
    industry: str = ""
    size: str = ""               # a key of SIZE_BANDS
    above_scale: bool = False
    top100: bool = False
    application: str = ""        # "open" / "none": with or without an application in progress
    sort: str = "headcount"


def open_application_exists():
    return Exists(FoundingApplication.objects.filter(enterprise=OuterRef("pk"), status__in=OPEN_FOUNDING_STATUSES))


def unorganised(user, filters: UnorganisedFilters):
    qs = unorganised_base(user)
    if filters.town is not None:
        qs = qs.filter(town_id__in=Org.objects.filter(path__startswith=filters.town.path).values("id"))
    if filters.industry:
        qs = qs.filter(industry=filters.industry)
    if filters.size in SIZE_BANDS:
        low, high = SIZE_BANDS[filters.size]
        qs = qs.filter(headcount__gte=low)
        if high is not None:
            qs = qs.filter(headcount__lte=high)
    if filters.above_scale:
        qs = qs.filter(above_scale=True)
    if filters.top100:
        qs = qs.filter(top100=True)
    if filters.application == "open":
        qs = qs.filter(open_application_exists())
    elif filters.application == "none":
        qs = qs.exclude(open_application_exists())
    q = filters.q.strip()
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def unorganised_rows(qs, sort="headcount"):
    """The list's rows with their town and whether an application is open (one query)."""
    return (qs.select_related("town").annotate(has_open_application=open_application_exists())
            .order_by(*SORTS.get(sort, SORTS["headcount"])))


@dataclass
class NumberPage:
    items: list
    number: int
    has_next: bool
    count: int
    count_capped: bool

    @property
    def count_label(self):
        return f"{self.count:,}+" if self.count_capped else f"{self.count:,}"

    @property
    def has_previous(self):
        return self.number > 1


def unorganised_page(user, filters: UnorganisedFilters, *, number=1, size=50):
    """One page in the chosen order (headcount, largest first, by default): the list is the
    targets of 组建 work, a few hundred to a few thousand rows in a district, so an OFFSET page
    of an indexed filter is cheap; the count is capped like every list."""
    from gonghui.core.pagination import capped_count

    qs = unorganised(user, filters)
    count, capped = capped_count(qs)
    number = max(1, min(number, 1000))
    start = (number - 1) * size
    rows = list(unorganised_rows(qs, filters.sort)[start:start + size + 1])
    return NumberPage(items=rows[:size], number=number, has_next=len(rows) > size, count=count, count_capped=capped)


@dataclass(frozen=True)
class TownCount:
    town: Org
    enterprises: int
    headcount: int
    open_applications: int


def town_summary(user, filters: UnorganisedFilters):
    """Per town (or platform): enterprises without a union, their headcount and how many have an
    application in progress — two grouped queries whatever the number of towns. Shown to users
    whose reach spans more than one town."""
    qs = unorganised(user, filters).order_by()
    figures = {row["town_id"]: row for row in qs.values("town_id").annotate(n=Count("pk"), people=Sum("headcount"))}
    if len(figures) < 2 and not _spans_towns(user):
        return []
    open_counts = dict(qs.filter(open_application_exists()).values("town_id").annotate(n=Count("pk"))
                       .values_list("town_id", "n"))
    towns = Org.objects.filter(pk__in=figures).order_by("path")
    return [TownCount(town=t, enterprises=figures[t.pk]["n"], headcount=figures[t.pk]["people"] or 0,
                      open_applications=open_counts.get(t.pk, 0)) for t in towns]


def _spans_towns(user):
    paths = _paths(user, VIEW)
    if paths is None:
        return True
    return Org.objects.filter(path__in=paths, level=OrgLevel.DISTRICT).exists()
