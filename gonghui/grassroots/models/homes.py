"""职工之家 (workers' home) assessment: versioned standards per level and the assessments scored
against them (DOMAIN.md §4).

- `HomeStandard`: one version of the standard of a level (区级/市级/省级/全国模范职工之家), in
  force from `effective_year`; a draft while district staff edit it, frozen once published.
- `HomeCriterion`: one line of its scored checklist: AUTO (computed from records by a source of
  the registry in `selectors.homes`) or REVIEWER (scored by the reviewers, with evidence).
- `HomeAssessment`: one union's application for a level (or a re-check of an award), scored
  under the version it started with; its lines are `HomeAssessmentItem` rows that copy the
  criterion (code, text, maximum, method) so a later version never rewrites an old score.
- `HomeEvidence`: an uploaded document (PDF/JPG/PNG) backing one line; served only after a
  scope check.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = [
    "HomeLevel", "StandardStatus", "ScoringMethod", "HomeStandard", "HomeCriterion", "AssessmentKind",
    "HomeAssessmentStatus", "OPEN_HOME_STATUSES", "HomeAssessment", "HomeAssessmentItem", "HomeEvidence",
]


class HomeLevel(models.TextChoices):
    DISTRICT = "DISTRICT", _("District model workers' home (区级)")
    CITY = "CITY", _("City model workers' home (市级)")
    PROVINCE = "PROVINCE", _("Provincial model workers' home (省级)")
    NATIONAL = "NATIONAL", _("National model workers' home (全国)")


class StandardStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("home standard status", "Draft")
    PUBLISHED = "PUBLISHED", pgettext_lazy("home standard status", "Published")


class ScoringMethod(models.TextChoices):
    AUTO = "AUTO", _("Computed from records")
    REVIEWER = "REVIEWER", _("Scored by reviewers with evidence")


class HomeStandard(models.Model):
    """One version of a level's standard. District-wide configuration: not scoped to an org;
    everyone with `grassroots.view` may read it, only `grassroots.configure` may change it."""

    level = models.CharField(_("level"), max_length=10, choices=HomeLevel.choices)
    effective_year = models.PositiveSmallIntegerField(_("in force from (year)"))
    title = models.CharField(pgettext_lazy("home standard", "title"), max_length=120)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"))
    status = models.CharField(_("status"), max_length=10, choices=StandardStatus.choices,
                              default=StandardStatus.DRAFT)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="copies", verbose_name=_("copied from"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("workers' home standard")
        verbose_name_plural = _("workers' home standards")
        ordering = ["level", "-effective_year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["level", "effective_year"], name="home_standard_level_year_once"),
            models.CheckConstraint(condition=Q(pass_mark__gte=1), name="home_standard_pass_mark_positive"),
            models.CheckConstraint(condition=Q(status="DRAFT") | Q(published_on__isnull=False),
                                   name="home_standard_published_has_date"),
        ]

    def __str__(self):
        return f"{self.get_level_display()} {self.effective_year}"

    @property
    def is_draft(self):
        return self.status == StandardStatus.DRAFT


class HomeCriterion(models.Model):
    standard = models.ForeignKey(HomeStandard, on_delete=models.CASCADE, related_name="criteria",
                                 verbose_name=_("standard"))
    code = models.CharField(_("code"), max_length=32)
    text = models.CharField(_("criterion"), max_length=300)
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    method = models.CharField(_("how it is scored"), max_length=10, choices=ScoringMethod.choices)
    auto_source = models.CharField(_("record source"), max_length=32, blank=True)
    evidence_hint = models.CharField(_("evidence expected"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("workers' home criterion")
        verbose_name_plural = _("workers' home criteria")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="home_criterion_code_once"),
            models.CheckConstraint(condition=Q(max_score__gte=1, max_score__lte=100), name="home_criterion_max_1_100"),
            models.CheckConstraint(condition=Q(method="REVIEWER") | ~Q(auto_source=""),
                                   name="home_criterion_auto_has_source"),
        ]

    def __str__(self):
        return f"{self.code} {self.text}"


class AssessmentKind(models.TextChoices):
    INITIAL = "INITIAL", pgettext_lazy("home assessment kind", "Application")
    RECHECK = "RECHECK", pgettext_lazy("home assessment kind", "Re-check")


class HomeAssessmentStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("home assessment status", "Being prepared")
    SUBMITTED = "SUBMITTED", pgettext_lazy("home assessment status", "Waiting for the town's review")
    RETURNED = "RETURNED", pgettext_lazy("home assessment status", "Returned to the union")
    FORWARDED = "FORWARDED", pgettext_lazy("home assessment status", "Waiting for the district's review")
    AWARDED = "AWARDED", pgettext_lazy("home assessment status", "Awarded")
    RENEWED = "RENEWED", pgettext_lazy("home assessment status", "Award confirmed by a re-check")
    REFUSED = "REFUSED", pgettext_lazy("home assessment status", "Not awarded")
    REVOKED = "REVOKED", pgettext_lazy("home assessment status", "Award revoked")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("home assessment status", "Withdrawn")


OPEN_HOME_STATUSES = (HomeAssessmentStatus.DRAFT, HomeAssessmentStatus.SUBMITTED, HomeAssessmentStatus.RETURNED,
                            HomeAssessmentStatus.FORWARDED)


class HomeAssessment(ScopedModel):
    """One union's application for a level, or a re-check of its award (`recheck_of`)."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="home_assessments",
                            verbose_name=_("union"))
    standard = models.ForeignKey(HomeStandard, on_delete=models.PROTECT, related_name="assessments",
                                 verbose_name=_("standard"))
    level = models.CharField(_("level"), max_length=10, choices=HomeLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(pgettext_lazy("home assessment", "kind"), max_length=8, choices=AssessmentKind.choices,
                            default=AssessmentKind.INITIAL)
    # CASCADE, not SET_NULL: a re-check without its award would break `home_assessment_recheck_linked`
    # (awards are never deleted by the services; only the demo's wipe deletes them, re-checks first).
    recheck_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="rechecks", verbose_name=_("re-check of"))
    status = models.CharField(_("status"), max_length=10, choices=HomeAssessmentStatus.choices,
                              default=HomeAssessmentStatus.DRAFT)
    started_on = models.DateField(_("started on"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    review_due_on = models.DateField(_("review due on"), null=True, blank=True)
    town_reviewed_on = models.DateField(_("town reviewed on"), null=True, blank=True)
    town_reviewer = models.CharField(_("town reviewer"), max_length=64, blank=True)
    town_comments = models.TextField(_("town's comments"), blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=400, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    district_comments = models.TextField(_("district's comments"), blank=True)
    refuse_reason = models.CharField(_("reason for not awarding"), max_length=400, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=64, blank=True)
    recheck_due_on = models.DateField(_("re-check due on"), null=True, blank=True)
    recheck_reminded = models.CharField(_("re-check reminder sent"), max_length=8, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=400, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    auto_computed_on = models.DateField(_("record criteria computed on"), null=True, blank=True)
    total_score = models.PositiveSmallIntegerField(_("total score"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("workers' home assessment")
        verbose_name_plural = _("workers' home assessments")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "review_due_on"], name="home_assess_review_due_idx"),
            models.Index(fields=["status", "recheck_due_on"], name="home_assess_recheck_due_idx"),
            models.Index(fields=["year", "id"], name="home_assess_year_idx"),
        ]
        constraints = [
            # One open assessment per union and level; one standing award per union and level.
            models.UniqueConstraint(fields=["org", "level"], condition=Q(status__in=OPEN_HOME_STATUSES),
                                    name="home_assessment_one_open"),
            models.UniqueConstraint(fields=["org", "level"], condition=Q(status="AWARDED"),
                                    name="home_assessment_one_award"),
            models.CheckConstraint(
                condition=~Q(status__in=["AWARDED", "RENEWED", "REVOKED"])
                | Q(decided_on__isnull=False, recheck_due_on__isnull=False) & ~Q(certificate_no=""),
                name="home_assessment_award_complete"),
            models.CheckConstraint(condition=Q(kind="INITIAL") | Q(recheck_of__isnull=False),
                                   name="home_assessment_recheck_linked"),
            models.CheckConstraint(condition=Q(submitted_on__isnull=True) | Q(submitted_on__gte=F("started_on")),
                                   name="home_assessment_submitted_after_start"),
            models.CheckConstraint(condition=Q(decided_on__isnull=True) | Q(submitted_on__isnull=False)
                                   & Q(decided_on__gte=F("submitted_on")),
                                   name="home_assessment_decided_after_submitted"),
        ]

    def __str__(self):
        return f"{self.org.name} {self.get_level_display()} {self.year}"

    @property
    def is_open(self):
        return self.status in OPEN_HOME_STATUSES


class HomeAssessmentItem(models.Model):
    """One line of an assessment: the criterion as it stood, and the scores given. AUTO lines carry
    the figures they were computed from (`auto_figures`) and score the maximum when met, else 0."""

    assessment = models.ForeignKey(HomeAssessment, on_delete=models.CASCADE, related_name="items",
                                   verbose_name=_("assessment"))
    code = models.CharField(_("code"), max_length=32)
    text = models.CharField(_("criterion"), max_length=300)
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    method = models.CharField(_("how it is scored"), max_length=10, choices=ScoringMethod.choices)
    auto_source = models.CharField(_("record source"), max_length=32, blank=True)
    evidence_hint = models.CharField(_("evidence expected"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    auto_met = models.BooleanField(_("met by the records"), null=True, blank=True)
    auto_figures = models.JSONField(_("figures from the records"), default=dict, blank=True)
    auto_summary = models.CharField(_("what the records show"), max_length=300, blank=True)
    self_score = models.PositiveSmallIntegerField(_("union's own score"), null=True, blank=True)
    self_note = models.CharField(_("union's note"), max_length=400, blank=True)
    town_score = models.PositiveSmallIntegerField(_("town's score"), null=True, blank=True)
    town_note = models.CharField(_("town's note"), max_length=400, blank=True)
    final_score = models.PositiveSmallIntegerField(_("district's score"), null=True, blank=True)
    final_note = models.CharField(_("district's note"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("workers' home assessment line")
        verbose_name_plural = _("workers' home assessment lines")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="home_item_code_once"),
            models.CheckConstraint(condition=Q(self_score__isnull=True) | Q(self_score__lte=F("max_score")),
                                   name="home_item_self_within_max"),
            models.CheckConstraint(condition=Q(town_score__isnull=True) | Q(town_score__lte=F("max_score")),
                                   name="home_item_town_within_max"),
            models.CheckConstraint(condition=Q(final_score__isnull=True) | Q(final_score__lte=F("max_score")),
                                   name="home_item_final_within_max"),
        ]

    def __str__(self):
        return f"{self.code} {self.text}"

    @property
    def is_auto(self):
        return self.method == ScoringMethod.AUTO

    @property
    def auto_score(self):
        return self.max_score if self.auto_met else 0

    @property
    def current_score(self):
        """The score that counts now: the district's, else the town's, else the union's own."""
        if self.is_auto:
            return self.auto_score
        for value in (self.final_score, self.town_score, self.self_score):
            if value is not None:
                return value
        return None


class HomeEvidence(models.Model):
    item = models.ForeignKey(HomeAssessmentItem, on_delete=models.CASCADE, related_name="evidence",
                             verbose_name=_("assessment line"))
    file = models.FileField(_("file"), upload_to="grassroots/homes/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=8)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("workers' home evidence")
        verbose_name_plural = _("workers' home evidence")
        ordering = ["id"]

    def __str__(self):
        return self.name
