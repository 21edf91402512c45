"""Reads of facility requests, scoped through the requesting union's subtree."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org

from ..models.facilities import FacilityRequest, FacilityStatus
from ..policies.facilities import APPROVE, VIEW


def today():
    return timezone.localdate()


def requests(user):
    return FacilityRequest.objects.visible_to(user, VIEW)


@dataclass(frozen=True)
class FacilityFilters:
    q: str = ""
    org: Org | None = None
    kind: str = ""
    status: str = ""
    year: int | None = None
    overdue: bool = False

    def as_dict(self):
        return {"q": self.q, "org": self.org.pk if self.org else None, "kind": self.kind, "status": self.status,
                "year": self.year, "overdue": self.overdue}


def filtered_requests(user, f: FacilityFilters):
    qs = requests(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.year:
        qs = qs.filter(submitted_on__year=f.year)
    if f.overdue:
        qs = qs.filter(status=FacilityStatus.SUBMITTED, decide_due_on__lt=today())
    q = f.q.strip()
    if q:
        qs = qs.filter(Q(number__istartswith=q) | Q(title__icontains=q) | Q(org__name__icontains=q)
                       | Q(location__icontains=q) | Q(partner__icontains=q))
    return qs


def request_rows():
    return FacilityRequest.objects.select_related("org", "town", "enterprise")


def request_page(user, f, *, after=None):
    return keyset_page(filtered_requests(user, f), after=after, load=request_rows())


def status_counts(user, f):
    rows = filtered_requests(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def union_choices(user, q="", limit=50):
    from .centres import union_choices as unions

    return unions(user, q, limit)


def enterprise_choices(org):
    from gonghui.orgs.models import Enterprise

    return Enterprise.objects.filter(union__path__startswith=org.path).order_by("name", "id")


def overview_card(user):
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    f = requests(user).order_by().aggregate(
        submitted=Count("pk", filter=Q(status=FacilityStatus.SUBMITTED)),
        progress=Count("pk", filter=Q(status__in=(FacilityStatus.APPROVED, FacilityStatus.IN_PROGRESS))),
        open=Count("pk", filter=Q(status=FacilityStatus.OPEN)),
        workers=Count("pk", filter=Q(status=FacilityStatus.OPEN, rating__isnull=True)))
    url = reverse("services:facility_list")
    return Card(title=_("Facilities for remote enterprises"), url=url, rows=[
        Row(_("Requests awaiting a decision"), f["submitted"], url + "?status=SUBMITTED"),
        Row(_("Approved, being set up"), f["progress"], url + "?status=IN_PROGRESS"),
        Row(_("Open facilities"), f["open"], url + "?status=OPEN"),
        Row(_("Open, not yet rated"), f["workers"], url + "?status=OPEN"),
    ])


def due_requests_summary(user):
    """Requests the user's town must decide: overdue and due within 2 days. One query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary
    from gonghui.core.scoping import scope_q, user_scope

    if not user.is_authenticated or not user.can(APPROVE):
        return None
    everything, paths = user_scope(user, APPROVE)
    qs = FacilityRequest.objects.filter(status=FacilityStatus.SUBMITTED)
    if not everything:
        cond = scope_q(("org",), paths)
        if cond is None:
            return None
        qs = qs.filter(cond)
    now = today()
    figures = qs.order_by().aggregate(
        overdue=Count("pk", filter=Q(decide_due_on__lt=now)),
        soon=Count("pk", filter=Q(decide_due_on__gte=now, decide_due_on__lte=now + datetime.timedelta(days=2))))
    if not figures["overdue"] and not figures["soon"]:
        return None
    return DueSummary(label=_("Facility requests to decide"), overdue=figures["overdue"], soon=figures["soon"],
                      url=reverse("services:facility_list") + "?status=SUBMITTED")


DUE_SOURCES = (due_requests_summary,)
