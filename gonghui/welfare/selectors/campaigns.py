"""Reads of seasonal campaigns; every read that takes a user is scoped (campaigns through the
organiser's and the budget orgs' subtrees, applications through the applicant's union and the
organiser, payments through their application, goods through the giver and the organiser)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.core.scoping import scope_q, user_scope
from gonghui.orgs.models import Org, OrgLevel

from ..models.campaigns import (
    ApplicationStatus,
    Campaign,
    CampaignApplication,
    CampaignBudget,
    CampaignPayment,
    CampaignStatus,
    GoodsDistribution,
)
from ..policies.campaigns import APPROVE, REVIEW, SUBMIT, VIEW

# Applications waiting for the town or the organiser longer than this are overdue on the dashboard.
DECISION_DAYS = 10


def today():
    return timezone.localdate()


# --- campaigns -------------------------------------------------------------------------------------

def campaigns(user, action=VIEW):
    """Campaigns in the user's subtree (organiser or a budget there), and campaigns run above it
    (a union sees the district's and its town's campaigns it may apply to)."""
    everything, paths = user_scope(user, action)
    if everything:
        return Campaign.objects.all()
    if not paths:
        return Campaign.objects.none()
    above = {p[:i] for p in paths for i in range(Org.steplen, len(p) + 1, Org.steplen)}
    return Campaign.objects.filter(Q(pk__in=Campaign.objects.visible_to(user, action).values("pk"))
                                   | Q(org__path__in=above))


@dataclass(frozen=True)
class CampaignFilters:
    q: str = ""
    org: Org | None = None
    year: int | None = None
    kind: str = ""
    status: str = ""

    def as_audit(self):
        return {"q": self.q, "year": self.year, "kind": self.kind, "status": self.status}


def filtered_campaigns(user, f: CampaignFilters):
    qs = campaigns(user)
    if f.org is not None:
        qs = qs.filter(Q(org__path__startswith=f.org.path) | Q(budgets__org__path__startswith=f.org.path)).distinct()
    if f.year:
        qs = qs.filter(year=f.year)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(title__icontains=q)
    return qs


def campaign_page(user, f: CampaignFilters, *, after=None, size=None):
    page = keyset_page(filtered_campaigns(user, f), after=after, size=size,
                       load=Campaign.objects.select_related("org"))
    with_totals(page.items, user)
    return page


def visible_budgets_q(user):
    """The budget lines `user` may see, as a condition on CampaignBudget (None: every line).

    The organiser's side (the district; a town for its own campaigns) sees every line, a town its
    own line (and those inside it), a union the line of its town — never other towns'. The campaign
    page, `GET /campaigns/{id}`, the list and its export all use this one rule."""
    everything, paths = user_scope(user, VIEW)
    if everything:
        return None
    q = Q(pk__in=[])
    for p in paths:
        above = [p[:i] for i in range(Org.steplen, len(p) + 1, Org.steplen)]
        q |= (Q(campaign__org__path__startswith=p) | Q(org__path__startswith=p)
              | Q(org__path__in=above, org__level__in=(OrgLevel.TOWN, OrgLevel.PLATFORM)))
    return q


def sees_every_budget_line(user) -> bool:
    """True for the district (the root of the tree, or everything): its totals are whole campaigns."""
    everything, paths = user_scope(user, VIEW)
    return everything or any(len(p) <= Org.steplen for p in paths)


def campaign_totals(ids, user=None) -> dict:
    """{campaign id: {allocated, approved, paid}} summed over its budgets (one query); with `user`,
    over the lines they may see only (`visible_budgets_q`): a town or a union gets its town's figures."""
    qs = CampaignBudget.objects.filter(campaign_id__in=list(ids))
    if user is not None and (scope := visible_budgets_q(user)) is not None:
        qs = qs.filter(scope)
    rows = (qs.order_by().values("campaign_id")
            .annotate(allocated=Sum("allocated"), approved=Sum("approved"), paid=Sum("paid")))
    return {r["campaign_id"]: r for r in rows}


def with_totals(items, user):
    """Set `allocated`, `approved`, `paid`, `remaining` on each campaign of a page, as `user` may see
    them (one query for the page)."""
    totals = campaign_totals([c.pk for c in items], user)
    cent = Decimal("0.01")
    for c in items:
        t = totals.get(c.pk, {})
        c.allocated, c.approved, c.paid = (Decimal(t.get(k) or 0).quantize(cent) for k in ("allocated", "approved",
                                                                                          "paid"))
        c.remaining = c.allocated - c.approved
    return items


def budget_rows(campaign, user=None):
    """The campaign's budgets (organiser's pool first, then towns by place in the tree), each with
    its application counts (`waiting`, `approved_n`, `paid_n`) and `remaining`. Two queries.

    With `user`, only the lines they may see (`visible_budgets_q`)."""
    qs = CampaignBudget.objects.filter(campaign=campaign)
    if user is not None and (scope := visible_budgets_q(user)) is not None:
        qs = qs.filter(scope)
    budgets = list(qs.select_related("org").order_by("org__path"))
    counts = {}
    rows = (CampaignApplication.objects.filter(campaign=campaign).order_by().values("town_id", "status")
            .annotate(n=Count("pk")))
    for r in rows:
        counts.setdefault(r["town_id"], {})[r["status"]] = r["n"]
    for b in budgets:
        c = counts.get(b.org_id, {})
        b.waiting = c.get(ApplicationStatus.SUBMITTED, 0) + c.get(ApplicationStatus.TOWN_REVIEWED, 0)
        b.approved_n = c.get(ApplicationStatus.APPROVED, 0)
        b.paid_n = c.get(ApplicationStatus.PAID, 0)
        b.share = int(b.approved * 100 / b.allocated) if b.allocated else 0
    return budgets


def budget_orgs(campaign):
    """Where a budget may go: the organiser and the towns inside its area."""
    qs = Org.objects.filter(Q(pk=campaign.org_id) | Q(path__startswith=campaign.org.path,
                                                        level__in=(OrgLevel.TOWN, OrgLevel.PLATFORM),
                                                        is_active=True))
    return list(qs.order_by("path"))


def status_counts_of(campaign, user):
    rows = (applications(user).filter(campaign=campaign).order_by().values("status").annotate(n=Count("pk")))
    return {r["status"]: r["n"] for r in rows}


# --- applications ------------------------------------------------------------------------------------

def applications(user, action=VIEW):
    return CampaignApplication.objects.visible_to(user, action)


@dataclass(frozen=True)
class ApplicationFilters:
    q: str = ""
    org: Org | None = None
    campaign: Campaign | None = None
    year: int | None = None
    kind: str = ""
    status: str = ""
    channel: str = ""

    def as_audit(self):
        return {"q": self.q, "campaign": self.campaign.pk if self.campaign else None, "year": self.year,
                "kind": self.kind, "status": self.status, "channel": self.channel}


def filtered_applications(user, f: ApplicationFilters):
    qs = applications(user)
    if f.org is not None:
        qs = qs.filter(union__path__startswith=f.org.path)
    if f.campaign is not None:
        qs = qs.filter(campaign=f.campaign)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(person__name__startswith=q) | Q(number=q.upper()) | Q(union__name__icontains=q)
                       | Q(child_name__startswith=q))
    return qs


def application_rows():
    return CampaignApplication.objects.select_related("campaign", "person", "union", "town")


def application_page(user, f: ApplicationFilters, *, after=None, size=None):
    return keyset_page(filtered_applications(user, f), after=after, size=size, load=application_rows())


def status_counts(user, f: ApplicationFilters):
    rows = filtered_applications(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def application_detail(pk):
    return (application_rows().select_related("campaign__org", "created_by", "reviewed_by", "approved_by",
                                              "budget__org").get(pk=pk))


def payment_of(x):
    return CampaignPayment.objects.filter(application=x).select_related("recorded_by").first()


def goods_of(x):
    return GoodsDistribution.objects.filter(application=x).first()


def campaigns_for_applying(user, *, limit=100):
    """OPEN campaigns taking union applications today whose organiser's area holds a union where the
    user may submit."""
    day = today()
    everything, paths = user_scope(user, SUBMIT)
    qs = Campaign.objects.filter(status=CampaignStatus.OPEN, unions_apply=True, opens_on__lte=day,
                                 closes_on__gte=day)
    if not everything:
        if not paths:
            return []
        prefixes = {p[:i] for p in paths for i in range(Org.steplen, len(p) + 1, Org.steplen)}
        qs = qs.filter(Q(org__path__in=prefixes) | scope_q(("org",), paths))
    return list(qs.select_related("org").order_by("-year", "-id")[:limit])


def union_choices(user, campaign, q="", limit=50):
    qs = Org.objects.visible_to(user, SUBMIT).filter(is_active=True, level=OrgLevel.GRASSROOTS,
                                                     path__startswith=campaign.org.path)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


# --- payments and goods ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PaymentFilters:
    q: str = ""
    org: Org | None = None
    campaign: Campaign | None = None
    year: int | None = None
    method: str = ""

    def as_audit(self):
        return {"q": self.q, "campaign": self.campaign.pk if self.campaign else None, "year": self.year,
                "method": self.method}


def filtered_payments(user, f: PaymentFilters):
    qs = CampaignPayment.objects.visible_to(user)
    if f.org is not None:
        qs = qs.filter(application__union__path__startswith=f.org.path)
    if f.campaign is not None:
        qs = qs.filter(application__campaign=f.campaign)
    if f.year:
        qs = qs.filter(application__year=f.year)
    if f.method:
        qs = qs.filter(method=f.method)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(application__person__name__startswith=q) | Q(application__number=q.upper())
                       | Q(reference=q))
    return qs


def payment_rows():
    return CampaignPayment.objects.select_related("application", "application__campaign", "application__person",
                                                  "application__union", "application__town")


def payment_page(user, f: PaymentFilters, *, after=None, size=None):
    return keyset_page(filtered_payments(user, f), after=after, size=size, load=payment_rows())


def payment_total(user, f: PaymentFilters):
    return filtered_payments(user, f).order_by().aggregate(total=Sum("amount"), n=Count("pk"))


def filtered_goods(user, f: PaymentFilters):
    qs = GoodsDistribution.objects.visible_to(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.campaign is not None:
        qs = qs.filter(campaign=f.campaign)
    if f.year:
        qs = qs.filter(campaign__year=f.year)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(items__icontains=q) | Q(person__name__startswith=q) | Q(site__icontains=q)
                       | Q(enterprise__name__icontains=q))
    return qs


def goods_page(user, f: PaymentFilters, *, after=None, size=None):
    return keyset_page(filtered_goods(user, f), after=after, size=size,
                       load=GoodsDistribution.objects.select_related("campaign", "org", "person", "enterprise"))


# --- the member pages --------------------------------------------------------------------------------

def my_applications(person):
    if person is None:
        return []
    return list(CampaignApplication.objects.filter(person=person).select_related("campaign", "union", "payment")
                .order_by("-created_at", "-pk")[:100])


def campaigns_open_to_person(person, union):
    """OPEN campaigns taking members' own applications today whose organiser's area holds the
    member's union, with `applied` (a live application of that kind this year)."""
    if person is None or union is None:
        return []
    day = today()
    prefixes = [union.path[:i] for i in range(union.steplen, len(union.path) + 1, union.steplen)]
    rows = list(Campaign.objects.filter(status=CampaignStatus.OPEN, members_apply=True, opens_on__lte=day,
                                        closes_on__gte=day, org__path__in=prefixes)
                .select_related("org").order_by("-year", "-id")[:50])
    from ..models.campaigns import LIVE_APPLICATION_STATUSES

    held = set(CampaignApplication.objects.filter(person=person, status__in=LIVE_APPLICATION_STATUSES)
               .values_list("kind", "year"))
    for c in rows:
        c.applied = (c.kind, c.year) in held
    return rows


# --- overview and due ----------------------------------------------------------------------------------

def overview_card(user):
    """Campaigns on the welfare overview: this year's applications waiting, approved, paid and the
    sum paid. One aggregate scoped query."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    year = today().year
    c = applications(user).filter(year=year).order_by().aggregate(
        waiting=Count("pk", filter=Q(status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.TOWN_REVIEWED))),
        approved=Count("pk", filter=Q(status=ApplicationStatus.APPROVED)),
        paid=Count("pk", filter=Q(status=ApplicationStatus.PAID)),
        paid_sum=Sum("amount", filter=Q(status=ApplicationStatus.PAID)))
    url = reverse("welfare:application_list")
    return Card(title=_("Seasonal campaigns %(year)s") % {"year": year}, url=reverse("welfare:campaign_list"), rows=[
        Row(_("Applications waiting for a decision"), c["waiting"], url + f"?year={year}&status=SUBMITTED"),
        Row(_("Approved, to be paid"), c["approved"], url + f"?year={year}&status=APPROVED"),
        Row(_("Paid"), c["paid"], url + f"?year={year}&status=PAID"),
        Row(_("Sum paid (yuan)"), c["paid_sum"] or 0, reverse("welfare:payment_list") + f"?year={year}"),
    ])


def due_decisions_summary(user):
    """Dashboard line for reviewers and approvers: applications waiting for the user's step (the
    town's review, the organiser's approval); overdue after DECISION_DAYS days. One query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not (user.can(REVIEW) or user.can(APPROVE)):
        return None
    everything, review_paths = user_scope(user, REVIEW)
    _e, approve_paths = user_scope(user, APPROVE)
    if everything:
        mine = Q(status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.TOWN_REVIEWED))
    else:
        mine = Q(pk__in=[])
        review = scope_q(("town",), review_paths)
        approve = scope_q(("campaign__org",), approve_paths)
        if review is not None:
            mine |= Q(status=ApplicationStatus.SUBMITTED) & review
        if approve is not None:
            mine |= Q(status=ApplicationStatus.TOWN_REVIEWED) & approve
    cutoff = timezone.now() - datetime.timedelta(days=DECISION_DAYS)
    figures = CampaignApplication.objects.filter(mine).order_by().aggregate(
        overdue=Count("pk", filter=Q(submitted_at__lt=cutoff)), soon=Count("pk", filter=Q(submitted_at__gte=cutoff)))
    if not figures["overdue"] and not figures["soon"]:
        return None
    return DueSummary(label=_("Campaign applications to review or approve"), overdue=figures["overdue"],
                      soon=figures["soon"], url=reverse("welfare:application_list"))


DUE_SOURCES = (due_decisions_summary,)
