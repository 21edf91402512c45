"""Hardship files (困难职工档案, DOMAIN.md §7) and the help records every area writes onto them.

Shared with the other welfare areas:
- `HardshipFile`: one file per worker in hardship, opened by their union, reviewed by the town;
  its `category` (深度困难 / 相对困难 / 意外致困) comes from the calculator against the local 低保
  line. Campaigns read a person's active file for their eligibility rules
  (`selectors.hardship.active_file_of`).
- `HelpRecord`: one line of help a person received (a campaign payment or goods, a mutual-aid
  payout, a visit with a gift…), written only through `services.hardship.record_help`, which is
  idempotent on the source row's key. The file's page lists them.

The hardship area owns this module: household members, income and cost lines, reviews and exits
are its models below.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = ["HardshipCategory", "HardshipStatus", "OPEN_FILE_STATUSES", "HardshipFile", "HelpKind", "HelpRecord"]


class HardshipCategory(models.TextChoices):
    DEEP = "DEEP", pgettext_lazy("hardship category", "Deep hardship (深度困难)")
    RELATIVE = "RELATIVE", pgettext_lazy("hardship category", "Relative hardship (相对困难)")
    ACCIDENT = "ACCIDENT", pgettext_lazy("hardship category", "Hardship from an accident (意外致困)")


class HardshipStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("hardship file status", "Draft")
    SUBMITTED = "SUBMITTED", pgettext_lazy("hardship file status", "Awaiting review")
    ACTIVE = "ACTIVE", pgettext_lazy("hardship file status", "On file")
    REJECTED = "REJECTED", pgettext_lazy("hardship file status", "Not accepted")
    EXITED = "EXITED", pgettext_lazy("hardship file status", "Exited")


# A person has at most one file in these statuses (DB constraint).
OPEN_FILE_STATUSES = (HardshipStatus.DRAFT, HardshipStatus.SUBMITTED, HardshipStatus.ACTIVE)


class ExitReason(models.TextChoices):
    NOT_ELIGIBLE = "NOT_ELIGIBLE", pgettext_lazy("hardship exit", "No longer eligible")
    LEFT = "LEFT", pgettext_lazy("hardship exit", "Left the union")
    DECEASED = "DECEASED", pgettext_lazy("hardship exit", "Deceased")
    OWN_REQUEST = "OWN_REQUEST", pgettext_lazy("hardship exit", "At their own request")


class HardshipFile(ScopedModel):
    """The hardship file of one worker, kept by their union (`org`)."""

    scope_lookups = ("org",)

    number = models.CharField(_("file number"), max_length=20, unique=True)
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="hardship_files",
                               verbose_name=_("worker"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    status = models.CharField(_("status"), max_length=10, choices=HardshipStatus.choices,
                              default=HardshipStatus.DRAFT)
    # Set by the calculator when the file is accepted (and at each yearly review).
    category = models.CharField(_("category"), max_length=10, choices=HardshipCategory.choices, blank=True)
    reason = models.TextField(_("cause of hardship"), max_length=2000, blank=True)
    accepted_on = models.DateField(_("on file since"), null=True, blank=True)
    # The next yearly review is due on this date (a year after acceptance or the last review).
    review_due_on = models.DateField(_("review due on"), null=True, blank=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(_("reason for exit"), max_length=400, blank=True)
    # The hardship area's additions: the exit's kind, and the calculator's figures kept on the file
    # whenever a line changes (lists, exports and the API read them without summing lines).
    exit_kind = models.CharField(_("exit"), max_length=12, choices=ExitReason.choices, blank=True)
    household_size = models.PositiveSmallIntegerField(_("household size"), default=0)
    annual_income = models.DecimalField(_("annual household income (yuan)"), max_digits=12, decimal_places=2,
                                        default=0)
    annual_rigid_costs = models.DecimalField(_("annual rigid costs (yuan)"), max_digits=12, decimal_places=2,
                                             default=0)
    annual_unexpected_costs = models.DecimalField(_("annual unexpected costs (yuan)"), max_digits=12,
                                                  decimal_places=2, default=0)
    per_capita_monthly = models.DecimalField(_("per-capita monthly income (yuan)"), max_digits=12,
                                             decimal_places=2, null=True, blank=True)
    computed_category = models.CharField(_("category by the calculator"), max_length=10,
                                         choices=HardshipCategory.choices, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status__in=OPEN_FILE_STATUSES),
                name="welfare_one_open_hardship_file",
                violation_error_message=_("This worker already has an open hardship file.")),
        ]
        indexes = [models.Index(fields=["status", "review_due_on"], name="welfare_hfile_status_due_idx")]

    def __str__(self):
        return self.number

    @property
    def exit_kind_label(self):
        return dict(ExitReason.choices).get(self.exit_kind, self.exit_kind)


class HelpKind(models.TextChoices):
    CAMPAIGN = "CAMPAIGN", pgettext_lazy("help kind", "Seasonal campaign")
    MUTUAL_AID = "MUTUAL_AID", pgettext_lazy("help kind", "Medical mutual aid")
    VISIT = "VISIT", pgettext_lazy("help kind", "Visit and condolence (走访慰问)")
    OTHER = "OTHER", pgettext_lazy("help kind", "Other help")


class HelpRecord(ScopedModel):
    """One piece of help `person` received from `org` (money and/or goods). `source_key` names the
    row it came from ("welfare.CampaignPayment:42"), so writing it twice changes nothing."""

    scope_lookups = ("org",)

    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="help_records",
                               verbose_name=_("worker"))
    # The person's hardship file at the time, if they had one on file.
    file = models.ForeignKey(HardshipFile, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="help_records", verbose_name=_("hardship file"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("given by"))
    kind = models.CharField(_("kind"), max_length=12, choices=HelpKind.choices)
    source_key = models.CharField(max_length=80, unique=True, editable=False)
    source_label = models.CharField(_("source"), max_length=120)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, default=0)
    goods = models.CharField(_("goods"), max_length=200, blank=True)
    given_on = models.DateField(_("given on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("help record")
        verbose_name_plural = _("help records")
        ordering = ("-given_on", "-id")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="welfare_help_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["person", "given_on"], name="welfare_help_person_idx")]

    def __str__(self):
        return f"{self.source_label} {self.amount}"


# --- the hardship area's own rows ------------------------------------------------------------------

__all__ += ["Relation", "IncomeKind", "CostKind", "RIGID_COST_KINDS", "UNEXPECTED_COST_KINDS", "ExitReason",
            "ReviewOutcome", "HouseholdMember", "IncomeLine", "CostLine", "HardshipReview",
            "HardshipNumberCounter"]


class Relation(models.TextChoices):
    SELF = "SELF", pgettext_lazy("household relation", "The worker")
    SPOUSE = "SPOUSE", pgettext_lazy("household relation", "Spouse")
    CHILD = "CHILD", pgettext_lazy("household relation", "Child")
    PARENT = "PARENT", pgettext_lazy("household relation", "Parent")
    OTHER = "OTHER", pgettext_lazy("household relation", "Other relative")


class IncomeKind(models.TextChoices):
    WAGES = "WAGES", pgettext_lazy("income kind", "Wages")
    PENSION = "PENSION", pgettext_lazy("income kind", "Pension")
    BUSINESS = "BUSINESS", pgettext_lazy("income kind", "Farming or business")
    BENEFITS = "BENEFITS", pgettext_lazy("income kind", "Benefits and transfers")
    OTHER = "OTHER", pgettext_lazy("income kind", "Other income")


class CostKind(models.TextChoices):
    # Rigid costs (刚性支出): subtracted from the income in the calculator.
    MEDICAL = "MEDICAL", pgettext_lazy("cost kind", "Medical (self-paid)")
    EDUCATION = "EDUCATION", pgettext_lazy("cost kind", "Education")
    RENT = "RENT", pgettext_lazy("cost kind", "Rent")
    CARE = "CARE", pgettext_lazy("cost kind", "Care of a disabled or elderly relative")
    OTHER_RIGID = "OTHER_RIGID", pgettext_lazy("cost kind", "Other rigid cost")
    # Unexpected costs (意外支出): compared with the income for 意外致困.
    ILLNESS = "ILLNESS", pgettext_lazy("cost kind", "Unexpected: serious illness")
    ACCIDENT = "ACCIDENT", pgettext_lazy("cost kind", "Unexpected: accident")
    DISASTER = "DISASTER", pgettext_lazy("cost kind", "Unexpected: disaster")


RIGID_COST_KINDS = (CostKind.MEDICAL, CostKind.EDUCATION, CostKind.RENT, CostKind.CARE, CostKind.OTHER_RIGID)
UNEXPECTED_COST_KINDS = (CostKind.ILLNESS, CostKind.ACCIDENT, CostKind.DISASTER)


class ReviewOutcome(models.TextChoices):
    ACCEPTED = "ACCEPTED", pgettext_lazy("hardship review", "Accepted on file")
    REJECTED = "REJECTED", pgettext_lazy("hardship review", "Not accepted")
    RETURNED = "RETURNED", pgettext_lazy("hardship review", "Returned for correction")
    KEPT = "KEPT", pgettext_lazy("hardship review", "Yearly review: kept on file")
    EXITED = "EXITED", pgettext_lazy("hardship review", "Exited")


class HouseholdMember(models.Model):
    """One person of the worker's household (the worker is the SELF row). The calculator divides
    by the number of rows."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="household",
                             verbose_name=_("hardship file"))
    name = models.CharField(_("name"), max_length=40)
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    health = models.CharField(_("health"), max_length=100, blank=True)
    work = models.CharField(_("work or school"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ("id",)

    def __str__(self):
        return self.name


class IncomeLine(models.Model):
    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="incomes",
                             verbose_name=_("hardship file"))
    kind = models.CharField(_("kind"), max_length=10, choices=IncomeKind.choices)
    annual_amount = models.DecimalField(_("annual amount (yuan)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("income line")
        verbose_name_plural = _("income lines")
        ordering = ("id",)
        constraints = [models.CheckConstraint(condition=models.Q(annual_amount__gte=0),
                                              name="welfare_income_not_negative")]

    def __str__(self):
        return f"{self.kind} {self.annual_amount}"


class CostLine(models.Model):
    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="costs",
                             verbose_name=_("hardship file"))
    kind = models.CharField(_("kind"), max_length=12, choices=CostKind.choices)
    annual_amount = models.DecimalField(_("annual amount (yuan)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering = ("id",)
        constraints = [models.CheckConstraint(condition=models.Q(annual_amount__gte=0),
                                              name="welfare_cost_not_negative")]

    def __str__(self):
        return f"{self.kind} {self.annual_amount}"

    @property
    def unexpected(self) -> bool:
        return self.kind in UNEXPECTED_COST_KINDS


class HardshipReview(models.Model):
    """One decision on a file: the town's review of a submission, a yearly review, an exit. Keeps
    the calculator's figures of the day."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="reviews",
                             verbose_name=_("hardship file"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReviewOutcome.choices)
    reviewed_on = models.DateField(_("reviewed on"))
    category = models.CharField(_("category"), max_length=10, choices=HardshipCategory.choices, blank=True)
    per_capita_monthly = models.DecimalField(_("per-capita monthly income (yuan)"), max_digits=12,
                                             decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=400, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reviewed by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hardship review")
        verbose_name_plural = _("hardship reviews")
        ordering = ("-reviewed_on", "-id")

    def __str__(self):
        return f"{self.file_id} {self.outcome} {self.reviewed_on}"


class HardshipNumberCounter(models.Model):
    """The last file number given in a year (KN2026-00001…), locked FOR UPDATE when numbering."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("hardship file number counter")
        verbose_name_plural = _("hardship file number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"
