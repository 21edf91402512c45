"""Union committees (工会委员会), term by term (届), DOMAIN.md §4.

- `Committee`: one term of a grassroots union's committee: when it was elected, how long the
  term runs (3 or 5 years) and when it ends, how it came on record (seated at the founding
  meeting, by an approved election, or entered from paper records). A union has at most one
  CURRENT committee (DB constraint); seating a new one marks the previous one REPLACED.
- `CommitteeMember`: the people of one term, with the chair, vice-chairs and members.
- `CommitteeReminder`: which term-expiry reminder (e.g. 6, 3 and 1 month before, and expired)
  was sent for which committee, so the daily job sends each one once.

Rows are scoped through the union (`org`): the union itself and every level above it see them.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel
from gonghui.members.models import Gender

__all__ = [
    "Committee",
    "CommitteeMember",
    "CommitteePosition",
    "CommitteeReminder",
    "CommitteeSource",
    "CommitteeStatus",
    "TermYears",
]


class TermYears(models.IntegerChoices):
    THREE = 3, _("3 years")
    FIVE = 5, _("5 years")


class CommitteeStatus(models.TextChoices):
    CURRENT = "CURRENT", pgettext_lazy("committee status", "Current")
    REPLACED = "REPLACED", pgettext_lazy("committee status", "Replaced")


class CommitteeSource(models.TextChoices):
    FOUNDING = "FOUNDING", _("Founding meeting")
    ELECTION = "ELECTION", pgettext_lazy("committee source", "Election")
    RECORD = "RECORD", _("Entered from paper records")


class CommitteePosition(models.TextChoices):
    CHAIR = "CHAIR", pgettext_lazy("committee position", "Chair")
    VICE_CHAIR = "VICE_CHAIR", pgettext_lazy("committee position", "Vice-chair")
    MEMBER = "MEMBER", pgettext_lazy("committee position", "Committee member")


class Committee(ScopedModel):
    """One term (届) of a grassroots union's committee."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="committees",
                            verbose_name=_("union"))
    term_number = models.PositiveSmallIntegerField(_("term number"))
    term_years = models.PositiveSmallIntegerField(_("term (years)"), choices=TermYears.choices)
    elected_on = models.DateField(_("elected on"))
    term_ends_on = models.DateField(_("term ends on"))
    status = models.CharField(_("status"), max_length=10, choices=CommitteeStatus.choices,
                              default=CommitteeStatus.CURRENT)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=CommitteeSource.choices)
    election = models.ForeignKey("grassroots.Election", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="committees", verbose_name=pgettext_lazy("committee source", "Election"))
    members_at_election = models.PositiveIntegerField(_("members at election"), default=0)
    note = models.CharField(_("note"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("union committee")
        verbose_name_plural = _("union committees")
        ordering = ["org_id", "-term_number"]
        indexes = [
            models.Index(fields=["status", "term_ends_on"], name="committee_status_ends_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["org"], condition=Q(status="CURRENT"),
                                    name="committee_one_current_per_org"),
            models.UniqueConstraint(fields=["org", "term_number"], name="committee_term_number_once"),
            models.CheckConstraint(condition=Q(term_years__in=[3, 5]), name="committee_term_years_3_or_5"),
            models.CheckConstraint(condition=Q(term_ends_on__gt=F("elected_on")), name="committee_ends_after_elected"),
            models.CheckConstraint(condition=Q(term_number__gte=1), name="committee_term_number_positive"),
            models.CheckConstraint(
                condition=Q(status="CURRENT", ended_on__isnull=True)
                | Q(status="REPLACED", ended_on__isnull=False, ended_on__gte=F("elected_on")),
                name="committee_ended_only_when_replaced"),
        ]

    def __str__(self):
        return _("%(union)s committee, term %(number)s") % {"union": self.org.name, "number": self.term_number}

    @property
    def is_current(self):
        return self.status == CommitteeStatus.CURRENT


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members",
                                  verbose_name=_("union committee"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="committee_seats", verbose_name=_("member record"))
    position = models.CharField(_("position"), max_length=10, choices=CommitteePosition.choices,
                                default=CommitteePosition.MEMBER)
    gender = models.CharField(_("gender"), max_length=1, blank=True, choices=Gender.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee"], condition=Q(position="CHAIR"),
                                    name="committee_one_chair"),
            models.UniqueConstraint(fields=["committee", "name"], name="committee_member_name_once"),
        ]

    def __str__(self):
        return self.name


class CommitteeReminder(models.Model):
    """A term-expiry reminder that was sent: one per point per committee."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="reminders")
    # "MONTHS_6", "MONTHS_3", "MONTHS_1" (months before the end, from the rules) or "EXPIRED".
    point = models.CharField(_("reminder"), max_length=12)
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("term-expiry reminder")
        verbose_name_plural = _("term-expiry reminders")
        constraints = [
            models.UniqueConstraint(fields=["committee", "point"], name="committee_reminder_once"),
        ]

    def __str__(self):
        return f"{self.committee_id}:{self.point}"
