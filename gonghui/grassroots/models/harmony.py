"""和谐劳动关系 creation (harmonious labour relations, DOMAIN.md §4): a yearly indicator set the
district configures, each enterprise's yearly self-assessment against it, the town's review and
the district's rating.

- `IndicatorSet`: the scored indicators of one year (`Indicator`, max scores adding up to 100),
  edited while DRAFT and frozen once PUBLISHED (assessments score against it).
- `HarmonyAssessment`: one enterprise's self-assessment of one year (a DB constraint: one per
  enterprise per year), DRAFT → SUBMITTED → FORWARDED (town reviewed) → RATED (district), or
  RETURNED to the union by the town. Its scores are `IndicatorScore` rows (self, then review).
- `HarmonyEvidence`: uploaded proof for an indicator, served only after a scope check.

An assessment belongs to the enterprise's union (`org`); the enterprise's town sees it too.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = [
    "HarmonyStatus", "HarmonyAssessment", "HarmonyEvidence", "HarmonyRating", "Indicator", "IndicatorScore",
    "IndicatorSet", "IndicatorSetStatus", "IndicatorSource", "OPEN_HARMONY_STATUSES",
]


class IndicatorSetStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("indicator set status", "Draft")
    PUBLISHED = "PUBLISHED", pgettext_lazy("indicator set status", "Published")


class IndicatorSource(models.TextChoices):
    SELF = "SELF", _("Self-scored with evidence")
    CONGRESS = "CONGRESS", _("From records: workers' congress held this year")
    AGREEMENT = "AGREEMENT", _("From records: wage agreement in force")


class IndicatorSet(models.Model):
    """The indicators of one year. District-wide configuration: every user with a role may read
    it; only `grassroots.configure` (district) edits it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=120)
    status = models.CharField(_("status"), max_length=12, choices=IndicatorSetStatus.choices,
                              default=IndicatorSetStatus.DRAFT)
    submit_due_on = models.DateField(_("self-assessments due on"))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("harmony indicator set")
        verbose_name_plural = _("harmony indicator sets")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="harmony_set_year_range"),
            models.CheckConstraint(condition=Q(status=IndicatorSetStatus.DRAFT) | Q(published_on__isnull=False),
                                   name="harmony_set_published_has_date"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_draft(self):
        return self.status == IndicatorSetStatus.DRAFT


class Indicator(models.Model):
    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="indicators",
                                      verbose_name=_("harmony indicator set"))
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("indicator"), max_length=120)
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    source = models.CharField(_("how it is scored"), max_length=12, choices=IndicatorSource.choices,
                              default=IndicatorSource.SELF)
    evidence = models.CharField(_("evidence expected"), max_length=400, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("harmony indicator")
        verbose_name_plural = _("harmony indicators")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "code"], name="harmony_indicator_code_once"),
            models.CheckConstraint(condition=Q(max_score__gte=1, max_score__lte=100),
                                   name="harmony_indicator_max_1_100"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_auto(self):
        return self.source != IndicatorSource.SELF


class HarmonyStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("harmony assessment status", "Draft")
    SUBMITTED = "SUBMITTED", pgettext_lazy("harmony assessment status", "Submitted, awaiting town review")
    RETURNED = "RETURNED", pgettext_lazy("harmony assessment status", "Returned for changes")
    FORWARDED = "FORWARDED", pgettext_lazy("harmony assessment status", "Reviewed, awaiting district rating")
    RATED = "RATED", pgettext_lazy("harmony assessment status", "Rated")


OPEN_HARMONY_STATUSES = (HarmonyStatus.DRAFT, HarmonyStatus.RETURNED)


class HarmonyRating(models.TextChoices):
    MODEL = "MODEL", _("Model enterprise of harmonious labour relations")
    PASS = "PASS", _("Meets the harmonious labour relations standard")
    FAIL = "FAIL", _("Does not meet the standard")


class HarmonyAssessment(ScopedModel):
    scope_lookups = ("org", "enterprise__town")

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="harmony_assessments",
                            verbose_name=_("union"))
    enterprise = models.ForeignKey("orgs.Enterprise", on_delete=models.PROTECT, related_name="harmony_assessments",
                                   verbose_name=_("enterprise"))
    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="assessments",
                                      verbose_name=_("harmony indicator set"))
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=12, choices=HarmonyStatus.choices,
                              default=HarmonyStatus.DRAFT)
    due_on = models.DateField(_("self-assessment due on"))
    self_note = models.TextField(_("notes of the self-assessment"), blank=True)
    self_total = models.PositiveSmallIntegerField(_("self-assessed score"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=400, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_note = models.TextField(_("town review opinion"), blank=True)
    review_total = models.PositiveSmallIntegerField(_("reviewed score"), null=True, blank=True)
    rated_on = models.DateField(_("rated on"), null=True, blank=True)
    threshold_rating = models.CharField(_("rating by the thresholds"), max_length=8, choices=HarmonyRating.choices,
                                        blank=True)
    rating = models.CharField(_("rating"), max_length=8, choices=HarmonyRating.choices, blank=True)
    rating_reason = models.CharField(_("reason for the rating"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("harmony self-assessment")
        verbose_name_plural = _("harmony self-assessments")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["year", "status", "id"], name="harmony_year_status_idx"),
            models.Index(fields=["status", "id"], name="harmony_status_idx"),
            models.Index(fields=["year", "rating", "id"], name="harmony_year_rating_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="harmony_one_per_enterprise_year"),
            models.CheckConstraint(condition=Q(self_total__isnull=True) | Q(self_total__lte=100),
                                   name="harmony_self_total_0_100"),
            models.CheckConstraint(condition=Q(review_total__isnull=True) | Q(review_total__lte=100),
                                   name="harmony_review_total_0_100"),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_HARMONY_STATUSES)
                | Q(submitted_on__isnull=False, self_total__isnull=False),
                name="harmony_submitted_has_date"),
            models.CheckConstraint(
                condition=~Q(status__in=(HarmonyStatus.FORWARDED, HarmonyStatus.RATED))
                | Q(reviewed_on__gte=F("submitted_on"), review_total__isnull=False),
                name="harmony_forwarded_was_reviewed"),
            models.CheckConstraint(
                condition=~Q(status=HarmonyStatus.RATED)
                | (Q(rated_on__gte=F("reviewed_on")) & ~Q(rating="") & ~Q(threshold_rating="")),
                name="harmony_rated_has_rating"),
            # A rating other than the thresholds' is decided with a reason.
            models.CheckConstraint(condition=Q(rating=F("threshold_rating")) | ~Q(rating_reason=""),
                                   name="harmony_override_has_reason"),
            models.CheckConstraint(condition=~Q(status=HarmonyStatus.RETURNED) | ~Q(return_reason=""),
                                   name="harmony_returned_has_reason"),
        ]

    def __str__(self):
        return f"{self.enterprise.name} {self.year}"

    @classmethod
    def default_view_action(cls):
        return "grassroots.view"

    def scope_orgs(self):
        return [o for o in (self.org, self.enterprise.town) if o is not None]

    @property
    def is_open(self):
        return self.status in OPEN_HARMONY_STATUSES


class IndicatorScore(models.Model):
    """The score of one indicator: self-assessed (or prefilled from records), then the town's."""

    assessment = models.ForeignKey(HarmonyAssessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scores",
                                  verbose_name=_("indicator"))
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    self_score = models.PositiveSmallIntegerField(_("self-assessed score"), null=True, blank=True)
    self_note = models.CharField(_("explanation"), max_length=1000, blank=True)
    record_figure = models.CharField(_("what the records show"), max_length=200, blank=True)
    review_score = models.PositiveSmallIntegerField(_("reviewed score"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        ordering = ["indicator__position", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="harmony_score_once"),
            models.CheckConstraint(condition=Q(self_score__isnull=True) | Q(self_score__lte=F("max_score")),
                                   name="harmony_self_score_within_max"),
            models.CheckConstraint(condition=Q(review_score__isnull=True) | Q(review_score__lte=F("max_score")),
                                   name="harmony_review_score_within_max"),
        ]

    def __str__(self):
        return f"{self.indicator_id}: {self.self_score}/{self.max_score}"


class HarmonyEvidence(models.Model):
    """A scan or photo proving an indicator (PDF, JPG or PNG, checked by content)."""

    assessment = models.ForeignKey(HarmonyAssessment, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="evidence_files",
                                  verbose_name=_("indicator"))
    file = models.FileField(_("file"), upload_to="grassroots/harmony/%Y/")
    name = models.CharField(_("file name"), max_length=120)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("uploaded by"))

    class Meta:
        verbose_name = _("harmony evidence")
        verbose_name_plural = _("harmony evidence")
        ordering = ["id"]

    def __str__(self):
        return self.name
