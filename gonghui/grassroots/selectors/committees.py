"""Every read of union committees that takes a user: through the scope.

The committee list is a list of *unions* (active grassroots unions of the user's subtree), each
with its current committee, so "no committee on record" is a row too. The term state of a union:
- `EXPIRED`: the current committee's term ended before today;
- `EXPIRING`: it ends within `expiring_months` (rules, default 6) from today;
- `LATER`: it ends later;
- `NONE`: no current committee on record.
(The list's `expiry` filter takes these codes; a replaced committee's state is `REPLACED`.)
A page is a fixed number of queries: the capped count and keys, the unions, their current
committees with the chair (one query), and their towns (one query).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org, OrgLevel

from ..models.committees import Committee, CommitteeMember, CommitteePosition, CommitteeStatus
from ..policies.committees import VIEW
from ..rules.committees import rules

TERM_STATES = ("EXPIRED", "EXPIRING", "LATER", "NONE")


def today():
    return timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day of the month `months` later (or earlier, when negative), clamped to the month's end."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def expiring_limit(on=None):
    """The last term end that counts as "expires soon" on `on`."""
    return add_months(on or today(), rules().expiring_months)


def term_state(committee, on=None):
    if committee is None:
        return "NONE"
    on = on or today()
    if committee.status != CommitteeStatus.CURRENT:
        return "REPLACED"
    if committee.term_ends_on < on:
        return "EXPIRED"
    if committee.term_ends_on <= expiring_limit(on):
        return "EXPIRING"
    return "LATER"


def committees(user, action=VIEW):
    return Committee.objects.visible_to(user, action).select_related("org")


def unions(user, action=VIEW):
    return Org.objects.visible_to(user, action).filter(level=OrgLevel.GRASSROOTS, is_active=True)


@dataclass
class CommitteeFilters:
    q: str = ""                 # union name contains
    org: Org | None = None      # a town's or union's subtree
    expiry: str = ""            # one of TERM_STATES
    source: str = ""            # how the current committee came on record
    year: int | None = None     # the current committee was elected in this year


def _current_q(prefix="committees__"):
    return Q(**{f"{prefix}status": CommitteeStatus.CURRENT})


def filtered_unions(user, filters: CommitteeFilters, *, on=None):
    on = on or today()
    qs = unions(user)
    if filters.org is not None:
        qs = qs.filter(path__startswith=filters.org.path)
    q = (filters.q or "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    current = Committee.objects.filter(org=OuterRef("pk"), status=CommitteeStatus.CURRENT)
    if filters.expiry == "NONE":
        return qs.filter(~Exists(current))
    cond = {}
    if filters.expiry == "EXPIRED":
        cond["term_ends_on__lt"] = on
    elif filters.expiry == "EXPIRING":
        cond.update(term_ends_on__gte=on, term_ends_on__lte=expiring_limit(on))
    elif filters.expiry == "LATER":
        cond["term_ends_on__gt"] = expiring_limit(on)
    if filters.source:
        cond["source"] = filters.source
    if filters.year:
        cond["elected_on__year"] = filters.year
    if cond:
        qs = qs.filter(Exists(current.filter(**cond)))
    return qs


def current_committees(org_ids):
    """{org id: its current committee, with `chair` (the chair's name) annotated}: one query."""
    chair = (CommitteeMember.objects.filter(committee=OuterRef("pk"), position=CommitteePosition.CHAIR)
             .values("name")[:1])
    rows = (Committee.objects.filter(org_id__in=list(org_ids), status=CommitteeStatus.CURRENT)
            .annotate(chair=Subquery(chair), seats=Count("members")))
    return {c.org_id: c for c in rows}


def towns_of(orgs):
    """{org id: its nearest town or platform}: one query for a page of unions."""
    prefixes = {o.path[:i] for o in orgs for i in range(Org.steplen, len(o.path), Org.steplen)}
    if not prefixes:
        return {}
    towns = {t.path: t for t in Org.objects.filter(path__in=prefixes, level__in=(OrgLevel.TOWN, OrgLevel.PLATFORM))}
    result = {}
    for o in orgs:
        matches = [p for p in towns if o.path.startswith(p)]
        result[o.pk] = towns[max(matches, key=len)] if matches else None
    return result


@dataclass
class UnionRow:
    union: Org
    town: Org | None
    committee: Committee | None
    state: str


def union_rows(orgs, *, on=None):
    on = on or today()
    current = current_committees(o.pk for o in orgs)
    towns = towns_of(orgs)
    return [UnionRow(union=o, town=towns.get(o.pk), committee=current.get(o.pk),
                     state=term_state(current.get(o.pk), on)) for o in orgs]


def union_page(user, filters: CommitteeFilters, *, after=None, size=None, on=None):
    page = keyset_page(filtered_unions(user, filters, on=on), after=after, size=size)
    page.items = union_rows(page.items, on=on)
    return page


def committee_detail(committee):
    """A committee with its members (chair first) and the reminders sent for it."""
    members = list(committee.members.select_related("person").order_by("order", "id"))
    reminders = list(committee.reminders.order_by("sent_on", "id"))
    return members, reminders


def union_history(union):
    """Every committee of a union, newest term first, with the chair's name and the seat count."""
    chair = (CommitteeMember.objects.filter(committee=OuterRef("pk"), position=CommitteePosition.CHAIR)
             .values("name")[:1])
    return list(Committee.objects.filter(org=union).select_related("election")
                .annotate(chair=Subquery(chair), seats=Count("members")).order_by("-term_number"))


def state_counts(user, *, on=None):
    """{state: number of unions} of the user's subtree, for the summary above the list: two queries."""
    on = on or today()
    limit = expiring_limit(on)
    current = Committee.objects.visible_to(user).filter(status=CommitteeStatus.CURRENT, org__is_active=True,
                                                        org__level=OrgLevel.GRASSROOTS)
    counts = current.aggregate(expired=Count("pk", filter=Q(term_ends_on__lt=on)),
                               expiring=Count("pk", filter=Q(term_ends_on__gte=on, term_ends_on__lte=limit)),
                               later=Count("pk", filter=Q(term_ends_on__gt=limit)), total=Count("pk"))
    all_unions = unions(user).count()
    counts["none"] = max(all_unions - counts.pop("total"), 0)
    return counts


def due_committees(user, *, on=None):
    """Current committees whose term has expired or expires within the rules' months."""
    on = on or today()
    return (Committee.objects.visible_to(user)
            .filter(status=CommitteeStatus.CURRENT, org__is_active=True, term_ends_on__lte=expiring_limit(on)))


def due_summary(user):
    """The dashboard line: committees whose term has expired / expires soon."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(VIEW):
        return None
    on = today()
    counts = (due_committees(user, on=on).order_by()
              .aggregate(overdue=Count("pk", filter=Q(term_ends_on__lt=on)),
                         soon=Count("pk", filter=Q(term_ends_on__gte=on))))
    return DueSummary(label=_("Committee terms to renew (换届)"), overdue=counts["overdue"], soon=counts["soon"],
                      url=reverse("grassroots:committee_list") + ("?expiry=EXPIRED" if counts["overdue"]
                                                                  else "?expiry=EXPIRING"))


def recordable_unions(user, q="", limit=50):
    """Unions the user may enter a committee for, by name (the "record from paper" chooser)."""
    from ..policies.committees import CHANGE

    qs = unions(user, CHANGE)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("name", "id")[:limit])


def filtered_committees(user, *, org=None, status="", expiry="", source="", q="", year=None, on=None):
    """Committees (every term, not unions) for the API list: `expiry` is EXPIRED / EXPIRING /
    LATER and applies to current committees only."""
    on = on or today()
    qs = Committee.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    if status:
        qs = qs.filter(status=status)
    if expiry:
        qs = qs.filter(status=CommitteeStatus.CURRENT)
        if expiry == "EXPIRED":
            qs = qs.filter(term_ends_on__lt=on)
        elif expiry == "EXPIRING":
            qs = qs.filter(term_ends_on__gte=on, term_ends_on__lte=expiring_limit(on))
        elif expiry == "LATER":
            qs = qs.filter(term_ends_on__gt=expiring_limit(on))
    if source:
        qs = qs.filter(source=source)
    if q:
        qs = qs.filter(org__name__icontains=q.strip())
    if year:
        qs = qs.filter(elected_on__year=year)
    return qs


def committee_rows():
    """Where an API page's committees are read by key: with the union and the chair's name."""
    chair = (CommitteeMember.objects.filter(committee=OuterRef("pk"), position=CommitteePosition.CHAIR)
             .values("name")[:1])
    return Committee.objects.select_related("org").annotate(chair=Subquery(chair), seats=Count("members"))
