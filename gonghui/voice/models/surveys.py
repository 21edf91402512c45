"""晴雨表 surveys of worker wishes (DOMAIN.md §8): built by an org, targeted at part of its subtree,
answered once per person on the phone, read as charts per question with breakdowns.

Targeting (who is asked), precisely — a person is targeted by a survey when one of their membership
periods satisfies all three:
1. place: the period's union lies under one of `target_orgs` (each in the owner's subtree), or
   under the owner `org` itself when no target org is chosen (the whole subtree);
2. industry: when `industries` is not empty, the period's enterprise has one of these industries
   (a period without an enterprise is then not targeted);
3. audience: `MEMBERS` — the period is live (active or transfer pending); `WORKERS` — also a
   period that ended by leaving the union (LEFT) when the person has no live period anywhere
   (workers of the enterprise who are on record but no longer members).

`targeted_count` and `targeted_by_town` are counted when the survey opens and again when it closes
(the denominators of participation); `response_count` is kept by the response service.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = [
    "SurveyStatus", "SurveyAudience", "QuestionKind", "Survey", "Question", "Option", "SurveyResponse",
    "SurveyAnswer",
]


class SurveyStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("survey status", "Draft")
    OPEN = "OPEN", pgettext_lazy("survey status", "Open")
    CLOSED = "CLOSED", pgettext_lazy("survey status", "Closed")


class SurveyAudience(models.TextChoices):
    MEMBERS = "MEMBERS", pgettext_lazy("survey audience", "Members only")
    WORKERS = "WORKERS", pgettext_lazy("survey audience", "All registered workers")


class QuestionKind(models.TextChoices):
    SINGLE = "SINGLE", pgettext_lazy("question kind", "Single choice")
    MULTI = "MULTI", pgettext_lazy("question kind", "Multiple choice")
    SCALE = "SCALE", pgettext_lazy("question kind", "Scale")
    TEXT = "TEXT", pgettext_lazy("question kind", "Text")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTI)


class Survey(ScopedModel):
    """One survey, owned by `org` (whose subtree it may target)."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    title = models.CharField(pgettext_lazy("survey", "title"), max_length=120)
    intro = models.TextField(_("introduction"), max_length=2000, blank=True)
    status = models.CharField(pgettext_lazy("survey", "status"), max_length=8, choices=SurveyStatus.choices,
                              default=SurveyStatus.DRAFT)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    # Anonymous results: nobody sees who answered (no respondent list), and breakdown groups with
    # fewer than `rules().min_group` responses are hidden so a small group cannot be identified.
    anonymous_results = models.BooleanField(_("anonymous results"), default=True)
    audience = models.CharField(_("audience"), max_length=8, choices=SurveyAudience.choices,
                                default=SurveyAudience.MEMBERS)
    target_orgs = models.ManyToManyField("orgs.Org", blank=True, related_name="+",
                                         verbose_name=_("targeted organisations"))
    industries = models.JSONField(_("targeted industries"), default=list, blank=True)
    targeted_count = models.PositiveIntegerField(_("targeted"), default=0)
    # {"<town id>": count, "": count of people under no town}, counted with targeted_count.
    targeted_by_town = models.JSONField(default=dict, blank=True, editable=False)
    response_count = models.PositiveIntegerField(_("responses"), default=0)
    # Next respondent number (1, 2, …): the only identifier the export carries.
    next_respondent_no = models.PositiveIntegerField(default=1, editable=False)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ("-opens_on", "-id")
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                   name="voice_survey_closes_after_opens"),
        ]
        indexes = [models.Index(fields=["status", "opens_on"], name="voice_survey_status_idx")]

    def __str__(self):
        return self.title

    @property
    def participation(self):
        """Responses ÷ targeted, a fraction (None when nobody is targeted)."""
        return self.response_count / self.targeted_count if self.targeted_count else None


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions",
                               verbose_name=_("survey"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    # SCALE: answers 1..scale_max (5 or 10).
    scale_max = models.PositiveSmallIntegerField(_("scale"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ("order", "id")

    def __str__(self):
        return self.text

    @property
    def is_choice(self):
        return self.kind in CHOICE_KINDS


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options",
                                 verbose_name=_("question"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("option"), max_length=120)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ("order", "id")

    def __str__(self):
        return self.text


class SurveyResponse(ScopedModel):
    """One person's response to one survey. The town, union, industry and age band are copied at
    submission so breakdowns stay as they were (a later transfer does not move old answers)."""

    scope_lookups = ("survey__org",)

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses",
                               verbose_name=_("survey"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("respondent"))
    respondent_no = models.PositiveIntegerField(_("respondent no."))
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("town"))
    union = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("union"))
    industry = models.CharField(_("industry"), max_length=16, blank=True)
    age_band = models.CharField(_("age band"), max_length=8, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ("-id",)
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="voice_one_response_per_person",
                                    violation_error_message=_("You have already answered this survey.")),
            models.UniqueConstraint(fields=["survey", "respondent_no"], name="voice_respondent_no_unique"),
        ]
        indexes = [models.Index(fields=["survey", "town"], name="voice_sresp_town_idx")]

    def __str__(self):
        return f"{self.survey_id}#{self.respondent_no}"


class SurveyAnswer(models.Model):
    """One answer: a chosen option (one row per option of a multiple choice), a scale value, or text."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(Option, null=True, blank=True, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=["question", "option"], name="voice_sans_q_opt_idx")]

    def __str__(self):
        return f"{self.response_id}/{self.question_id}"
