"""Forming a union (组建, DOMAIN.md §4) and the enterprises still without one (未建会企业).

- `FoundingApplication`: an enterprise's (or its workers') application to form a union, from
  the draft through the town's review, the upper union's approval (批复, with the decision's
  number and date) and the district's registration (法人资格证书) to the union in the tree. The
  proposed form follows the number of members who wish to join (`rules/foundings.py`): a
  committee (委员会) from 25 members up, below that an organiser (组织员) or joining an existing
  joint grassroots union (联合基层工会) of the town, which ends the application (JOINED) without a
  registration of its own.

The 未建会企业 list needs no table: it is `Enterprise.union IS NULL`, read in
`selectors/foundings.py`.

Scope: an application belongs to the enterprise's town (`town`, copied from the enterprise when
it is made) and, once formed or joined, to the union (`union`): the town's cadres and the
district see it throughout, the new union's chair from the day it exists.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = [
    "ApplicantKind",
    "FoundingApplication",
    "FoundingForm",
    "FoundingStatus",
    "OPEN_FOUNDING_STATUSES",
    "WAITING_FOUNDING_STATUSES",
]


class ApplicantKind(models.TextChoices):
    ENTERPRISE = "ENTERPRISE", _("The enterprise")
    WORKERS = "WORKERS", _("The enterprise's workers")


class FoundingForm(models.TextChoices):
    COMMITTEE = "COMMITTEE", _("Union committee (委员会)")
    ORGANISER = "ORGANISER", _("Union organiser (组织员)")
    JOINT = "JOINT", _("Join a joint grassroots union (联合基层工会)")


class FoundingStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("founding status", "Draft")
    SUBMITTED = "SUBMITTED", pgettext_lazy("founding status", "Awaiting review")
    RETURNED = "RETURNED", pgettext_lazy("founding status", "Returned for changes")
    REVIEWED = "REVIEWED", pgettext_lazy("founding status", "Awaiting approval")
    APPROVED = "APPROVED", pgettext_lazy("founding status", "Approved, awaiting registration")
    REGISTERED = "REGISTERED", pgettext_lazy("founding status", "Registered")
    JOINED = "JOINED", pgettext_lazy("founding status", "Joined a joint union")
    REFUSED = "REFUSED", pgettext_lazy("founding status", "Refused")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("founding status", "Withdrawn")


OPEN_FOUNDING_STATUSES = (FoundingStatus.DRAFT, FoundingStatus.SUBMITTED, FoundingStatus.RETURNED,
                          FoundingStatus.REVIEWED, FoundingStatus.APPROVED)
# Waiting for the upper union (a step with a deadline, `step_due_on`).
WAITING_FOUNDING_STATUSES = (FoundingStatus.SUBMITTED, FoundingStatus.REVIEWED, FoundingStatus.APPROVED)
DONE_FOUNDING_STATUSES = (FoundingStatus.REGISTERED, FoundingStatus.JOINED)


class FoundingApplication(ScopedModel):
    scope_lookups = ("town", "union")

    enterprise = models.ForeignKey("orgs.Enterprise", on_delete=models.CASCADE, related_name="founding_applications",
                                   verbose_name=_("enterprise"))
    town = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="founding_applications",
                             verbose_name=pgettext_lazy("founding", "upper union (town)"))
    applicant_kind = models.CharField(_("applicant"), max_length=12, choices=ApplicantKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=64)
    contact_phone_enc = models.TextField(_("contact phone (encrypted)"), blank=True)
    contact_phone_masked = models.CharField(_("contact phone"), max_length=20, blank=True)
    headcount = models.PositiveIntegerField(_("headcount at application"), default=0)
    members_count = models.PositiveIntegerField(_("workers who wish to join"))
    form = models.CharField(_("proposed form"), max_length=10, choices=FoundingForm.choices)
    joint_union = models.ForeignKey("orgs.Org", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="joining_applications", verbose_name=_("joint union to join"))
    proposed_name = models.CharField(_("name of the new union"), max_length=120, blank=True)
    # The founding meeting and the first committee it elected (委员会 or 组织员), when known.
    meeting_on = models.DateField(_("founding meeting held on"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(_("term (years)"), null=True, blank=True,
                                                  choices=[(3, _("3 years")), (5, _("5 years"))])
    chair_name = models.CharField(_("chair (or organiser)"), max_length=64, blank=True)
    vice_chair_names = models.CharField(_("vice-chairs"), max_length=400, blank=True)
    committee_member_names = models.CharField(_("other committee members"), max_length=1000, blank=True)
    note = models.TextField(_("note"), blank=True)

    status = models.CharField(_("status"), max_length=12, choices=FoundingStatus.choices,
                              default=FoundingStatus.DRAFT)
    step_due_on = models.DateField(_("current step due on"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=400, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=400, blank=True)
    approved_on = models.DateField(_("approval date"), null=True, blank=True)
    decision_no = models.CharField(_("approval decision no."), max_length=64, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    legal_cert_no = models.CharField(_("legal-person certificate no."), max_length=64, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    refused_on = models.DateField(_("refused on"), null=True, blank=True)
    refuse_reason = models.CharField(_("reason for refusing"), max_length=400, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=400, blank=True)
    # The union formed (REGISTERED) or joined (JOINED), and the first committee seated.
    union = models.ForeignKey("orgs.Org", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="founding_applications_formed", verbose_name=_("union"))
    committee = models.ForeignKey("grassroots.Committee", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("first committee"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("union founding application")
        verbose_name_plural = _("union founding applications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "step_due_on"], name="founding_status_due_idx"),
            models.Index(fields=["town", "status"], name="founding_town_status_idx"),
        ]
        constraints = [
            # One open application per enterprise: a second is refused with a message (services).
            models.UniqueConstraint(fields=["enterprise"], condition=Q(status__in=OPEN_FOUNDING_STATUSES),
                                    name="founding_one_open_per_enterprise"),
            models.CheckConstraint(condition=Q(members_count__gte=1), name="founding_members_positive"),
            models.CheckConstraint(condition=Q(term_years__isnull=True) | Q(term_years__in=(3, 5)),
                                   name="founding_term_3_or_5"),
            models.CheckConstraint(condition=Q(status=FoundingStatus.DRAFT) | Q(submitted_on__isnull=False)
                                   | Q(status=FoundingStatus.WITHDRAWN),
                                   name="founding_submitted_has_date"),
            models.CheckConstraint(condition=Q(reviewed_on__isnull=True) | Q(reviewed_on__gte=F("submitted_on")),
                                   name="founding_review_after_submit"),
            models.CheckConstraint(condition=Q(approved_on__isnull=True) | Q(approved_on__gte=F("reviewed_on")),
                                   name="founding_approval_after_review"),
            models.CheckConstraint(condition=Q(registered_on__isnull=True) | Q(registered_on__gte=F("approved_on")),
                                   name="founding_registration_after_approval"),
            models.CheckConstraint(
                condition=~Q(status__in=(FoundingStatus.APPROVED, FoundingStatus.REGISTERED))
                | Q(approved_on__isnull=False) & ~Q(decision_no=""),
                name="founding_approved_has_decision"),
            models.CheckConstraint(
                condition=~Q(status=FoundingStatus.REGISTERED)
                | Q(registered_on__isnull=False) & ~Q(legal_cert_no=""),
                name="founding_registered_has_certificate"),
            models.CheckConstraint(condition=~Q(status=FoundingStatus.JOINED) | Q(joined_on__isnull=False),
                                   name="founding_joined_has_date"),
        ]

    def __str__(self):
        return self.proposed_name or str(self.enterprise)

    @property
    def is_open(self):
        return self.status in OPEN_FOUNDING_STATUSES

    def scope_orgs(self):
        return [o for o in (self.town, self.union) if o is not None]

    def vice_chairs(self):
        return split_names(self.vice_chair_names)

    def committee_members(self):
        return split_names(self.committee_member_names)

    def is_overdue(self, today):
        return self.status in WAITING_FOUNDING_STATUSES and self.step_due_on is not None and self.step_due_on < today


def split_names(text: str) -> list[str]:
    """Names typed with commas (Chinese or Latin), 、, semicolons or new lines between them.
    Spaces are not separators: lists on paper pad two-character names to the width of three
    ("王　五"), which is one person; runs of spaces inside a name become one (as on the
    committee form)."""
    for sep in ("，", "、", "\r", "\n", ";", "；"):
        text = (text or "").replace(sep, ",")
    names = (" ".join(name.split()) for name in text.split(","))
    return [name for name in names if name]
