"""Every read of congress terms, delegates and sessions that takes a user: through the scope."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from gonghui.core.pagination import keyset_page
from gonghui.members.models import Membership
from gonghui.orgs.models import Org

from .. import rules as congress_rules
from ..models import AgendaItem, BodyKind, CongressBody, Delegate, DelegateCategory, Session, SessionStatus
from ..policies import CHANGE, VIEW


def today():
    return timezone.localdate()


# --- terms ----------------------------------------------------------------------------------------

def bodies(user, action=VIEW):
    return CongressBody.objects.visible_to(user, action).select_related("org", "enterprise")


@dataclass
class BodyFilters:
    q: str = ""                       # enterprise or union name contains
    org: Org | None = None            # the union's subtree (a town, a union)
    kind: str = ""
    status: str = ""
    ending_within: int | None = None  # the term ends within N days from today (ended terms excluded)


def filtered_bodies(user, filters: BodyFilters, *, on=None):
    qs = bodies(user)
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=filters.org.path)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.ending_within is not None:
        on = on or today()
        qs = qs.filter(status="ACTIVE", term_ends_on__lte=on + datetime.timedelta(days=filters.ending_within))
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(org__name__icontains=q))
    return qs


SEATED = Q(delegates__ended_on__isnull=True, delegates__is_substitute=False)


def body_rows():
    """Where a page's terms are read by key: with the seated delegates counted per term."""
    return (CongressBody.objects.select_related("org", "enterprise", "enterprise__town")
            .annotate(seated=Count("delegates", filter=SEATED),
                      managers=Count("delegates", filter=SEATED & Q(delegates__category=DelegateCategory.MANAGER))))


def body_page(user, filters: BodyFilters, *, after=None, size=None):
    return keyset_page(filtered_bodies(user, filters), after=after, size=size, load=body_rows())


@dataclass
class Roll:
    """The delegate roll of a term, as the detail page and the API show it."""

    body: CongressBody
    delegates: list          # current, seated
    substitutes: list        # current substitutes
    ended: list              # left the roll
    by_category: list        # [(label, count)] of the seated delegates

    @property
    def seated(self):
        return len(self.delegates)

    @property
    def managers(self):
        return sum(1 for d in self.delegates if d.category == DelegateCategory.MANAGER)

    @property
    def managers_allowed(self):
        return congress_rules.managers_allowed(self.seated)

    @property
    def managers_over(self):
        return self.body.kind == BodyKind.CONGRESS and self.managers > self.managers_allowed

    @property
    def quota_gap(self):
        """Seated minus quota: negative = under the quota, positive = over (0 for all-staff)."""
        return self.seated - self.body.delegate_quota if self.body.delegate_quota else 0

    @property
    def quota_short(self):
        return max(-self.quota_gap, 0)

    @property
    def quota_over(self):
        return max(self.quota_gap, 0)

    @property
    def groups(self):
        counts = {}
        for d in self.delegates:
            counts[d.group or ""] = counts.get(d.group or "", 0) + 1
        return sorted(counts.items())


def roll_of(body) -> Roll:
    rows = list(body.delegates.select_related("person").order_by("group", "name", "id"))
    seated = [d for d in rows if d.ended_on is None and not d.is_substitute]
    counts = {code: 0 for code in DelegateCategory.values}
    for d in seated:
        counts[d.category] += 1
    return Roll(body=body, delegates=seated,
                substitutes=[d for d in rows if d.ended_on is None and d.is_substitute],
                ended=[d for d in rows if d.ended_on is not None],
                by_category=[(label, counts[code]) for code, label in DelegateCategory.choices])


def body_sessions(body):
    return list(body.sessions.order_by("-number"))


def bodies_of_enterprise(body):
    """The other terms of the same enterprise (earlier and later), oldest first."""
    return list(CongressBody.objects.filter(enterprise_id=body.enterprise_id).exclude(pk=body.pk)
                .order_by("term_number"))


ENTERPRISE_LIMIT = 50


def enterprise_choices(user, q="", limit=ENTERPRISE_LIMIT):
    """Enterprises whose union the user may constitute a congress for, by name."""
    from gonghui.orgs.models import Enterprise

    unions = Org.objects.visible_to(user, CHANGE).values("pk")
    qs = Enterprise.objects.select_related("union", "town").filter(union__in=unions)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("name", "id")[:limit])


MEMBER_LIMIT = 20


def member_candidates(body, q, limit=MEMBER_LIMIT):
    """Live members of the term's union whose name contains `q` (the delegate picker)."""
    q = (q or "").strip()
    if not q:
        return []
    return list(Membership.objects.live().filter(union=body.org, person_name__icontains=q)
                .select_related("person").order_by("person_name", "id")[:limit])


# --- sessions -------------------------------------------------------------------------------------

def sessions(user, action=VIEW):
    return Session.objects.visible_to(user, action).select_related("org", "body", "body__enterprise")


@dataclass
class SessionFilters:
    q: str = ""
    org: Org | None = None
    status: str = ""
    year: int | None = None      # planned or held in this year
    due: str = ""                # "overdue" / "soon": report to the upper union
    body: CongressBody | None = None


def soon_limit(on):
    return on + datetime.timedelta(days=congress_rules.rules().remind_days)


def filtered_sessions(user, filters: SessionFilters, *, on=None):
    qs = sessions(user)
    if filters.body is not None:
        qs = qs.filter(body=filters.body)
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=filters.org.path)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year:
        qs = qs.filter(Q(held_on__year=filters.year) | Q(held_on__isnull=True, planned_on__year=filters.year))
    on = on or today()
    if filters.due == "overdue":
        qs = qs.filter(status=SessionStatus.HELD, report_due_on__lt=on)
    elif filters.due == "soon":
        qs = qs.filter(status=SessionStatus.HELD, report_due_on__gte=on, report_due_on__lte=soon_limit(on))
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__enterprise__name__icontains=q) | Q(org__name__icontains=q))
    return qs


def session_rows():
    return Session.objects.select_related("org", "body", "body__enterprise")


def session_page(user, filters: SessionFilters, *, after=None, size=None):
    return keyset_page(filtered_sessions(user, filters), after=after, size=size, load=session_rows())


def session_detail(session):
    return (Session.objects.filter(pk=session.pk).select_related("org", "body", "body__enterprise")
            .prefetch_related(Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position")))
            .get())


def due_sessions(user, *, on=None):
    on = on or today()
    return sessions(user).filter(status=SessionStatus.HELD, report_due_on__lte=soon_limit(on))


def due_summary(user):
    """The dashboard line: held sessions whose report to the upper union is overdue / due soon."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(VIEW):
        return None
    on = today()
    counts = (due_sessions(user, on=on).order_by()
              .aggregate(overdue=Count("pk", filter=Q(report_due_on__lt=on)),
                         soon=Count("pk", filter=Q(report_due_on__gte=on))))
    return DueSummary(label=_("Congress reports to the upper union"), overdue=counts["overdue"],
                      soon=counts["soon"],
                      url=reverse("congress:session_list") + ("?due=overdue" if counts["overdue"] else "?due=soon"))


def delegates_of(user, body):
    return Delegate.objects.visible_to(user).filter(body=body)
