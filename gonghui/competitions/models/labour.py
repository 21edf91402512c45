"""Labour competitions (五比五赛, DOMAIN.md §5).

- `LabourCompetition`: one competition, organised by an org (the district, a town or an
  enterprise union): its period, how often it is scored (monthly or quarterly), its status.
- `CompetitionCriterion`: one weighted line of its criteria set (default 比质量/安全/高效/创新/作风);
  the weights of a competition sum to 100% (checked by the services whenever the set is saved and
  again when the competition starts; fixed from then on).
- `CompetitionTeam`: a participating team (an enterprise's union, a project section, a workshop),
  placed in the tree by its org, which lies in the organiser's subtree.
- `ScoringRound`: one round (a month or a quarter) scored by named judges; `CompetitionScore` is
  one judge's score (0–100) of one team on one criterion; `RoundResult` the team's weighted total
  and rank, written when the round is closed (the leaderboard and the history chart read them).
- `CompetitionEvidence`: an uploaded document (PDF/JPG/PNG) of a team, optionally for a round or
  a criterion; served only after a scope check.
- `CompetitionAward`: a final 立功 recognition of a team or of one person in a team; each also
  writes the honour record (`honours.services.awards.record_honour`, category COMPETITION).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = [
    "CompetitionStatus", "RoundPeriod", "TeamKind", "RoundStatus", "CompetitionAwardKind", "LabourCompetition",
    "CompetitionCriterion", "CompetitionTeam", "ScoringRound", "CompetitionScore", "RoundResult",
    "CompetitionEvidence", "CompetitionAward",
]


class CompetitionStatus(models.TextChoices):
    PLANNED = "PLANNED", pgettext_lazy("labour competition status", "Being prepared")
    RUNNING = "RUNNING", pgettext_lazy("labour competition status", "Under way")
    FINISHED = "FINISHED", pgettext_lazy("labour competition status", "Finished")
    CANCELLED = "CANCELLED", pgettext_lazy("labour competition status", "Cancelled")


class RoundPeriod(models.TextChoices):
    MONTHLY = "MONTHLY", _("Monthly")
    QUARTERLY = "QUARTERLY", _("Quarterly")


class TeamKind(models.TextChoices):
    ENTERPRISE = "ENTERPRISE", pgettext_lazy("competition team kind", "Enterprise")
    SECTION = "SECTION", pgettext_lazy("competition team kind", "Project section")
    WORKSHOP = "WORKSHOP", pgettext_lazy("competition team kind", "Workshop")


class RoundStatus(models.TextChoices):
    OPEN = "OPEN", pgettext_lazy("scoring round status", "Being scored")
    CLOSED = "CLOSED", pgettext_lazy("scoring round status", "Closed")


class CompetitionAwardKind(models.TextChoices):
    TEAM = "TEAM", pgettext_lazy("competition award kind", "Team")
    INDIVIDUAL = "INDIVIDUAL", pgettext_lazy("competition award kind", "Individual")


class LabourCompetition(ScopedModel):
    """Seen by the organiser's subtree and by every participating team's subtree."""

    scope_lookups = ("org", "teams__org")

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="labour_competitions",
                            verbose_name=_("organiser"))
    name = models.CharField(pgettext_lazy("labour competition", "name"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    period = models.CharField(_("scored"), max_length=10, choices=RoundPeriod.choices, default=RoundPeriod.MONTHLY)
    status = models.CharField(_("status"), max_length=10, choices=CompetitionStatus.choices,
                              default=CompetitionStatus.PLANNED)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("labour competition")
        verbose_name_plural = _("labour competitions")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "year"], name="labour_comp_status_year_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="labour_comp_ends_after_start"),
            models.CheckConstraint(condition=~Q(status="FINISHED") | Q(finished_on__isnull=False),
                                   name="labour_comp_finished_dated"),
            models.CheckConstraint(condition=~Q(status__in=["RUNNING", "FINISHED"]) | Q(started_on__isnull=False),
                                   name="labour_comp_started_dated"),
        ]

    def __str__(self):
        return self.name


class CompetitionCriterion(models.Model):
    competition = models.ForeignKey(LabourCompetition, on_delete=models.CASCADE, related_name="criteria",
                                    verbose_name=_("labour competition"))
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(pgettext_lazy("competition criterion", "name"), max_length=60)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("competition criterion")
        verbose_name_plural = _("competition criteria")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "code"], name="labour_criterion_code_once"),
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100), name="labour_criterion_weight_range"),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight}%)"


class CompetitionTeam(ScopedModel):
    scope_lookups = ("org", "competition__org")

    competition = models.ForeignKey(LabourCompetition, on_delete=models.CASCADE, related_name="teams",
                                    verbose_name=_("labour competition"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="competition_teams",
                            verbose_name=_("union"))
    name = models.CharField(pgettext_lazy("competition team", "name"), max_length=120)
    kind = models.CharField(pgettext_lazy("competition team", "kind"), max_length=10, choices=TeamKind.choices,
                            default=TeamKind.ENTERPRISE)
    leader = models.CharField(_("team leader"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("competition team")
        verbose_name_plural = _("competition teams")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="labour_team_name_once")]

    def __str__(self):
        return self.name


class ScoringRound(models.Model):
    competition = models.ForeignKey(LabourCompetition, on_delete=models.CASCADE, related_name="rounds",
                                    verbose_name=_("labour competition"))
    number = models.PositiveSmallIntegerField(_("round"))
    label = models.CharField(pgettext_lazy("scoring round", "period"), max_length=60)
    period_starts_on = models.DateField(_("period starts on"))
    period_ends_on = models.DateField(_("period ends on"))
    judges = models.JSONField(_("judges"), default=list)
    status = models.CharField(_("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scoring round")
        verbose_name_plural = _("scoring rounds")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="labour_round_number_once"),
            models.UniqueConstraint(fields=["competition"], condition=Q(status="OPEN"), name="labour_round_one_open"),
            models.CheckConstraint(condition=Q(period_ends_on__gte=F("period_starts_on")),
                                   name="labour_round_period_order"),
            models.CheckConstraint(condition=Q(status="OPEN") | Q(closed_on__isnull=False),
                                   name="labour_round_closed_dated"),
        ]

    def __str__(self):
        return f"{self.competition} · {self.label}"

    @property
    def is_open(self):
        return self.status == RoundStatus.OPEN


class CompetitionScore(models.Model):
    round = models.ForeignKey(ScoringRound, on_delete=models.CASCADE, related_name="scores",
                              verbose_name=_("scoring round"))
    team = models.ForeignKey(CompetitionTeam, on_delete=models.CASCADE, related_name="scores",
                             verbose_name=_("team"))
    criterion = models.ForeignKey(CompetitionCriterion, on_delete=models.CASCADE, related_name="scores",
                                  verbose_name=_("criterion"))
    judge = models.CharField(_("judge"), max_length=64)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("competition score")
        verbose_name_plural = _("competition scores")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "team", "criterion", "judge"], name="labour_score_once"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="labour_score_0_100"),
        ]

    def __str__(self):
        return f"{self.judge}: {self.score}"


class RoundResult(models.Model):
    round = models.ForeignKey(ScoringRound, on_delete=models.CASCADE, related_name="results",
                              verbose_name=_("scoring round"))
    team = models.ForeignKey(CompetitionTeam, on_delete=models.CASCADE, related_name="results",
                             verbose_name=_("team"))
    total = models.DecimalField(_("weighted total"), max_digits=6, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        verbose_name = _("round result")
        verbose_name_plural = _("round results")
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "team"], name="labour_result_once"),
            models.CheckConstraint(condition=Q(total__gte=0, total__lte=100), name="labour_result_0_100"),
        ]

    def __str__(self):
        return f"#{self.rank} {self.total}"


class CompetitionEvidence(models.Model):
    team = models.ForeignKey(CompetitionTeam, on_delete=models.CASCADE, related_name="evidence",
                             verbose_name=_("team"))
    round = models.ForeignKey(ScoringRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("scoring round"))
    criterion = models.ForeignKey(CompetitionCriterion, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("criterion"))
    file = models.FileField(_("file"), upload_to="competitions/labour/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=8)
    size = models.PositiveIntegerField(_("size (bytes)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("competition evidence")
        verbose_name_plural = _("competition evidence")
        ordering = ["id"]

    def __str__(self):
        return self.name


class CompetitionAward(models.Model):
    competition = models.ForeignKey(LabourCompetition, on_delete=models.CASCADE, related_name="awards",
                                    verbose_name=_("labour competition"))
    kind = models.CharField(pgettext_lazy("competition award", "kind"), max_length=10,
                            choices=CompetitionAwardKind.choices)
    team = models.ForeignKey(CompetitionTeam, on_delete=models.PROTECT, related_name="awards", verbose_name=_("team"))
    person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="competition_awards", verbose_name=_("person"))
    title = models.CharField(_("recognition"), max_length=120)
    conferred_on = models.DateField(_("conferred on"))
    honour = models.ForeignKey("honours.HonourRecord", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("honour record"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("competition award")
        verbose_name_plural = _("competition awards")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "team"], condition=Q(kind="TEAM"),
                                    name="labour_award_team_once"),
            models.UniqueConstraint(fields=["competition", "person"], condition=Q(kind="INDIVIDUAL"),
                                    name="labour_award_person_once"),
            models.CheckConstraint(condition=Q(kind="TEAM", person__isnull=True)
                                   | Q(kind="INDIVIDUAL", person__isnull=False), name="labour_award_holder"),
        ]

    def __str__(self):
        return f"{self.title} · {self.person.name if self.person_id else self.team.name}"
