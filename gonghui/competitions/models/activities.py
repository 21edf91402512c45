"""On-the-job activities (岗位成才 / 岗位建功 / 岗位练兵): simple recorded activities of an org with
their participants (members of the org's subtree) and each participant's result."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = ["ActivityKind", "JobActivity", "ActivityParticipant"]


class ActivityKind(models.TextChoices):
    TALENT = "TALENT", _("Growing into talent on the job (岗位成才)")
    MERIT = "MERIT", _("Making contributions on the job (岗位建功)")
    TRAINING = "TRAINING", _("On-the-job skills training (岗位练兵)")


class JobActivity(ScopedModel):
    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="job_activities",
                            verbose_name=_("organiser"))
    kind = models.CharField(pgettext_lazy("job activity", "kind"), max_length=10, choices=ActivityKind.choices)
    title = models.CharField(pgettext_lazy("job activity", "title"), max_length=120)
    held_on = models.DateField(_("held on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    participant_count = models.PositiveIntegerField(_("participants"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("on-the-job activity")
        verbose_name_plural = _("on-the-job activities")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["kind", "held_on"], name="job_activity_kind_held_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("held_on")),
                                   name="job_activity_ends_after_start"),
        ]

    def __str__(self):
        return self.title


class ActivityParticipant(models.Model):
    activity = models.ForeignKey(JobActivity, on_delete=models.CASCADE, related_name="participants",
                                 verbose_name=_("on-the-job activity"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="job_activities",
                               verbose_name=_("person"))
    result = models.CharField(_("result"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity participant")
        verbose_name_plural = _("activity participants")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="job_activity_person_once")]

    def __str__(self):
        return self.person.name
