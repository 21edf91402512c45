"""Reads of 高技能人才培训奖励 (skill training rewards); every read that takes a user is scoped to
the subtree of the unions claiming."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.pagination import keyset_page
from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.orgs.models import Org, OrgLevel

from ..models.rewards import (
    REWARD_LEVEL_CHOICES,
    WAITING_REWARD_STATUSES,
    RewardClaimStatus,
    SkillRewardBatch,
    SkillRewardClaim,
)
from ..policies.rewards import APPROVE, PAY, REVIEW, SUBMIT, VIEW

CENT = Decimal("0.01")


def today():
    return timezone.localdate()


def claims(user, action=VIEW):
    return SkillRewardClaim.objects.visible_to(user, action)


DUE_CHOICES = (
    ("review", gettext_lazy("Waiting for a review")),
    ("review_overdue", gettext_lazy("Review overdue")),
    ("payment", gettext_lazy("Approved, waiting for payment")),
)


@dataclass
class RewardFilters:
    q: str = ""
    org: Org | None = None
    level: str = ""
    status: str = ""
    year: int | None = None
    due: str = ""
    batch: SkillRewardBatch | None = None

    def as_dict(self):
        """The filters as recorded in the audit trail (ids, not records)."""
        return {"q": self.q, "org": self.org.pk if self.org else None, "level": self.level, "status": self.status,
                "year": self.year, "due": self.due, "batch": self.batch.pk if self.batch else None}


def filtered(user, filters: RewardFilters, *, on=None):
    qs = claims(user)
    on = on or today()
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=filters.org.path)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.batch is not None:
        qs = qs.filter(batch=filters.batch)
    q = (filters.q or "").strip()
    if q:
        qs = qs.filter(Q(person_name__icontains=q) | Q(certificate_no__icontains=q.replace(" ", "").upper())
                       | Q(trade__icontains=q) | Q(org__name__icontains=q))
    if filters.due == "review":
        qs = qs.filter(status__in=WAITING_REWARD_STATUSES)
    elif filters.due == "review_overdue":
        qs = qs.filter(status__in=WAITING_REWARD_STATUSES, review_due_on__lt=on)
    elif filters.due == "payment":
        qs = qs.filter(status=RewardClaimStatus.APPROVED)
    return qs


def page_rows():
    return SkillRewardClaim.objects.select_related("org", "batch")


def claim_page(user, filters: RewardFilters, *, after=None, size=None, on=None):
    return keyset_page(filtered(user, filters, on=on), after=after, size=size, load=page_rows())


def summary(user, filters: RewardFilters, *, on=None):
    """(counts per status, amount of the filtered claims approved or paid): one grouped query."""
    rows = (filtered(user, filters, on=on).order_by().values("status")
            .annotate(n=Count("pk"), total_amount=Sum("amount")))
    counts, amount = {}, 0
    for r in rows:
        counts[r["status"]] = r["n"]
        if r["status"] in (RewardClaimStatus.APPROVED, RewardClaimStatus.PAID):
            amount += r["total_amount"] or 0
    return counts, amount


def claim_detail(claim):
    return SkillRewardClaim.objects.select_related("org", "town", "person", "batch").get(pk=claim.pk)


def scan_of(user, claim_pk):
    """The claim (with its scan) if the user can see it and it has one, else None (→ 404)."""
    c = claims(user).filter(pk=claim_pk).first()
    return c if c is not None and c.scan else None


def union_choices(user, q="", limit=50):
    """Active grassroots unions where the user may claim, by name."""
    qs = Org.objects.visible_to(user, SUBMIT).filter(is_active=True, level=OrgLevel.GRASSROOTS)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


def member_choices(org, q="", limit=50):
    """Live members of the union (memberships with the person), by name: whom it may claim for."""
    qs = Membership.objects.filter(union=org, status__in=LIVE_STATUSES).select_related("person")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(person_name__startswith=q) | Q(person_initials__startswith=q.lower()))
    return list(qs.order_by("person_name", "id")[:limit])


def live_member(org, person_pk):
    """The person `person_pk` if a live member of the union `org`, else None."""
    from gonghui.members.models import Person

    if not person_pk:
        return None
    return Person.objects.filter(pk=person_pk, memberships__union=org,
                                 memberships__status__in=LIVE_STATUSES).distinct().first()


# --- totals ------------------------------------------------------------------------------------

COUNTED = (RewardClaimStatus.APPROVED, RewardClaimStatus.PAID)


def totals_of(qs):
    """Approved and paid claims of `qs` by year, town and level: count, amount, paid amount."""
    rows = (qs.filter(status__in=COUNTED).order_by().values("year", "town__name", "town__path", "level")
            .annotate(n=Count("pk"), total_amount=Sum("amount"),
                      paid_amount=Sum("amount", filter=Q(status=RewardClaimStatus.PAID)))
            .order_by("-year", "town__path", "level"))
    labels = dict(REWARD_LEVEL_CHOICES)
    return [{"year": r["year"], "town": r["town__name"] or "—", "level": r["level"],
             "level_label": str(labels.get(r["level"], r["level"])), "claims": r["n"],
             "amount": _yuan(r["total_amount"]), "paid": _yuan(r["paid_amount"])} for r in rows]


def _yuan(value):
    return Decimal(value or 0).quantize(CENT)


def totals(user, *, year=None, org=None):
    qs = claims(user)
    if year:
        qs = qs.filter(year=year)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    return totals_of(qs)


# --- payment ---------------------------------------------------------------------------------------

def payable(user, *, org=None, year=None, limit=500):
    """Approved claims the user may pay, oldest decision first (the payment page's list)."""
    qs = claims(user, PAY).filter(status=RewardClaimStatus.APPROVED)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    if year:
        qs = qs.filter(year=year)
    return list(qs.select_related("org", "town").order_by("decided_on", "id")[:limit])


def batches(user):
    return SkillRewardBatch.objects.visible_to(user).order_by("-paid_on", "-id")


def batch_page(user, *, after=None):
    return keyset_page(batches(user), after=after)


# --- due soon / overdue, overview ----------------------------------------------------------------

def due_reviews_summary(user):
    """Dashboard line: claims waiting for the user's review step (town: SUBMITTED, district:
    TOWN_PASSED), overdue when past `review_due_on` (`review_working_days` working days after
    the previous step). One aggregate query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated:
        return None
    statuses = []
    if user.can(REVIEW):
        statuses.append(RewardClaimStatus.SUBMITTED)
    if user.can(APPROVE):
        statuses.append(RewardClaimStatus.TOWN_PASSED)
    if not statuses:
        return None
    on = today()
    counts = (claims(user).filter(status__in=statuses).order_by()
              .aggregate(overdue=Count("pk", filter=Q(review_due_on__lt=on)),
                         soon=Count("pk", filter=Q(review_due_on__gte=on))))
    return DueSummary(label=_("Skill training reward claims to review"), overdue=counts["overdue"],
                      soon=counts["soon"], url=reverse("honours:reward_list") + (
                          "?due=review_overdue" if counts["overdue"] else "?due=review"))


DUE_SOURCES = (due_reviews_summary,)


def overview_card(user):
    """Claims waiting for a review (overdue in red), approved and waiting for payment, and the
    amount paid this year, in the user's subtree: one aggregate query."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    on = today()
    figures = claims(user).order_by().aggregate(
        waiting=Count("pk", filter=Q(status__in=WAITING_REWARD_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=WAITING_REWARD_STATUSES, review_due_on__lt=on)),
        approved=Count("pk", filter=Q(status=RewardClaimStatus.APPROVED)),
        paid=Sum("amount", filter=Q(status=RewardClaimStatus.PAID, paid_on__year=on.year)),
        paid_count=Count("pk", filter=Q(status=RewardClaimStatus.PAID, paid_on__year=on.year)))
    url = reverse("honours:reward_list")
    rows = [Row(_("Waiting for a review"), figures["waiting"], url + "?due=review")]
    if figures["overdue"]:
        rows.append(Row(_("Review overdue"), figures["overdue"], url + "?due=review_overdue", alert=True))
    rows += [Row(_("Approved, waiting for payment"), figures["approved"], url + "?due=payment"),
             Row(_("Paid this year (yuan)"), f"{figures['paid'] or 0:,.2f} ({figures['paid_count']})",
                 url + "?status=PAID")]
    return Card(title=_("Skill training rewards"), url=url, rows=rows)
