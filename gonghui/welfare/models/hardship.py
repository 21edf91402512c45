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
