"""Reads of medical mutual aid; every read that takes a user is scoped: plans are read by anyone
with `welfare.view` (the district's published rules), enrolments, coverages and claims in the
union's subtree."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org, OrgLevel

from ..models.mutualaid import (
    UNSENT_MEMBER_DRAFT,
    ClaimPayout,
    ClaimStatus,
    MutualAidClaim,
    MutualAidCoverage,
    MutualAidEnrolment,
    MutualAidPlan,
    PaymentStatus,
    PlanStatus,
)
from ..policies.mutualaid import APPROVE, CHANGE, REVIEW, SUBMIT, VIEW
from ..rules.mutualaid import rules


def today():
    return timezone.localdate()


# --- plans -------------------------------------------------------------------------------------

def plans(user):
    if not (user and user.is_authenticated and user.can(VIEW)):
        return MutualAidPlan.objects.none()
    return MutualAidPlan.objects.all()


@dataclass(frozen=True)
class PlanFilters:
    q: str = ""
    status: str = ""
    year: int | None = None
    org: Org | None = None


def filtered_plans(user, f: PlanFilters):
    qs = plans(user)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.year:
        qs = qs.filter(year=f.year)
    if (f.q or "").strip():
        qs = qs.filter(name__icontains=f.q.strip())
    return qs.order_by("-year", "-id")


def plan_page(user, f, *, after=None, size=None):
    return keyset_page(filtered_plans(user, f), after=after, size=size,
                       load=MutualAidPlan.objects.select_related("org"))


def plan_figures(user, plan):
    """Enrolment and claims of the plan in the user's subtree: totals and one row per town."""
    enrol = (MutualAidEnrolment.objects.visible_to(user, VIEW).filter(plan=plan).exclude(status=PaymentStatus.CANCELLED)
             .order_by().values("town__name")
             .annotate(batches=Count("pk"), n_people=Sum("people"), due=Sum("amount_due"),
                       paid=Sum("amount_due", filter=Q(status=PaymentStatus.PAID)),
                       paid_people=Sum("people", filter=Q(status=PaymentStatus.PAID))))
    claims = (MutualAidClaim.objects.visible_to(user, VIEW).filter(plan=plan).order_by().values("town__name")
              .annotate(claims=Count("pk"), approved=Sum("approved_amount",
                                                         filter=Q(status__in=(ClaimStatus.APPROVED,
                                                                              ClaimStatus.PAID))),
                        paid=Sum("payout__amount")))
    by_town = {}
    for r in enrol:
        by_town.setdefault(r["town__name"] or "—", {}).update(
            batches=r["batches"], people=r["n_people"] or 0, due=r["due"] or 0, paid=r["paid"] or 0,
            paid_people=r["paid_people"] or 0)
    for r in claims:
        by_town.setdefault(r["town__name"] or "—", {}).update(claims=r["claims"], approved=r["approved"] or 0,
                                                                 paid_out=r["paid"] or 0)
    keys = ("batches", "people", "due", "paid", "paid_people", "claims", "approved", "paid_out")
    rows = [{"town": t, **{k: v.get(k, 0) for k in keys}} for t, v in sorted(by_town.items())]
    total = {k: sum(r[k] for r in rows) for k in keys}
    return rows, total


def open_plans():
    return MutualAidPlan.objects.filter(status=PlanStatus.OPEN).order_by("-year")


# --- enrolments --------------------------------------------------------------------------------

def enrolments(user, action=VIEW):
    return MutualAidEnrolment.objects.visible_to(user, action)


@dataclass(frozen=True)
class EnrolmentFilters:
    q: str = ""
    org: Org | None = None
    status: str = ""
    year: int | None = None
    plan: MutualAidPlan | None = None


def filtered_enrolments(user, f: EnrolmentFilters):
    qs = enrolments(user)
    if f.org is not None:
        qs = qs.filter(union__path__startswith=f.org.path)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.year:
        qs = qs.filter(plan__year=f.year)
    if f.plan is not None:
        qs = qs.filter(plan=f.plan)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(union__name__icontains=q)
    return qs


def enrolment_page(user, f, *, after=None, size=None):
    return keyset_page(filtered_enrolments(user, f), after=after, size=size,
                       load=MutualAidEnrolment.objects.select_related("plan", "union", "town"))


def enrolment_status_counts(user, f):
    rows = filtered_enrolments(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def coverages_of(enrolment):
    return (MutualAidCoverage.objects.filter(enrolment=enrolment).select_related("person")
            .order_by("person__name", "pk"))


def union_choices(user, action=CHANGE, q="", limit=50):
    qs = Org.objects.visible_to(user, action).filter(is_active=True, level=OrgLevel.GRASSROOTS)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


def enrollable_members(plan, union, q=""):
    """Live members of the union not yet covered by the plan, by name."""
    from gonghui.members.models import LIVE_STATUSES, Person

    qs = (Person.objects.filter(memberships__union=union, memberships__status__in=LIVE_STATUSES)
          .exclude(mutual_aid_coverages__plan=plan))
    if q:
        qs = qs.filter(name__startswith=q.strip())
    return qs.order_by("name", "pk").distinct()


# --- claims ------------------------------------------------------------------------------------

def claims(user, action=VIEW):
    """The claims of the user's subtree; a member's draft the member never sent is theirs alone."""
    return MutualAidClaim.objects.visible_to(user, action).exclude(UNSENT_MEMBER_DRAFT)


DUE_REVIEW, DUE_APPROVE, DUE_PAY, DUE_MEMBER = "review", "approve", "pay", "member"
# A member's claim sent to the union, for the union to check (then submit or return).
TO_CHECK = Q(filed_by_member=True, status=ClaimStatus.DRAFT, sent_by_member_at__isnull=False)


@dataclass(frozen=True)
class ClaimFilters:
    q: str = ""
    org: Org | None = None
    status: str = ""
    kind: str = ""
    year: int | None = None
    due: str = ""  # review / approve / pay: waiting at that step; member: sent by the member, to check


def filtered_claims(user, f: ClaimFilters):
    qs = claims(user)
    if f.org is not None:
        qs = qs.filter(union__path__startswith=f.org.path)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.year:
        qs = qs.filter(plan__year=f.year)
    if f.due == DUE_REVIEW:
        qs = qs.filter(status=ClaimStatus.SUBMITTED)
    elif f.due == DUE_APPROVE:
        qs = qs.filter(status=ClaimStatus.REVIEWED)
    elif f.due == DUE_PAY:
        qs = qs.filter(status=ClaimStatus.APPROVED)
    elif f.due == DUE_MEMBER:
        qs = qs.filter(TO_CHECK)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(number__iexact=q) | Q(person__name__startswith=q) | Q(hospital__icontains=q)
                       | Q(invoices__number=q.upper()) | Q(union__name__icontains=q)).distinct()
    return qs


def claim_rows():
    return MutualAidClaim.objects.select_related("plan", "union", "town", "person", "payout")


def claim_page(user, f, *, after=None, size=None):
    return keyset_page(filtered_claims(user, f), after=after, size=size, load=claim_rows())


def claim_status_counts(user, f):
    rows = filtered_claims(user, f).order_by().values("status").annotate(n=Count("pk", distinct=True))
    return {r["status"]: r["n"] for r in rows}


def claim_detail(claim):
    return claim_rows().select_related("coverage", "plan__org").get(pk=claim.pk)


def documents_of(claim):
    return list(claim.documents.select_related("uploaded_by").order_by("id"))


def payout_of(claim):
    return ClaimPayout.objects.filter(claim=claim).first()


def person_claims(claim):
    """The other claims of the same worker under the same plan (the reviewer's check)."""
    return list(MutualAidClaim.objects.filter(person_id=claim.person_id, plan_id=claim.plan_id)
                .exclude(pk=claim.pk).exclude(UNSENT_MEMBER_DRAFT).order_by("admitted_on"))


def coverage_choices(user, union, q="", plan=None):
    """Paid coverages of the union's people (claims are made for them), by name."""
    qs = (MutualAidCoverage.objects.visible_to(user, SUBMIT).filter(union=union, effective_from__isnull=False)
          .exclude(plan__status=PlanStatus.DRAFT).select_related("person", "plan"))
    if plan is not None:
        qs = qs.filter(plan=plan)
    if q:
        qs = qs.filter(person__name__startswith=q.strip())
    return qs.order_by("-plan__year", "person__name", "pk")


def mask_diagnosis(text):
    """Lists show only the first character of the diagnosis (sensitive health data)."""
    text = text or ""
    return (text[:1] + "＊" * min(max(len(text) - 1, 2), 6)) if text else ""


# --- member page -------------------------------------------------------------------------------

def my_coverages(person):
    return list(MutualAidCoverage.objects.filter(person=person).select_related("plan", "union", "enrolment")
                .order_by("-plan__year"))


def my_claims(person):
    return list(MutualAidClaim.objects.filter(person=person).select_related("plan", "payout")
                .order_by("-created_at", "-id"))


def own_claims(person):
    """Every claim of the member (whoever filed it), newest first. Never another person's."""
    if person is None:
        return MutualAidClaim.objects.none()
    return (MutualAidClaim.objects.filter(person=person).select_related("plan", "union", "payout")
            .order_by("-created_at", "-id"))


def own_claim(person, pk):
    """One claim of the member, or None (another person's id reads as missing)."""
    try:
        return (own_claims(person).select_related("coverage", "plan__org").filter(pk=int(pk)).first())
    except (TypeError, ValueError):
        return None


def claimable_coverages(person):
    """The member's coverages a claim can be started on: paid (covered), plan open or closed
    (claims of a closed plan's year continue), newest plan first."""
    if person is None:
        return MutualAidCoverage.objects.none()
    return (MutualAidCoverage.objects.filter(person=person, effective_from__isnull=False)
            .exclude(plan__status=PlanStatus.DRAFT).select_related("plan", "union").order_by("-plan__year", "pk"))


# --- overview and due --------------------------------------------------------------------------

def overview_card(user):
    """Mutual aid on the welfare overview: people covered this year, claims waiting review and
    approval, paid out this year. One aggregate scoped query."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    year = today().year
    c = claims(user).order_by().aggregate(
        review=Count("pk", filter=Q(status=ClaimStatus.SUBMITTED)),
        approve=Count("pk", filter=Q(status=ClaimStatus.REVIEWED)),
        pay=Count("pk", filter=Q(status=ClaimStatus.APPROVED)),
        member=Count("pk", filter=TO_CHECK),
        paid=Sum("payout__amount", filter=Q(payout__paid_on__year=year)))
    url = reverse("welfare:claim_list")
    return Card(title=_("Medical mutual aid"), url=url, rows=[
        Row(_("Claims awaiting town review"), c["review"], url + "?due=review"),
        Row(_("Claims awaiting district approval"), c["approve"], url + "?due=approve"),
        Row(_("Approved claims to be paid"), c["pay"], url + "?due=pay", alert=bool(c["pay"])),
        Row(_("Paid out this year (yuan)"), c["paid"] or 0, url + "?status=PAID"),
        Row(_("Claims from members to check"), c["member"], url + "?due=member", alert=bool(c["member"])),
    ])


def due_claims_summary(user):
    """Dashboard line of the claims waiting for the user's step (town review for `welfare.review`,
    district approval/payout for `welfare.approve` on the district): overdue when waiting longer than
    `due_soon_days`. One aggregate query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not (user.can(REVIEW) or user.can(APPROVE)):
        return None
    limit = timezone.now() - datetime.timedelta(days=rules().due_soon_days)
    waiting = Q(status=ClaimStatus.SUBMITTED) | Q(status__in=(ClaimStatus.REVIEWED, ClaimStatus.APPROVED),
                                                     plan__org__path__in=user.scope_paths(APPROVE))
    if user.is_superuser:
        waiting = Q(status__in=(ClaimStatus.SUBMITTED, ClaimStatus.REVIEWED, ClaimStatus.APPROVED))
    # The clock of a claim's wait is the time it reached its stage (not `updated_at`, which any
    # save — a document upload, a note — would reset).
    since = Q(status=ClaimStatus.SUBMITTED, submitted_at__lt=limit) | Q(
        status=ClaimStatus.REVIEWED, reviewed_at__lt=limit) | Q(status=ClaimStatus.APPROVED, decided_at__lt=limit)
    c = (MutualAidClaim.objects.visible_to(user, REVIEW).filter(waiting).order_by()
         .aggregate(overdue=Count("pk", filter=since), soon=Count("pk", filter=~since)))
    return DueSummary(label=_("Mutual aid claims waiting"), overdue=c["overdue"], soon=c["soon"],
                      url=reverse("welfare:claim_list") + "?due=review")


def due_member_claims_summary(user):
    """Dashboard line of a union's cadres (who file claims, not review them): the claims their
    members sent, waiting for the union to check them. Overdue after `due_soon_days`. One query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or user.is_superuser or not user.can(SUBMIT) or user.can(REVIEW):
        return None
    limit = timezone.now() - datetime.timedelta(days=rules().due_soon_days)
    c = (claims(user, SUBMIT).filter(TO_CHECK).order_by()
         .aggregate(overdue=Count("pk", filter=Q(sent_by_member_at__lt=limit)),
                    soon=Count("pk", filter=Q(sent_by_member_at__gte=limit))))
    return DueSummary(label=_("Mutual aid claims from members to check"), overdue=c["overdue"], soon=c["soon"],
                      url=reverse("welfare:claim_list") + "?due=member")


DUE_SOURCES = (due_claims_summary, due_member_claims_summary)
