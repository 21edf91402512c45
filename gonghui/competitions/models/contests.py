"""Skills contests (技能比武, DOMAIN.md §5).

- `ContestTrade`: the district's trade catalogue (工种); `is_regular` marks the "ten regular
  trades" the district runs every year. District configuration (`competitions.configure`).
- `SkillContest`: one contest of a trade in a year, organised by an org: the district
  (DISTRICT level), a town (TOWN) or an enterprise union (ENTERPRISE). Eligibility rules (age on
  the contest day, live membership, minimum skill grade), capacity, the weights of the theory and
  practical scores (summing to 100), and the status: DRAFT → OPEN (registration) → CLOSED
  (scoring) → PUBLISHED (results), or CANCELLED.
- `ContestEntry`: one worker registered by their union (or, later, by themself from the
  portal), with a unique exam number within the contest, the two scores, the weighted total and
  the rank computed when the results are published.

A contest is seen by its organiser's subtree (who runs it) and by every org under it (who may
register workers): `SkillContestQuerySet.visible_to`. An entry is seen by its union's subtree
and by the organiser's subtree.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel, ScopedQuerySet, user_scope
from gonghui.members.models import SkillLevel

__all__ = [
    "ContestLevel", "ContestStatus", "ContestEntryStatus", "ContestTrade", "SkillContest", "ContestEntry",
    "SKILL_ORDER", "skill_rank",
]

# Skill grades from none to the highest (members.SkillLevel: level 5 is junior, level 1 senior technician).
SKILL_ORDER = (SkillLevel.NONE, SkillLevel.LEVEL5, SkillLevel.LEVEL4, SkillLevel.LEVEL3, SkillLevel.LEVEL2,
               SkillLevel.LEVEL1)


def skill_rank(level) -> int:
    try:
        return SKILL_ORDER.index(level)
    except ValueError:
        return 0


class ContestLevel(models.TextChoices):
    DISTRICT = "DISTRICT", pgettext_lazy("contest level", "District")
    TOWN = "TOWN", pgettext_lazy("contest level", "Town")
    ENTERPRISE = "ENTERPRISE", pgettext_lazy("contest level", "Enterprise")


class ContestStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("contest status", "Being prepared")
    OPEN = "OPEN", pgettext_lazy("contest status", "Registration open")
    CLOSED = "CLOSED", pgettext_lazy("contest status", "Registration closed, scoring")
    PUBLISHED = "PUBLISHED", pgettext_lazy("contest status", "Results published")
    CANCELLED = "CANCELLED", pgettext_lazy("contest status", "Cancelled")


class ContestEntryStatus(models.TextChoices):
    REGISTERED = "REGISTERED", pgettext_lazy("contest entry status", "Registered")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("contest entry status", "Withdrawn")


class ContestTrade(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("trade"), max_length=60, unique=True)
    is_regular = models.BooleanField(_("one of the ten regular trades"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("contest trade")
        verbose_name_plural = _("contest trades")
        ordering = ["-is_regular", "code"]

    def __str__(self):
        return self.name


class SkillContestQuerySet(ScopedQuerySet):
    def visible_to(self, user, action=None):
        """Contests organised in the user's subtree, and contests organised above it (open to the
        user's workers): a materialised-path prefix either way."""
        action = action or "competitions.view"
        everything, paths = user_scope(user, action)
        if everything:
            return self
        if not paths:
            return self.none()
        cond = Q()
        ancestors = set()
        for path in paths:
            cond |= Q(org__path__startswith=path)
            ancestors.update(path[:i] for i in range(4, len(path), 4))
        if ancestors:
            cond |= Q(org__path__in=sorted(ancestors))
        return self.filter(cond)

    def organised_by(self, user, action):
        """Contests organised inside the user's subtree for `action` (not those above it)."""
        return super().visible_to(user, action)


class SkillContest(ScopedModel):
    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="skill_contests",
                            verbose_name=_("organiser"))
    trade = models.ForeignKey(ContestTrade, on_delete=models.PROTECT, related_name="contests",
                              verbose_name=_("trade"))
    level = models.CharField(_("level"), max_length=12, choices=ContestLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("contest"), max_length=120)
    held_on = models.DateField(_("contest day"))
    registration_closes_on = models.DateField(_("registration closes on"))
    venue = models.CharField(_("contest venue"), max_length=120, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=18)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), default=60)
    min_skill_level = models.CharField(_("minimum skill grade"), max_length=8, choices=SkillLevel.choices,
                                       default=SkillLevel.NONE)
    theory_weight = models.PositiveSmallIntegerField(_("theory weight (%)"), default=30)
    practical_weight = models.PositiveSmallIntegerField(_("practical weight (%)"), default=70)
    winners = models.PositiveSmallIntegerField(_("ranks honoured"), default=3)
    exam_prefix = models.CharField(_("exam number prefix"), max_length=16)
    next_exam_seq = models.PositiveIntegerField(default=1, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=ContestStatus.choices, default=ContestStatus.DRAFT)
    published_on = models.DateField(_("results published on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SkillContestQuerySet.as_manager()

    class Meta:
        verbose_name = _("skills contest")
        verbose_name_plural = _("skills contests")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["year", "id"], name="contest_year_idx"),
                   models.Index(fields=["status", "held_on"], name="contest_status_held_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(theory_weight__lte=100, practical_weight__lte=100)
                                   & Q(theory_weight=100 - F("practical_weight")), name="contest_weights_sum_100"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="contest_capacity_positive"),
            models.CheckConstraint(condition=Q(min_age__lte=F("max_age")), name="contest_age_range"),
            models.CheckConstraint(condition=Q(registration_closes_on__lte=F("held_on")),
                                   name="contest_registration_before_held"),
            models.CheckConstraint(condition=~Q(status="PUBLISHED") | Q(published_on__isnull=False),
                                   name="contest_published_has_date"),
            models.UniqueConstraint(fields=["exam_prefix"], name="contest_exam_prefix_once"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_published(self):
        return self.status == ContestStatus.PUBLISHED


class ContestEntry(ScopedModel):
    # Seen by the registering union's subtree and by the organiser's subtree.
    scope_lookups = ("union", "contest__org")

    contest = models.ForeignKey(SkillContest, on_delete=models.CASCADE, related_name="entries",
                                verbose_name=_("contest"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="contest_entries",
                               verbose_name=_("person"))
    union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="contest_entries",
                              verbose_name=_("union"))
    person_name = models.CharField(_("name"), max_length=64)
    exam_no = models.CharField(_("exam number"), max_length=32)
    status = models.CharField(_("status"), max_length=12, choices=ContestEntryStatus.choices,
                              default=ContestEntryStatus.REGISTERED)
    self_registered = models.BooleanField(_("registered by the member"), default=False)
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("registered by"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    absent = models.BooleanField(_("absent"), default=False)
    theory_score = models.DecimalField(_("theory score"), max_digits=5, decimal_places=2, null=True, blank=True)
    practical_score = models.DecimalField(_("practical score"), max_digits=5, decimal_places=2, null=True,
                                          blank=True)
    total_score = models.DecimalField(_("weighted total"), max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("contest entry")
        verbose_name_plural = _("contest entries")
        ordering = ["contest", "exam_no"]
        indexes = [models.Index(fields=["contest", "status", "rank"], name="contest_entry_rank_idx"),
                   models.Index(fields=["union", "id"], name="contest_entry_union_idx")]
        constraints = [
            models.UniqueConstraint(fields=["contest", "exam_no"], name="contest_entry_exam_no_once"),
            models.UniqueConstraint(fields=["contest", "person"], condition=Q(status="REGISTERED"),
                                    name="contest_entry_person_once"),
            models.UniqueConstraint(fields=["contest", "rank"], condition=Q(rank__isnull=False),
                                    name="contest_entry_rank_once"),
            models.CheckConstraint(condition=Q(theory_score__isnull=True)
                                   | Q(theory_score__gte=0, theory_score__lte=100), name="contest_theory_0_100"),
            models.CheckConstraint(condition=Q(practical_score__isnull=True)
                                   | Q(practical_score__gte=0, practical_score__lte=100),
                                   name="contest_practical_0_100"),
            models.CheckConstraint(condition=Q(rank__isnull=True) | Q(status="REGISTERED", absent=False),
                                   name="contest_rank_only_for_competitors"),
        ]

    def __str__(self):
        return f"{self.exam_no} {self.person_name}"
