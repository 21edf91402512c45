"""高技能人才培训奖励 (DOMAIN.md §5): a reward per vocational certificate a worker earns.

- `SkillRewardClaim`: one union's claim for one of its workers' certificates (trade, level,
  number, date, the scan). The amount comes from the level (`rules.rewards`, setting
  `HONOURS_REWARDS_RULES`) when the union submits it, and is kept on the claim. Workflow:
  DRAFT → SUBMITTED (the union) → TOWN_PASSED (the town's review) → APPROVED (the district) →
  PAID (in a payment batch); the town or the district may return it to the union (RETURNED,
  fixed and submitted again) or refuse it (REJECTED); the union may withdraw it until the town
  has passed it. A certificate number is claimed once: no two claims that are not withdrawn
  share it (DB constraint).
- `SkillRewardBatch`: one payment made by the district's finance office: the claims it paid,
  the day, a reference (voucher number) and the total. The ledger is the paid claims.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel
from gonghui.members.models import SkillLevel

__all__ = [
    "REWARD_LEVEL_CHOICES", "RewardClaimStatus", "OPEN_REWARD_STATUSES", "WAITING_REWARD_STATUSES",
    "SkillRewardBatch", "SkillRewardClaim",
]


# The levels a certificate can have (初级工 … 高级技师): every skill level but "none".
REWARD_LEVEL_CHOICES = [(code, label) for code, label in SkillLevel.choices if code != SkillLevel.NONE]


class RewardClaimStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("skill reward status", "Being prepared")
    SUBMITTED = "SUBMITTED", pgettext_lazy("skill reward status", "Waiting for the town's review")
    RETURNED = "RETURNED", pgettext_lazy("skill reward status", "Returned to the union")
    TOWN_PASSED = "TOWN_PASSED", pgettext_lazy("skill reward status", "Waiting for the district's approval")
    APPROVED = "APPROVED", pgettext_lazy("skill reward status", "Approved, waiting for payment")
    PAID = "PAID", pgettext_lazy("skill reward status", "Paid")
    REJECTED = "REJECTED", pgettext_lazy("skill reward status", "Refused")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("skill reward status", "Withdrawn")


OPEN_REWARD_STATUSES = (RewardClaimStatus.DRAFT, RewardClaimStatus.SUBMITTED, RewardClaimStatus.RETURNED,
                        RewardClaimStatus.TOWN_PASSED)
# Waiting for a reviewer (town: SUBMITTED, district: TOWN_PASSED).
WAITING_REWARD_STATUSES = (RewardClaimStatus.SUBMITTED, RewardClaimStatus.TOWN_PASSED)


class SkillRewardBatch(ScopedModel):
    """One payment run of the finance office: seen from the org that paid (the district)."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("paid by"))
    reference = models.CharField(_("payment reference"), max_length=64)
    paid_on = models.DateField(_("paid on"))
    claims_count = models.PositiveIntegerField(_("claims"), default=0)
    total = models.DecimalField(_("total (yuan)"), max_digits=14, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=400, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("skill reward payment batch")
        verbose_name_plural = _("skill reward payment batches")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "reference"], name="skill_reward_batch_reference_once"),
            models.CheckConstraint(condition=Q(total__gte=0), name="skill_reward_batch_total_not_negative"),
        ]

    def __str__(self):
        return f"{self.reference} ({self.paid_on:%Y-%m-%d})"


class SkillRewardClaim(ScopedModel):
    """One claim for one certificate of one worker, seen from the union that claims it."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="skill_reward_claims",
                            verbose_name=_("union"))
    # The union's town (or platform), kept for the totals by town.
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="skill_reward_claims",
                               verbose_name=_("worker"))
    person_name = models.CharField(_("worker"), max_length=64)
    level = models.CharField(_("certificate level"), max_length=8, choices=REWARD_LEVEL_CHOICES)
    trade = models.CharField(_("trade (occupation)"), max_length=60)
    certificate_no = models.CharField(_("certificate number"), max_length=40)
    certificate_on = models.DateField(_("certificate issued on"))
    issuer = models.CharField(_("issued by"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=12, choices=RewardClaimStatus.choices,
                              default=RewardClaimStatus.DRAFT)
    note = models.CharField(_("note"), max_length=400, blank=True)
    scan = models.FileField(_("certificate scan"), upload_to="honours/rewards/%Y/%m/", blank=True)
    scan_name = models.CharField(_("file name"), max_length=200, blank=True)
    scan_kind = models.CharField(_("file type"), max_length=8, blank=True)
    scan_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    review_due_on = models.DateField(_("review due on"), null=True, blank=True)
    town_reviewed_on = models.DateField(_("town reviewed on"), null=True, blank=True)
    town_reviewer = models.CharField(_("town reviewer"), max_length=64, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.CharField(_("approved by"), max_length=64, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=400, blank=True)
    reject_reason = models.CharField(_("reason for refusing"), max_length=400, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    batch = models.ForeignKey(SkillRewardBatch, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="claims", verbose_name=_("payment batch"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("skill training reward claim")
        verbose_name_plural = _("skill training reward claims")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "review_due_on"], name="skill_reward_due_idx"),
            models.Index(fields=["year", "town", "level"], name="skill_reward_totals_idx"),
            models.Index(fields=["person", "level"], name="skill_reward_person_idx"),
        ]
        constraints = [
            # One claim per certificate: a withdrawn claim frees the number, nothing else does.
            models.UniqueConstraint(fields=["certificate_no"], condition=~Q(status="WITHDRAWN"),
                                    name="skill_reward_one_claim_per_certificate"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="skill_reward_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status__in=["APPROVED", "PAID"]) | Q(decided_on__isnull=False, amount__gt=0),
                name="skill_reward_approved_complete"),
            models.CheckConstraint(
                condition=Q(status="PAID", batch__isnull=False, paid_on__isnull=False)
                | ~Q(status="PAID") & Q(batch__isnull=True, paid_on__isnull=True),
                name="skill_reward_paid_in_batch"),
            models.CheckConstraint(condition=Q(submitted_on__isnull=True) | Q(submitted_on__gte=F("certificate_on")),
                                   name="skill_reward_submitted_after_certificate"),
        ]

    def __str__(self):
        return f"{self.person_name} · {self.certificate_no}"

    @property
    def is_open(self):
        return self.status in OPEN_REWARD_STATUSES
