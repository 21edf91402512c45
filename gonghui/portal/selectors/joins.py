"""Reads of the `joins` area.

- cadres: the join requests of their subtree (`visible_to(user, "portal.view")`), the list's
  filters (shared by the page, the export and the API), a request's history, the unions a
  town-routed request may be admitted to, the dashboard's due line;
- workers: their own requests (by login), their transfers, and the public enterprise directory
  of the join form (name and town only: a worker with no role sees no org's records).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.members.models import LIVE_STATUSES, Membership, Transfer
from gonghui.orgs.models import Enterprise, Org, OrgLevel, UnionKind

from ..models.joins import JoinRequest, JoinStatus
from ..policies.joins import CHANGE, VIEW
from ..rules.joins import rules

TOWN_LEVELS = (OrgLevel.TOWN, OrgLevel.PLATFORM)


def today() -> datetime.date:
    return timezone.localdate()


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- the cadres' list -------------------------------------------------------------------------

@dataclass(frozen=True)
class JoinFilters:
    q: str = ""  # the worker's name, starting with
    status: str = ""
    org: Org | None = None  # the deciding org's subtree
    town: Org | None = None
    route: str = ""
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None  # inclusive
    overdue: bool = False  # pending past `decide_within_days`

    def as_params(self):
        return {"q": self.q, "status": self.status, "org": self.org.pk if self.org else "",
                "town": self.town.pk if self.town else "", "route": self.route,
                "submitted_from": self.submitted_from.isoformat() if self.submitted_from else "",
                "submitted_to": self.submitted_to.isoformat() if self.submitted_to else "",
                "overdue": "1" if self.overdue else ""}


def join_requests(user, action=VIEW):
    return JoinRequest.objects.visible_to(user, action)


def overdue_before(on=None) -> datetime.datetime:
    """Pending requests submitted before this moment are overdue."""
    day = (on or today()) - datetime.timedelta(days=rules().decide_within_days)
    return _day_start(day + datetime.timedelta(days=1))


def filtered_join_requests(user, f: JoinFilters, *, action=VIEW):
    qs = join_requests(user, action)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.town is not None:
        qs = qs.filter(town=f.town)
    if f.route:
        qs = qs.filter(route=f.route)
    if f.submitted_from:
        qs = qs.filter(submitted_at__gte=_day_start(f.submitted_from))
    if f.submitted_to:
        qs = qs.filter(submitted_at__lt=_day_start(f.submitted_to + datetime.timedelta(days=1)))
    if f.overdue:
        qs = qs.filter(status=JoinStatus.PENDING, submitted_at__lt=overdue_before())
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(name__gte=q, name__lt=q + "\U0010ffff")
    return qs


def join_rows():
    """What a list row and a request's page show (no ciphertext)."""
    return (JoinRequest.objects.select_related("org", "town", "union", "enterprise")
            .defer("id_number_enc", "phone_enc"))


def join_page(user, f: JoinFilters, *, after=None, size=None):
    return keyset_page(filtered_join_requests(user, f), after=after, size=size, load=join_rows())


def status_counts(user, f: JoinFilters):
    """{status: n} of the filters without their status (the badges above the list)."""
    from dataclasses import replace

    rows = (filtered_join_requests(user, replace(f, status="")).order_by().values("status")
            .annotate(n=Count("pk")))
    return {r["status"]: r["n"] for r in rows}


def town_choices(user):
    return list(Org.objects.visible_to(user, VIEW).filter(level__in=TOWN_LEVELS).order_by("path"))


def history_of(user, join_request):
    from gonghui.core.selectors import history_for

    return history_for(user, join_request)


def union_choices(user, join_request, *, limit=500):
    """The unions a town-routed request may be admitted to: active grassroots unions in the
    deciding town's subtree where the user may act, joint unions (联合基层工会) first."""
    qs = (Org.objects.visible_to(user, CHANGE)
          .filter(level=OrgLevel.GRASSROOTS, is_active=True, path__startswith=join_request.org.path))
    unions = list(qs.order_by("path")[:limit])
    return sorted(unions, key=lambda u: (u.union_kind != UnionKind.JOINT, u.path))


def due_summary(user):
    """The dashboard line for deciders (`portal.change`): pending requests overdue / due soon."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(CHANGE):
        return None
    overdue_at = overdue_before()
    soon_at = overdue_before(today() + datetime.timedelta(days=rules().due_soon_days))
    c = (join_requests(user, CHANGE).filter(status=JoinStatus.PENDING).order_by()
         .aggregate(overdue=Count("pk", filter=Q(submitted_at__lt=overdue_at)),
                    soon=Count("pk", filter=Q(submitted_at__gte=overdue_at, submitted_at__lt=soon_at))))
    return DueSummary(label=_("Join requests awaiting a decision"), overdue=c["overdue"], soon=c["soon"],
                      url=reverse("portal:join_list") + "?overdue=1")


DUE_SOURCES = (due_summary,)


# --- the worker's own -------------------------------------------------------------------------

def own_join_requests(user):
    """The worker's requests, newest first."""
    if user is None or not user.is_authenticated:
        return JoinRequest.objects.none()
    return (JoinRequest.objects.filter(account=user).select_related("org", "town", "union", "enterprise")
            .defer("id_number_enc", "phone_enc").order_by("-submitted_at", "-id"))


def open_join_request(user):
    return own_join_requests(user).filter(status=JoinStatus.PENDING).first()


def own_join_request(user, pk):
    return own_join_requests(user).filter(pk=pk).first()


def live_membership(person):
    """The person's live membership (active or with a transfer pending), with its union."""
    if person is None:
        return None
    return (Membership.objects.filter(person=person, status__in=LIVE_STATUSES)
            .select_related("union", "enterprise").first())


def own_transfers(person):
    """The person's transfers, newest first (the member's own: not scoped by role)."""
    if person is None:
        return []
    return list(Transfer.objects.filter(person=person).select_related("from_union", "to_union", "to_enterprise")
                .order_by("-requested_at", "-id")[:rules().own_history_limit])


# --- the enterprise directory of the member's forms -----------------------------------------------

def search_enterprises(q: str):
    """Registered enterprises whose name contains `q` (at least `enterprise_search_min_chars`
    characters), or whose credit code is `q`: name and town only, capped."""
    q = (q or "").strip()
    r = rules()
    if len(q) < r.enterprise_search_min_chars:
        return []
    cond = Q(name__contains=q)
    if len(q) == 18:
        cond |= Q(uscc=q.upper())
    return list(Enterprise.objects.filter(cond).select_related("town", "union").order_by("name", "pk")
                [:r.enterprise_search_limit])


def match_enterprise(text: str):
    """The registered enterprise named exactly by `text` (its name or credit code), or None when
    none or several match (two of the same name route nowhere rather than to the wrong union)."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) == 18:
        found = Enterprise.objects.filter(uscc=text.upper()).select_related("union", "town").first()
        if found is not None:
            return found
    matches = list(Enterprise.objects.filter(name=text).select_related("union", "town")[:2])
    return matches[0] if len(matches) == 1 else None


def enterprise_by_id(pk):
    try:
        return Enterprise.objects.select_related("union", "town").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def towns():
    """The towns and platforms a worker may choose for an unregistered enterprise."""
    return list(Org.objects.filter(level__in=TOWN_LEVELS, is_active=True).order_by("path"))


def receiving_unions(town, *, limit=100):
    """Unions a member moving to an enterprise without a union may transfer to: the town's
    active joint unions (联合基层工会); where the town has none, its other active unions."""
    if town is None:
        return []
    qs = Org.objects.filter(level=OrgLevel.GRASSROOTS, is_active=True, path__startswith=town.path).order_by("path")
    joint = list(qs.filter(union_kind=UnionKind.JOINT)[:limit])
    return joint or list(qs[:limit])
