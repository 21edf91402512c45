"""Rationalisation proposals (合理化建议), the "five smalls" (五小: 小发明, 小改造, 小革新, 小建议,
小设计) and technical problem-solving projects (技术攻关), DOMAIN.md §3.

- `Suggestion`: one worker's (or team's) suggestion from submission through the scored
  evaluation, the decision (adopted or not), implementation with the benefit measured in yuan,
  and the reward paid. Its scores are `SuggestionScore` rows, one per criterion of the scoring
  form (`rules.py`, setting `INNOVATION_RULES`).
- `TechProject`: a 技术攻关 project with its team (`TeamMember`), milestones (`Milestone`) and
  result.

Every row belongs to the enterprise's grassroots union (`org`); the enterprise's town sees it
too (an enterprise union may sit under an industry union rather than its town).
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class SuggestionKind(models.TextChoices):
    RATIONALISATION = "RATIONALISATION", _("Rationalisation proposal (合理化建议)")
    INVENTION = "INVENTION", _("Small invention (小发明)")
    MODIFICATION = "MODIFICATION", _("Small modification (小改造)")
    INNOVATION = "INNOVATION", _("Small innovation (小革新)")
    SMALL_SUGGESTION = "SMALL_SUGGESTION", _("Small suggestion (小建议)")
    DESIGN = "DESIGN", _("Small design (小设计)")


FIVE_SMALLS = (SuggestionKind.INVENTION, SuggestionKind.MODIFICATION, SuggestionKind.INNOVATION,
               SuggestionKind.SMALL_SUGGESTION, SuggestionKind.DESIGN)


class SuggestionStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", pgettext_lazy("suggestion status", "Submitted")
    EVALUATED = "EVALUATED", pgettext_lazy("suggestion status", "Evaluated")
    ADOPTED = "ADOPTED", pgettext_lazy("suggestion status", "Adopted")
    NOT_ADOPTED = "NOT_ADOPTED", pgettext_lazy("suggestion status", "Not adopted")
    IMPLEMENTED = "IMPLEMENTED", pgettext_lazy("suggestion status", "Implemented")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("suggestion status", "Withdrawn")


# A suggestion that was adopted stays "adopted" once implemented: the counts use both.
ADOPTED_STATUSES = (SuggestionStatus.ADOPTED, SuggestionStatus.IMPLEMENTED)
EVALUATED_STATUSES = (SuggestionStatus.EVALUATED, *ADOPTED_STATUSES)


class InnovationRecord(ScopedModel):
    scope_lookups = ("org", "enterprise__town")

    class Meta:
        abstract = True

    @classmethod
    def default_view_action(cls):
        return "innovation.view"

    def scope_orgs(self):
        return [o for o in (self.org, self.enterprise.town) if o is not None]


class Suggestion(InnovationRecord):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="suggestions",
                            verbose_name=_("union"))
    enterprise = models.ForeignKey("orgs.Enterprise", on_delete=models.PROTECT, related_name="suggestions",
                                   verbose_name=_("enterprise"))
    kind = models.CharField(pgettext_lazy("suggestion", "kind"), max_length=16, choices=SuggestionKind.choices)
    title = models.CharField(_("title"), max_length=120)
    problem = models.TextField(_("current problem"))
    proposal = models.TextField(pgettext_lazy("suggestion", "proposal"))
    expected_benefit = models.TextField(_("expected benefit"), blank=True)
    # The submitter: a member of the union (linked) or a name only (e.g. not yet registered).
    submitter_person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="suggestions", verbose_name=_("submitter (member)"))
    submitter_name = models.CharField(_("submitter"), max_length=64)
    co_authors = models.CharField(_("co-authors"), max_length=400, blank=True,
                                  help_text=_("Names of the team members, separated by commas."))
    submitted_on = models.DateField(_("submitted on"))
    status = models.CharField(_("status"), max_length=12, choices=SuggestionStatus.choices,
                              default=SuggestionStatus.SUBMITTED)

    # Evaluation (the scores are SuggestionScore rows).
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    evaluators = models.CharField(_("evaluators"), max_length=200, blank=True)
    evaluation_comments = models.TextField(_("evaluation comments"), blank=True)
    total_score = models.PositiveSmallIntegerField(_("total score"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=4, blank=True)

    # Decision.
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for not adopting"), max_length=400, blank=True)

    # Implementation and measured benefit.
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    benefit_yuan = models.DecimalField(_("measured benefit (yuan)"), null=True, blank=True, **MONEY)
    benefit_measured_on = models.DateField(_("benefit measured on"), null=True, blank=True)
    benefit_note = models.TextField(_("how the benefit was measured"), blank=True)

    # Reward.
    reward_yuan = models.DecimalField(_("reward (yuan)"), null=True, blank=True, **MONEY)
    reward_paid_on = models.DateField(_("reward paid on"), null=True, blank=True)
    reward_recipients = models.CharField(_("reward recipients"), max_length=400, blank=True)

    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=400, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "id"], name="suggestion_status_idx"),
            models.Index(fields=["submitted_on", "id"], name="suggestion_submitted_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total_score__isnull=True) | Q(total_score__lte=100),
                                   name="suggestion_total_0_100"),
            models.CheckConstraint(condition=Q(benefit_yuan__isnull=True) | Q(benefit_yuan__gte=0),
                                   name="suggestion_benefit_not_negative"),
            models.CheckConstraint(condition=Q(reward_yuan__isnull=True) | Q(reward_yuan__gt=0),
                                   name="suggestion_reward_positive"),
            # A reward is paid only for an adopted suggestion, on or after the decision.
            models.CheckConstraint(
                condition=Q(reward_paid_on__isnull=True)
                | Q(status__in=ADOPTED_STATUSES, decided_on__isnull=False, reward_yuan__isnull=False,
                    reward_paid_on__gte=F("decided_on")),
                name="suggestion_reward_after_adoption"),
            # Adopted means evaluated first.
            models.CheckConstraint(
                condition=~Q(status__in=ADOPTED_STATUSES)
                | Q(evaluated_on__isnull=False, total_score__isnull=False, decided_on__gte=F("evaluated_on")),
                name="suggestion_adopted_was_evaluated"),
            models.CheckConstraint(
                condition=~Q(status=SuggestionStatus.IMPLEMENTED)
                | Q(implemented_on__gte=F("decided_on"), benefit_yuan__isnull=False),
                name="suggestion_implemented_has_benefit"),
            models.CheckConstraint(condition=Q(evaluated_on__isnull=True) | Q(evaluated_on__gte=F("submitted_on")),
                                   name="suggestion_evaluated_after_submitted"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_adopted(self):
        return self.status in ADOPTED_STATUSES

    @property
    def reward_paid(self):
        return self.reward_paid_on is not None

    def team(self):
        return [name for name in [self.submitter_name, *split_names(self.co_authors)] if name]


class SuggestionScore(models.Model):
    """The points given for one criterion of the scoring form. The criterion's label and
    maximum are copied from the rules of the day, so a later change of the setting does not
    rewrite old evaluations."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("criterion"), max_length=32)
    label = models.CharField(_("criterion"), max_length=64)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "criterion"], name="suggestion_score_once"),
            models.CheckConstraint(condition=Q(max_points__gte=1, max_points__lte=100), name="score_max_1_100"),
            models.CheckConstraint(condition=Q(points__lte=F("max_points")), name="score_within_max"),
        ]

    def __str__(self):
        return f"{self.label} {self.points}/{self.max_points}"


class ProjectStatus(models.TextChoices):
    PLANNED = "PLANNED", pgettext_lazy("project status", "Planned")
    IN_PROGRESS = "IN_PROGRESS", pgettext_lazy("project status", "In progress")
    COMPLETED = "COMPLETED", pgettext_lazy("project status", "Completed")
    ABANDONED = "ABANDONED", pgettext_lazy("project status", "Abandoned")


OPEN_PROJECT_STATUSES = (ProjectStatus.PLANNED, ProjectStatus.IN_PROGRESS)


class TechProject(InnovationRecord):
    """A 技术攻关 project: a team attacking a technical problem with a measurable target."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="tech_projects",
                            verbose_name=_("union"))
    enterprise = models.ForeignKey("orgs.Enterprise", on_delete=models.PROTECT, related_name="tech_projects",
                                   verbose_name=_("enterprise"))
    title = models.CharField(_("title"), max_length=120)
    goal = models.TextField(_("goal"), help_text=_("The problem to solve and the measurable target."))
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices,
                              default=ProjectStatus.PLANNED)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    planned_end_on = models.DateField(_("planned end"))
    result = models.TextField(_("result"), blank=True)
    benefit_yuan = models.DecimalField(_("benefit (yuan)"), null=True, blank=True, **MONEY)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    abandoned_on = models.DateField(_("abandoned on"), null=True, blank=True)
    abandon_reason = models.CharField(_("reason for abandoning"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("technical project")
        verbose_name_plural = _("technical projects")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"], name="techproject_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(benefit_yuan__isnull=True) | Q(benefit_yuan__gte=0),
                                   name="techproject_benefit_not_negative"),
            models.CheckConstraint(condition=Q(started_on__isnull=True) | Q(planned_end_on__gte=F("started_on")),
                                   name="techproject_end_after_start"),
            models.CheckConstraint(
                condition=Q(status=ProjectStatus.PLANNED) | Q(started_on__isnull=False),
                name="techproject_started_has_date"),
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.COMPLETED)
                | Q(completed_on__gte=F("started_on"), benefit_yuan__isnull=False) & ~Q(result=""),
                name="techproject_completed_has_result"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        """Planned or in progress: only an open project's milestones can be overdue."""
        return self.status in OPEN_PROJECT_STATUSES


class TeamMember(models.Model):
    project = models.ForeignKey(TechProject, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(_("name"), max_length=64)
    person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="tech_projects", verbose_name=_("member"))
    role = models.CharField(_("role in the team"), max_length=64, blank=True)
    is_leader = models.BooleanField(_("leader"), default=False)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["-is_leader", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project"], condition=Q(is_leader=True), name="techproject_one_leader"),
        ]

    def __str__(self):
        return self.name


class Milestone(models.Model):
    project = models.ForeignKey(TechProject, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=120)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title

    def is_overdue(self, today):
        return self.done_on is None and self.due_on < today


def split_names(text: str) -> list[str]:
    """Names typed with commas (Chinese or Latin), 、 or new lines between them."""
    for sep in ("，", "、", "\n", ";", "；"):
        text = text.replace(sep, ",")
    return [name.strip() for name in text.split(",") if name.strip()]
