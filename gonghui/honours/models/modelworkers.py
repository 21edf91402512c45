"""The model-worker registry (劳模, DOMAIN.md §5).

- `ModelWorker`: one registry entry per person (`members.Person`), placed at the union (org) that
  looks after them. `level` and `year` are the highest title held (kept by the services when a
  title is added); the profile (`story_title`, `story`) is published as an advanced-model story
  when `story_published` is set (the publicity module will pick published stories up later).
- `ModelWorkerTitle`: the history of titles (level, year, title name, conferring body). A title
  conferred on the platform names its source in `source_key` (unique when set), so conferring
  twice writes one title; each title also has its `HonourRecord` (category MODEL_WORKER).
- `ModelWorkerCare`: the yearly care: health checks, visits and subsidies (with an amount in yuan).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = [
    "ModelWorkerLevel", "MODEL_WORKER_LEVEL_RANK", "ModelWorker", "ModelWorkerTitle", "ModelWorkerCareKind",
    "ModelWorkerCare",
]


class ModelWorkerLevel(models.TextChoices):
    DISTRICT = "DISTRICT", pgettext_lazy("model worker level", "District model worker")
    CITY = "CITY", pgettext_lazy("model worker level", "City model worker")
    PROVINCE = "PROVINCE", pgettext_lazy("model worker level", "Provincial model worker")
    NATIONAL = "NATIONAL", pgettext_lazy("model worker level", "National model worker")


# Higher is more senior: the registry entry shows the highest title held.
MODEL_WORKER_LEVEL_RANK = {"DISTRICT": 1, "CITY": 2, "PROVINCE": 3, "NATIONAL": 4}


class ModelWorker(ScopedModel):
    """One person in the registry, seen from the union that looks after them."""

    scope_lookups = ("org",)

    person = models.OneToOneField("members.Person", on_delete=models.PROTECT, related_name="model_worker",
                                  verbose_name=_("person"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="model_workers",
                            verbose_name=_("union"))
    level = models.CharField(_("level"), max_length=10, choices=ModelWorkerLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    story_title = models.CharField(_("story title"), max_length=120, blank=True)
    story = models.TextField(_("story"), blank=True)
    story_published = models.BooleanField(_("story published"), default=False)
    story_published_on = models.DateField(_("story published on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("model worker")
        verbose_name_plural = _("model workers")
        ordering = ("-year", "-id")
        indexes = [
            models.Index(fields=["org", "-year"], name="model_worker_org_idx"),
            models.Index(fields=["level", "year"], name="model_worker_level_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=["DISTRICT", "CITY", "PROVINCE", "NATIONAL"]),
                                   name="model_worker_level_valid"),
            models.CheckConstraint(condition=Q(story_published=False)
                                   | Q(story_published_on__isnull=False) & ~Q(story=""),
                                   name="model_worker_published_story_complete"),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.get_level_display()}"


class ModelWorkerTitle(ScopedModel):
    scope_lookups = ("worker__org",)

    worker = models.ForeignKey(ModelWorker, on_delete=models.CASCADE, related_name="titles",
                               verbose_name=_("model worker"))
    level = models.CharField(_("level"), max_length=10, choices=ModelWorkerLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    conferred_on = models.DateField(_("conferred on"))
    conferred_by = models.CharField(_("conferred by"), max_length=120, blank=True)
    # "<app>.<Model>:<pk>" of the conferring row (an award's conferral); unique when set.
    source_key = models.CharField(max_length=80, blank=True)
    honour_record = models.OneToOneField("honours.HonourRecord", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="model_worker_title", verbose_name=_("honour record"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("model worker title")
        verbose_name_plural = _("model worker titles")
        ordering = ("-year", "-id")
        constraints = [
            models.UniqueConstraint(fields=["source_key"], condition=~Q(source_key=""),
                                    name="model_worker_title_one_per_source"),
            models.UniqueConstraint(fields=["worker", "level", "year"], name="model_worker_title_once_per_level_year"),
            models.CheckConstraint(condition=Q(year__gte=1950, year__lte=2100), name="model_worker_title_year_range"),
        ]

    def __str__(self):
        return f"{self.year} {self.title}"


class ModelWorkerCareKind(models.TextChoices):
    HEALTH_CHECK = "HEALTH_CHECK", pgettext_lazy("model worker care", "Health check")
    VISIT = "VISIT", pgettext_lazy("model worker care", "Visit")
    SUBSIDY = "SUBSIDY", pgettext_lazy("model worker care", "Subsidy")


class ModelWorkerCare(ScopedModel):
    """One act of care: a health check, a visit, or a subsidy paid (amount in yuan)."""

    scope_lookups = ("worker__org",)

    worker = models.ForeignKey(ModelWorker, on_delete=models.CASCADE, related_name="care_records",
                               verbose_name=_("model worker"))
    kind = models.CharField(pgettext_lazy("model worker care", "kind"), max_length=12,
                            choices=ModelWorkerCareKind.choices)
    happened_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    description = models.CharField(_("description"), max_length=400, blank=True)
    handled_by = models.CharField(_("handled by"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("model worker care record")
        verbose_name_plural = _("model worker care records")
        ordering = ("-happened_on", "-id")
        indexes = [
            models.Index(fields=["worker", "kind", "-happened_on"], name="model_worker_care_idx"),
            models.Index(fields=["kind", "happened_on"], name="model_worker_care_kind_idx"),
        ]
        constraints = [
            # A subsidy has a positive amount; a health check or a visit has none.
            models.CheckConstraint(condition=Q(kind="SUBSIDY", amount__isnull=False, amount__gt=0)
                                   | ~Q(kind="SUBSIDY") & Q(amount__isnull=True),
                                   name="model_worker_care_amount_for_subsidy"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.happened_on}"
