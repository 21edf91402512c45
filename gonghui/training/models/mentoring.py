"""名师带徒: master–apprentice pairs, their periodic progress reports and the final assessment
(DOMAIN.md §6).

- `Mentorship`: one pair run by a union (`org`, the apprentice's union at creation; `town` copied
  for the counts by town): the master is a teacher of the pool (`master_teacher`) or a person of
  the registry (`master_person`; a pool teacher who is a person of the registry fills both), the
  apprentice a person of the registry; a trade, a term (`starts_on`..`ends_on`, 1–3 years by the
  rules), the goals and the target skill level. ACTIVE → COMPLETED (final assessment recorded) or
  ENDED (ended early). A person is never their own master, and apprentice in at most one ACTIVE
  pair of a trade (`training_mentorship_one_active_per_trade`). `next_report_due_on` is the due
  day of the first progress report not yet written (None when none is left or the pair is over):
  the due-soon source and the reminders read it.
- `MentorshipReport`: the progress report of one period (`period_no` 1, 2, …: every
  `rules().report_every_months` months from the start, the last period cut at the end of the term):
  the apprentice's progress and the master's comment. One per pair and period.
- `MentorshipAssessment`: the final assessment of a pair: PASS or FAIL, a score, and on a pass the
  skill level it grants (recorded on the person through `members.services.change_skill_level`).
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel
from gonghui.members.models import SkillLevel

__all__ = ["MentorshipStatus", "Mentorship", "MentorshipReport", "AssessmentResult", "MentorshipAssessment"]


class MentorshipStatus(models.TextChoices):
    ACTIVE = "ACTIVE", pgettext_lazy("mentorship status", "In progress")
    COMPLETED = "COMPLETED", pgettext_lazy("mentorship status", "Completed (assessed)")
    ENDED = "ENDED", pgettext_lazy("mentorship status", "Ended early")


class Mentorship(ScopedModel):
    """A 名师带徒 pair. Visible in the running union's subtree."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    course = models.ForeignKey("training.Course", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="mentorships", verbose_name=_("master-apprentice course"))
    master_teacher = models.ForeignKey("training.Teacher", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="mentorships", verbose_name=_("master (teacher pool)"))
    master_person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="training_mentorships_as_master",
                                      verbose_name=_("master (registry)"))
    master_name = models.CharField(_("master"), max_length=64)
    apprentice = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="training_apprenticeships",
                                   verbose_name=_("apprentice"))
    trade = models.CharField(_("trade"), max_length=60)
    starts_on = models.DateField(_("term starts on"))
    ends_on = models.DateField(_("term ends on"))
    goals = models.TextField(_("goals"), max_length=2000)
    start_skill_level = models.CharField(_("skill level at the start"), max_length=8, choices=SkillLevel.choices,
                                         default=SkillLevel.NONE)
    target_skill_level = models.CharField(_("target skill level"), max_length=8, choices=SkillLevel.choices)
    status = models.CharField(_("status"), max_length=10, choices=MentorshipStatus.choices,
                              default=MentorshipStatus.ACTIVE)
    next_report_due_on = models.DateField(_("next report due on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=400, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("master-apprentice pair")
        verbose_name_plural = _("master-apprentice pairs")
        ordering = ("-starts_on", "-id")
        indexes = [
            models.Index(fields=["status", "next_report_due_on"], name="training_mentor_due_idx"),
            models.Index(fields=["status", "ends_on"], name="training_mentor_end_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="training_mentorship_term_order",
                                   violation_error_message=_("The term must end after it starts.")),
            models.CheckConstraint(condition=Q(master_teacher__isnull=False) | Q(master_person__isnull=False),
                                   name="training_mentorship_has_master",
                                   violation_error_message=_("Choose the master.")),
            models.CheckConstraint(condition=Q(master_person__isnull=True) | ~Q(master_person=F("apprentice")),
                                   name="training_mentorship_not_own_master",
                                   violation_error_message=_("A person cannot be their own master.")),
            models.UniqueConstraint(fields=["apprentice", "trade"], condition=Q(status="ACTIVE"),
                                    name="training_mentorship_one_active_per_trade",
                                    violation_error_message=_("This apprentice already has an active pair in this "
                                                              "trade.")),
        ]

    def __str__(self):
        return f"{self.master_name} → {self.apprentice.name} · {self.trade}"


class MentorshipReport(models.Model):
    """A progress report of one period. Read through its pair (scoped)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reports",
                                   verbose_name=_("master-apprentice pair"))
    period_no = models.PositiveSmallIntegerField(_("period"))
    period_starts_on = models.DateField(_("period starts on"))
    period_ends_on = models.DateField(_("period ends on"))
    due_on = models.DateField(_("due on"))
    content = models.TextField(_("progress"), max_length=4000)
    master_comment = models.TextField(_("master's comment"), max_length=2000, blank=True)
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("submitted by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ("mentorship", "period_no")
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "period_no"], name="training_mentor_report_once",
                                    violation_error_message=_("The report of this period is already written.")),
        ]

    def __str__(self):
        return f"{self.mentorship_id} #{self.period_no}"

    @property
    def late(self):
        return self.submitted_on > self.due_on


class AssessmentResult(models.TextChoices):
    PASS = "PASS", pgettext_lazy("assessment result", "Passed")
    FAIL = "FAIL", pgettext_lazy("assessment result", "Not passed")


class MentorshipAssessment(models.Model):
    """The final assessment of a pair. Read through its pair (scoped)."""

    mentorship = models.OneToOneField(Mentorship, on_delete=models.CASCADE, related_name="assessment",
                                      verbose_name=_("master-apprentice pair"))
    assessed_on = models.DateField(_("assessed on"))
    result = models.CharField(_("result"), max_length=4, choices=AssessmentResult.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    skill_level_before = models.CharField(_("skill level before"), max_length=8, choices=SkillLevel.choices)
    # The level granted on a pass (blank: unchanged).
    new_skill_level = models.CharField(_("new skill level"), max_length=8, choices=SkillLevel.choices, blank=True)
    assessors = models.CharField(_("assessors"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    assessed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("final assessment")
        verbose_name_plural = _("final assessments")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="training_mentor_score_range",
                                   violation_error_message=_("The score is between 0 and 100.")),
            models.CheckConstraint(condition=Q(result="PASS") | Q(new_skill_level=""),
                                   name="training_mentor_level_only_on_pass"),
        ]

    def __str__(self):
        return f"{self.mentorship_id} {self.result}"
