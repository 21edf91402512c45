"""Theme activities (主题活动, DOMAIN.md §8): 中国梦·劳动美 and 五进五送 activities a union (or a
town, or the district) logs with date, place, content, participants and photos.

- `ThemeActivity`: one activity held by `org`. Status DRAFT → SUBMITTED → CONFIRMED by the town (or
  RETURNED with a reason, corrected and submitted again). Only CONFIRMED activities count in the
  yearly report (`selectors.activities.yearly_stats`). `town` is copied from the org when it is
  written, so counts by town are one GROUP BY.
- `ActivityPhoto`: a JPG or PNG (checked by content) of the activity, served privately.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = ["ActivityStatus", "ThemeActivity", "ActivityPhoto", "EDITABLE_STATUSES"]


class ActivityStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("theme activity status", "Draft")
    SUBMITTED = "SUBMITTED", pgettext_lazy("theme activity status", "Awaiting confirmation")
    CONFIRMED = "CONFIRMED", pgettext_lazy("theme activity status", "Confirmed")
    RETURNED = "RETURNED", pgettext_lazy("theme activity status", "Returned for correction")


# The organiser may change the record (and its photos) in these statuses.
EDITABLE_STATUSES = (ActivityStatus.DRAFT, ActivityStatus.RETURNED)


class ThemeActivity(ScopedModel):
    """A theme activity held by `org` on `held_on`."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    # The town (or platform) of `org`, None for the district's own activities: the report's row.
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    theme = models.CharField(_("theme"), max_length=20)
    title = models.CharField(_("title"), max_length=120)
    held_on = models.DateField(pgettext_lazy("theme activity", "held on"))
    place = models.CharField(_("place"), max_length=120)
    content = models.TextField(_("content"), max_length=4000)
    participants = models.PositiveIntegerField(_("participants (person-times)"))
    organisers = models.CharField(_("organisers and partners"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ActivityStatus.choices,
                              default=ActivityStatus.DRAFT)
    return_reason = models.CharField(_("reason for return"), max_length=400, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("confirmed or returned at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reviewed by"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("theme activity")
        verbose_name_plural = _("theme activities")
        ordering = ("-id",)
        constraints = [
            models.CheckConstraint(condition=~models.Q(status="RETURNED") | ~models.Q(return_reason=""),
                                   name="publicity_activity_returned_has_reason"),
        ]
        indexes = [
            models.Index(fields=["status", "held_on"], name="publicity_act_status_idx"),
            models.Index(fields=["town", "held_on"], name="publicity_act_town_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def theme_label(self):
        from ..rules.activities import theme_label

        return theme_label(self.theme)


class ActivityPhoto(models.Model):
    """Read through its activity (scoped)."""

    activity = models.ForeignKey(ThemeActivity, on_delete=models.CASCADE, related_name="photos",
                                 verbose_name=_("theme activity"))
    image = models.FileField(_("photo"), upload_to="publicity/activities/%Y/%m/")
    kind = models.CharField(max_length=8)  # "jpeg" or "png", found by content
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("theme activity photo")
        verbose_name_plural = _("theme activity photos")
        ordering = ("uploaded_at", "id")

    def __str__(self):
        return self.caption or f"{self.activity} #{self.pk}"
