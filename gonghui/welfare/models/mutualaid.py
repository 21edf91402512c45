"""职工医疗互助保障 (medical mutual aid, DOMAIN.md §7).

- `MutualAidPlan`: the district's plan of one year: premium per member, enrolment window,
  coverage period and the benefit rules — HOSPITAL (deductible, payout ratio of eligible costs,
  cap per person per year), SERIOUS_ILLNESS (a fixed sum, cap per person per year) — and an
  overall cap per person per year. DRAFT → OPEN (enrolment and claims) → CLOSED.
- `MutualAidEnrolment`: one batch of members enrolled by their union (bulk from the registry);
  amount due = premium × people; UNPAID → PAID (date, reference), or CANCELLED while unpaid.
- `MutualAidCoverage`: one person covered by one plan (one per person and plan, whatever the
  batch). It carries the running totals approved under each benefit: the caps are checked
  against them with the coverage row locked. Coverage counts only once its batch is PAID, from
  `effective_from` = max(plan coverage start, paid on).
- `MutualAidClaim`: a claim of the union for a covered person (or started by the covered member
  on the portal and sent to the union, `filed_by_member`): kind, hospital, stay, diagnosis
  (sensitive), invoice numbers (`ClaimInvoice`, unique among live claims), costs, documents.
  DRAFT → SUBMITTED → REVIEWED (town) → APPROVED (district; payout computed and cut to the
  remaining caps) → PAID (`ClaimPayout`, written to the person's help records), or REJECTED
  (town or district, reason), WITHDRAWN (the union, before review; the member, before the
  union submits).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = ["PlanStatus", "MutualAidPlan", "PaymentStatus", "MutualAidEnrolment", "MutualAidCoverage",
           "ClaimKind", "ClaimStatus", "LIVE_CLAIM_STATUSES", "MutualAidClaim", "UNSENT_MEMBER_DRAFT", "ClaimInvoice",
           "ClaimDocument", "ClaimPayout"]

MONEY = {"max_digits": 12, "decimal_places": 2}


class PlanStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("mutual aid plan status", "Draft")
    OPEN = "OPEN", pgettext_lazy("mutual aid plan status", "Open")
    CLOSED = "CLOSED", pgettext_lazy("mutual aid plan status", "Closed")


class MutualAidPlan(ScopedModel):
    """A yearly plan of the district (`org`). Every user with `welfare.view` reads plans (they are
    the district's published rules); only `welfare.configure` (district) writes them."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("run by"))
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    premium = models.DecimalField(_("premium per member (yuan)"), **MONEY)
    enrol_from = models.DateField(_("enrolment opens on"))
    enrol_until = models.DateField(_("enrolment closes on"))
    coverage_starts = models.DateField(_("coverage starts on"))
    coverage_ends = models.DateField(_("coverage ends on"))
    hospital_deductible = models.DecimalField(_("hospital stay: deductible (yuan)"), **MONEY)
    hospital_ratio = models.DecimalField(_("hospital stay: payout ratio"), max_digits=4, decimal_places=2)
    hospital_cap = models.DecimalField(_("hospital stay: cap per person per year (yuan)"), **MONEY)
    serious_sum = models.DecimalField(_("serious illness: fixed sum (yuan)"), **MONEY)
    serious_cap = models.DecimalField(_("serious illness: cap per person per year (yuan)"), **MONEY)
    overall_cap = models.DecimalField(_("overall cap per person per year (yuan)"), **MONEY)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mutual aid plan")
        verbose_name_plural = _("mutual aid plans")
        ordering = ("-year", "-id")
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="welfare_ma_plan_one_per_year",
                                    violation_error_message=_("There is already a plan for this year.")),
            models.CheckConstraint(condition=Q(enrol_until__gte=F("enrol_from")), name="welfare_ma_plan_enrol_order"),
            models.CheckConstraint(condition=Q(coverage_ends__gt=F("coverage_starts")),
                                   name="welfare_ma_plan_coverage_order"),
            models.CheckConstraint(condition=Q(hospital_ratio__gt=0) & Q(hospital_ratio__lte=1),
                                   name="welfare_ma_plan_ratio_range"),
        ]

    def __str__(self):
        return self.name


class PaymentStatus(models.TextChoices):
    UNPAID = "UNPAID", pgettext_lazy("mutual aid payment status", "Unpaid")
    PAID = "PAID", pgettext_lazy("mutual aid payment status", "Paid")
    CANCELLED = "CANCELLED", pgettext_lazy("mutual aid payment status", "Cancelled")


class MutualAidEnrolment(ScopedModel):
    """One batch of a union's members in a plan. Visible in the union's subtree."""

    scope_lookups = ("union",)

    plan = models.ForeignKey(MutualAidPlan, on_delete=models.PROTECT, related_name="enrolments",
                             verbose_name=_("plan"))
    union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    people = models.PositiveIntegerField(_("people"), default=0)
    amount_due = models.DecimalField(_("amount due (yuan)"), default=0, **MONEY)
    status = models.CharField(_("payment status"), max_length=10, choices=PaymentStatus.choices,
                              default=PaymentStatus.UNPAID)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+",
                                   verbose_name=_("enrolled by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mutual aid enrolment")
        verbose_name_plural = _("mutual aid enrolments")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["plan", "status"], name="welfare_ma_enrol_plan_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(status="PAID", paid_on__isnull=False) | ~Q(status="PAID"),
                                   name="welfare_ma_enrol_paid_has_date"),
        ]

    def __str__(self):
        return f"{self.plan.year} · {self.union.name}"


class MutualAidCoverage(ScopedModel):
    """One person covered by one plan, with the amounts approved so far (the cap counters)."""

    scope_lookups = ("union",)

    plan = models.ForeignKey(MutualAidPlan, on_delete=models.PROTECT, related_name="coverages",
                             verbose_name=_("plan"))
    enrolment = models.ForeignKey(MutualAidEnrolment, on_delete=models.CASCADE, related_name="coverages",
                                  verbose_name=_("enrolment"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="mutual_aid_coverages",
                               verbose_name=_("worker"))
    union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    # Set when the batch is paid: max(plan coverage start, paid on).
    effective_from = models.DateField(_("covered from"), null=True, blank=True)
    hospital_approved = models.DecimalField(_("hospital stays approved (yuan)"), default=0, **MONEY)
    serious_approved = models.DecimalField(_("serious illness approved (yuan)"), default=0, **MONEY)
    total_approved = models.DecimalField(_("total approved (yuan)"), default=0, **MONEY)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mutual aid coverage")
        verbose_name_plural = _("mutual aid coverages")
        ordering = ("plan", "id")
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="welfare_ma_coverage_once",
                                    violation_error_message=_("This worker is already enrolled in this plan.")),
            models.CheckConstraint(condition=Q(total_approved__gte=0), name="welfare_ma_coverage_total_positive"),
        ]

    def __str__(self):
        return f"{self.person} · {self.plan}"


class ClaimKind(models.TextChoices):
    HOSPITAL = "HOSPITAL", pgettext_lazy("mutual aid claim kind", "Hospital stay")
    SERIOUS_ILLNESS = "SERIOUS", pgettext_lazy("mutual aid claim kind", "Serious illness")


class ClaimStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("mutual aid claim status", "Draft")
    SUBMITTED = "SUBMITTED", pgettext_lazy("mutual aid claim status", "Awaiting town review")
    REVIEWED = "REVIEWED", pgettext_lazy("mutual aid claim status", "Awaiting district approval")
    APPROVED = "APPROVED", pgettext_lazy("mutual aid claim status", "Approved, to be paid")
    PAID = "PAID", pgettext_lazy("mutual aid claim status", "Paid")
    REJECTED = "REJECTED", pgettext_lazy("mutual aid claim status", "Rejected")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("mutual aid claim status", "Withdrawn")


# Claims that count for the duplicate checks (everything but rejected and withdrawn).
LIVE_CLAIM_STATUSES = (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.REVIEWED, ClaimStatus.APPROVED,
                       ClaimStatus.PAID)


class MutualAidClaim(ScopedModel):
    """A claim of a union (`union`) for a covered person. Visible in the union's subtree."""

    scope_lookups = ("union",)

    number = models.CharField(_("claim number"), max_length=20, unique=True)
    plan = models.ForeignKey(MutualAidPlan, on_delete=models.PROTECT, related_name="claims", verbose_name=_("plan"))
    coverage = models.ForeignKey(MutualAidCoverage, on_delete=models.PROTECT, related_name="claims",
                                 verbose_name=_("coverage"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="mutual_aid_claims",
                               verbose_name=_("worker"))
    union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    kind = models.CharField(_("kind"), max_length=10, choices=ClaimKind.choices)
    hospital = models.CharField(_("hospital"), max_length=100)
    # Hospital stay: admission and discharge; serious illness: the day of diagnosis (both days).
    admitted_on = models.DateField(_("admitted on"))
    discharged_on = models.DateField(_("discharged on"))
    diagnosis = models.CharField(_("diagnosis"), max_length=200)
    invoice_numbers = models.CharField(_("invoice numbers"), max_length=400)
    total_cost = models.DecimalField(_("total costs (yuan)"), **MONEY)
    eligible_cost = models.DecimalField(_("eligible costs (yuan)"), **MONEY)
    computed_amount = models.DecimalField(_("payout by the rules (yuan)"), null=True, blank=True, **MONEY)
    approved_amount = models.DecimalField(_("approved payout (yuan)"), null=True, blank=True, **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=400, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=400, blank=True)
    # A claim the covered member started on the portal. While it is a draft it is either with the
    # member (`sent_by_member_at` empty: being prepared, or returned by the union with
    # `return_reason`) or with the union (sent: the union checks it, then submits it or returns
    # it). A draft the member never sent is the member's alone: the union does not see it.
    filed_by_member = models.BooleanField(_("filed by the member"), default=False)
    sent_by_member_at = models.DateTimeField(_("sent by the member at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned to the member at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning it to the member"), max_length=400, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mutual aid claim")
        verbose_name_plural = _("mutual aid claims")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["status", "created_at"], name="welfare_ma_claim_status_idx"),
            models.Index(fields=["person", "admitted_on"], name="welfare_ma_claim_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(discharged_on__gte=F("admitted_on")), name="welfare_ma_claim_stay_order",
                                   violation_error_message=_("The discharge cannot be before the admission.")),
            models.CheckConstraint(condition=Q(eligible_cost__lte=F("total_cost")) & Q(eligible_cost__gte=0),
                                   name="welfare_ma_claim_costs"),
        ]

    def __str__(self):
        return self.number

    @property
    def with_member(self) -> bool:
        """A member's draft that is the member's to complete (never sent, or returned)."""
        return self.filed_by_member and self.status == ClaimStatus.DRAFT and self.sent_by_member_at is None

    @property
    def to_check(self) -> bool:
        """A member's draft sent to the union, which checks it and submits it or returns it."""
        return self.filed_by_member and self.status == ClaimStatus.DRAFT and self.sent_by_member_at is not None


# A member's draft the member never sent: hidden from the union (only the member sees it).
UNSENT_MEMBER_DRAFT = Q(filed_by_member=True, status=ClaimStatus.DRAFT, sent_by_member_at__isnull=True,
                        returned_at__isnull=True)


class ClaimInvoice(models.Model):
    """One invoice number of a claim; `live` while the claim is not rejected or withdrawn, and an
    invoice number is live on one claim at most (the duplicate-claim guard)."""

    claim = models.ForeignKey(MutualAidClaim, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=40)
    live = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("claim invoice")
        verbose_name_plural = _("claim invoices")
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=Q(live=True), name="welfare_ma_invoice_once",
                                    violation_error_message=_("This invoice is already claimed.")),
        ]

    def __str__(self):
        return self.number


class ClaimDocument(models.Model):
    """A scan backing a claim (invoice, discharge summary, diagnosis certificate). Read through
    its claim (scoped); served only by `private_file_response`."""

    claim = models.ForeignKey(MutualAidClaim, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to="welfare/mutualaid/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=8)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")
        ordering = ("id",)

    def __str__(self):
        return self.name


class ClaimPayout(models.Model):
    """The payout ledger: one payment of an approved claim."""

    claim = models.OneToOneField(MutualAidClaim, on_delete=models.PROTECT, related_name="payout",
                                 verbose_name=_("claim"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("payment reference"), max_length=60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim payout")
        verbose_name_plural = _("claim payouts")
        ordering = ("-paid_on", "-id")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="welfare_ma_payout_positive")]

    def __str__(self):
        return f"{self.claim_id} {self.amount}"
