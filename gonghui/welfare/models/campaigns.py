"""Seasonal campaigns (送温暖 programmes, DOMAIN.md §7): 春风行动, 高温慰问, 金秋助学, 平安返乡 and
ad-hoc ones.

- `Campaign`: one programme of one year run by an organiser org (usually the district): its
  window, who may apply (unions for their members, members themselves), its eligibility rules
  (live member, hardship file on record and which categories, migrant worker, hometown outside the
  province, a child's school level), and what it gives (a fixed sum, a sum by school level from an
  amount table, the ticket cost up to a cap, or goods).
- `CampaignBudget`: the money of a campaign allocated to one org (the organiser keeps a pool;
  towns get their share). An approval consumes the budget of the applicant's town (or the
  organiser's pool when the town has none); `approved` never exceeds `allocated` (the row is locked
  at approval, and a DB check backs it).
- `CampaignApplication`: one person's application (by their union or by the member), its details
  per kind, the eligibility findings, DRAFT → SUBMITTED → TOWN_REVIEWED → APPROVED → PAID, or
  REJECTED (reason) / WITHDRAWN. Once a year: one live (not rejected, not withdrawn) application
  per person per campaign kind per year (`welfare_campaign_once_a_year`).
- `CampaignPayment`: the payment ledger (one payment per approved application).
- `GoodsDistribution`: goods handed out (to a person, or to an enterprise/site for a 高温慰问
  visit), with their value, which consumes the budget like an approval.

Scope: campaigns and budgets through the organiser's (and the budget org's) subtree; an
application through the applicant's union and the organiser; payments through their application;
goods through the distributing org and the organiser.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = [
    "CampaignKind", "CampaignStatus", "BenefitKind", "SchoolLevel", "Campaign", "CampaignBudget",
    "ApplicationStatus", "LIVE_APPLICATION_STATUSES", "ApplicationChannel", "CampaignApplication",
    "PaymentMethod", "CampaignPayment", "GoodsDistribution", "ApplicationCounter",
]

MONEY = {"max_digits": 14, "decimal_places": 2}


class CampaignKind(models.TextChoices):
    SPRING_BREEZE = "SPRING_BREEZE", pgettext_lazy("campaign kind", "Spring Breeze (春风行动)")
    SUMMER_COOLING = "SUMMER_COOLING", pgettext_lazy("campaign kind", "Summer cooling visits (高温慰问)")
    GOLDEN_AUTUMN = "GOLDEN_AUTUMN", pgettext_lazy("campaign kind", "Golden Autumn school aid (金秋助学)")
    SAFE_HOMECOMING = "SAFE_HOMECOMING", pgettext_lazy("campaign kind", "Safe Homecoming (平安返乡)")
    AD_HOC = "AD_HOC", pgettext_lazy("campaign kind", "Other campaign")


class CampaignStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("campaign status", "Draft")
    OPEN = "OPEN", pgettext_lazy("campaign status", "Open")
    CLOSED = "CLOSED", pgettext_lazy("campaign status", "Closed")


class BenefitKind(models.TextChoices):
    FIXED = "FIXED", pgettext_lazy("campaign benefit", "A fixed sum")
    BY_SCHOOL_LEVEL = "BY_SCHOOL_LEVEL", pgettext_lazy("campaign benefit", "A sum by the child's school level")
    TICKET = "TICKET", pgettext_lazy("campaign benefit", "The ticket cost, up to a cap")
    GOODS = "GOODS", pgettext_lazy("campaign benefit", "Goods")


class SchoolLevel(models.TextChoices):
    HIGH_SCHOOL = "HIGH_SCHOOL", pgettext_lazy("school level", "Senior high / secondary vocational (高中/中职)")
    COLLEGE = "COLLEGE", pgettext_lazy("school level", "Junior college (大专)")
    UNDERGRADUATE = "UNDERGRADUATE", pgettext_lazy("school level", "Undergraduate (本科)")
    POSTGRADUATE = "POSTGRADUATE", pgettext_lazy("school level", "Postgraduate (研究生)")


class Campaign(ScopedModel):
    scope_lookups = ("org", "budgets__org")

    kind = models.CharField(_("campaign kind"), max_length=16, choices=CampaignKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    description = models.TextField(_("description"), max_length=4000, blank=True)
    opens_on = models.DateField(_("applications open on"))
    closes_on = models.DateField(_("applications close on"))
    status = models.CharField(_("status"), max_length=8, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT)
    # Who may apply.
    unions_apply = models.BooleanField(_("unions apply for their members"), default=True)
    members_apply = models.BooleanField(_("members apply themselves"), default=False)
    # Eligibility rules.
    member_required = models.BooleanField(_("live trade-union member required"), default=True)
    hardship_required = models.BooleanField(_("hardship file on record required"), default=False)
    # Comma-separated HardshipCategory values; empty = any category.
    hardship_categories = models.CharField(_("hardship categories"), max_length=40, blank=True)
    migrant_required = models.BooleanField(_("migrant workers only"), default=False)
    outside_province_required = models.BooleanField(_("hometown outside the province only"), default=False)
    # What it gives.
    benefit = models.CharField(_("benefit"), max_length=16, choices=BenefitKind.choices, default=BenefitKind.FIXED)
    fixed_amount = models.DecimalField(_("amount per person (yuan)"), default=0, **MONEY,
                                       help_text=_("The sum (fixed), the cap (ticket) or the value of the goods."))
    # {SchoolLevel value: "amount"} for BY_SCHOOL_LEVEL.
    school_amounts = models.JSONField(_("amounts by school level"), default=dict, blank=True)
    goods = models.CharField(_("goods"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ("-year", "-id")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="welfare_campaign_window"),
            models.CheckConstraint(condition=Q(fixed_amount__gte=0), name="welfare_campaign_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "kind"], name="welfare_campaign_year_kind")]

    def __str__(self):
        return f"{self.year} {self.title}"

    def amount_for_level(self, level) -> Decimal | None:
        value = (self.school_amounts or {}).get(level)
        return Decimal(str(value)).quantize(Decimal("0.01")) if value not in (None, "") else None

    @property
    def categories(self):
        return [c for c in (self.hardship_categories or "").split(",") if c]


class CampaignBudget(ScopedModel):
    """The share of a campaign's money allocated to `org` (the organiser's own pool, or a town's).
    `approved`: committed by approvals and goods; `paid`: paid out of it."""

    scope_lookups = ("org", "campaign__org")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="budgets",
                                 verbose_name=_("campaign"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    allocated = models.DecimalField(_("allocated (yuan)"), default=0, **MONEY)
    approved = models.DecimalField(_("approved (yuan)"), default=0, **MONEY)
    paid = models.DecimalField(_("paid (yuan)"), default=0, **MONEY)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("campaign budget")
        verbose_name_plural = _("campaign budgets")
        ordering = ("campaign_id", "org__path")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "org"], name="welfare_campaign_budget_once",
                                    violation_error_message=_("This organisation already has a budget "
                                                              "for this campaign.")),
            models.CheckConstraint(condition=Q(approved__lte=F("allocated")), name="welfare_budget_never_overspent"),
            models.CheckConstraint(condition=Q(paid__lte=F("approved")), name="welfare_budget_paid_within_approved"),
            models.CheckConstraint(condition=Q(allocated__gte=0, approved__gte=0, paid__gte=0),
                                   name="welfare_budget_not_negative"),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.org}"

    @property
    def remaining(self):
        return self.allocated - self.approved


class ApplicationStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("campaign application status", "Draft")
    SUBMITTED = "SUBMITTED", pgettext_lazy("campaign application status", "Awaiting town review")
    TOWN_REVIEWED = "TOWN_REVIEWED", pgettext_lazy("campaign application status", "Awaiting approval")
    APPROVED = "APPROVED", pgettext_lazy("campaign application status", "Approved, to be paid")
    PAID = "PAID", pgettext_lazy("campaign application status", "Paid")
    REJECTED = "REJECTED", pgettext_lazy("campaign application status", "Rejected")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("campaign application status", "Withdrawn")


LIVE_APPLICATION_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.TOWN_REVIEWED,
                             ApplicationStatus.APPROVED, ApplicationStatus.PAID)


class ApplicationChannel(models.TextChoices):
    UNION = "UNION", pgettext_lazy("application channel", "By the union")
    SELF = "SELF", pgettext_lazy("application channel", "By the member")


class CampaignApplication(ScopedModel):
    scope_lookups = ("union", "campaign__org")

    number = models.CharField(_("application number"), max_length=20, unique=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="applications",
                                 verbose_name=_("campaign"))
    # Copied from the campaign for the once-a-year constraint.
    kind = models.CharField(_("campaign kind"), max_length=16, choices=CampaignKind.choices, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="campaign_applications",
                               verbose_name=_("applicant"))
    union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    channel = models.CharField(_("applied through"), max_length=6, choices=ApplicationChannel.choices)
    status = models.CharField(_("status"), max_length=14, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    amount = models.DecimalField(_("amount (yuan)"), default=0, **MONEY)
    reason = models.TextField(_("situation"), max_length=2000, blank=True)
    # 金秋助学
    child_name = models.CharField(_("child's name"), max_length=40, blank=True)
    child_school = models.CharField(_("child's school"), max_length=100, blank=True)
    school_level = models.CharField(_("school level"), max_length=16, choices=SchoolLevel.choices, blank=True)
    # 平安返乡
    route = models.CharField(_("route"), max_length=100, blank=True)
    ticket_cost = models.DecimalField(_("ticket cost (yuan)"), null=True, blank=True, **MONEY)
    # Findings of the last eligibility check: [{"code", "message"}]; empty = eligible.
    findings = models.JSONField(_("eligibility findings"), default=list, blank=True)
    on_hardship_file = models.BooleanField(_("hardship file on record"), default=False)
    budget = models.ForeignKey(CampaignBudget, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("budget"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("submitted by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=400, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=400, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("campaign application")
        verbose_name_plural = _("campaign applications")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "year"], condition=~Q(status__in=("REJECTED", "WITHDRAWN")),
                name="welfare_campaign_once_a_year",
                violation_error_message=_("This person already has an application of this kind of campaign "
                                          "this year.")),
            models.CheckConstraint(condition=Q(amount__gte=0), name="welfare_application_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="welfare_capp_campaign_status"),
            models.Index(fields=["status", "submitted_at"], name="welfare_capp_status_at"),
        ]

    def __str__(self):
        return self.number


class PaymentMethod(models.TextChoices):
    BANK = "BANK", pgettext_lazy("payment method", "Bank transfer")
    CASH = "CASH", pgettext_lazy("payment method", "Cash")
    CARD = "CARD", pgettext_lazy("payment method", "Union card top-up")
    OTHER = "OTHER", pgettext_lazy("payment method", "Other")


class CampaignPayment(ScopedModel):
    scope_lookups = ("application__union", "application__campaign__org")

    application = models.OneToOneField(CampaignApplication, on_delete=models.PROTECT, related_name="payment",
                                       verbose_name=_("application"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=6, choices=PaymentMethod.choices)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign payment")
        verbose_name_plural = _("campaign payments")
        ordering = ("-paid_on", "-id")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="welfare_payment_positive")]

    def __str__(self):
        return f"{self.application} {self.amount}"


class GoodsDistribution(ScopedModel):
    """Goods handed out in a campaign by `org`: to a person (then a help record is written), or to
    an enterprise / site (a 高温慰问 visit to a workshop, a building site)."""

    scope_lookups = ("org", "campaign__org")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="goods_distributions",
                                 verbose_name=_("campaign"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("given by"))
    application = models.OneToOneField(CampaignApplication, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="goods", verbose_name=_("application"))
    person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("recipient"))
    enterprise = models.ForeignKey("orgs.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("enterprise"))
    site = models.CharField(_("site"), max_length=100, blank=True)
    items = models.CharField(_("items"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    value = models.DecimalField(_("value (yuan)"), **MONEY)
    given_on = models.DateField(_("given on"))
    budget = models.ForeignKey(CampaignBudget, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("budget"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("goods distribution")
        verbose_name_plural = _("goods distributions")
        ordering = ("-given_on", "-id")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0) & Q(quantity__gte=1), name="welfare_goods_positive"),
            models.CheckConstraint(condition=Q(person__isnull=False) | Q(enterprise__isnull=False) | ~Q(site=""),
                                   name="welfare_goods_has_recipient"),
        ]

    def __str__(self):
        return f"{self.items} × {self.quantity}"


class ApplicationCounter(models.Model):
    """The last application number given in a year (locked while a number is taken)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("application number counter")
        verbose_name_plural = _("application number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"
