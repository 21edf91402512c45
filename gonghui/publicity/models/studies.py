"""Cadre study sessions (干部学习, DOMAIN.md §8): 理论学习, 业务培训… organised by a federation or union
for the cadres of its subtree, with invitees, attendance and materials.

- `StudySession`: one session of an organiser (`org`); its kind is one of the configurable kinds
  (rules `kinds`); PLANNED → HELD (by the organiser or the nightly task once it has ended) or
  CANCELLED (with a reason). `town` is the organiser's town (None for the district), copied at
  creation, so the yearly counts by town group without walking the tree.
- `StudyInvitee`: one invited cadre (a user holding a non-member role in the organiser's
  subtree) and their attendance at that session: blank until marked, then PRESENT / LATE /
  ABSENT / LEAVE (leave with a reason). Marked on the organiser's sheet or by the cadre's own QR
  check-in. At most one row per session and user.
- `StudyMaterial`: an uploaded file of a session (PDF, Word, PowerPoint, JPG, PNG by content),
  stored privately and served only after the scope check.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = ["StudyStatus", "StudyAttendance", "ATTENDED_STATUSES", "StudyCheckinMethod", "StudySession",
           "StudyInvitee", "StudyMaterial"]


class StudyStatus(models.TextChoices):
    PLANNED = "PLANNED", pgettext_lazy("study session status", "Planned")
    HELD = "HELD", pgettext_lazy("study session status", "Held")
    CANCELLED = "CANCELLED", pgettext_lazy("study session status", "Cancelled")


class StudyAttendance(models.TextChoices):
    PRESENT = "PRESENT", pgettext_lazy("study attendance", "Present")
    LATE = "LATE", pgettext_lazy("study attendance", "Late")
    ABSENT = "ABSENT", pgettext_lazy("study attendance", "Absent")
    LEAVE = "LEAVE", pgettext_lazy("study attendance", "On leave")


# Statuses that count as one person-time attended.
ATTENDED_STATUSES = (StudyAttendance.PRESENT, StudyAttendance.LATE)


class StudyCheckinMethod(models.TextChoices):
    SHEET = "SHEET", pgettext_lazy("study check-in method", "Attendance sheet")
    QR = "QR", pgettext_lazy("study check-in method", "QR check-in")


class StudySession(ScopedModel):
    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    # The organiser's town (None when the district organises): the yearly counts group by it.
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    kind = models.CharField(_("kind of study"), max_length=20)
    title = models.CharField(_("title"), max_length=120)
    topic = models.TextField(_("topic"), max_length=2000, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=300, blank=True)
    speaker = models.CharField(_("speaker"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=StudyStatus.choices, default=StudyStatus.PLANNED)
    held_at = models.DateTimeField(_("marked held at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=400, blank=True)
    # The secret behind the session's QR check-in code; a new one invalidates codes shown before.
    checkin_token = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")
        ordering = ("-starts_at", "-id")
        indexes = [models.Index(fields=["status", "starts_at"], name="publicity_study_status_idx"),
                   models.Index(fields=["town", "starts_at"], name="publicity_study_town_idx")]

    def __str__(self):
        return self.title

    @property
    def kind_label(self):
        from ..rules.studies import kind_label

        return kind_label(self.kind)


class StudyInvitee(models.Model):
    """Read through its session (scoped) or by its own user ("my study sessions")."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="invitees",
                                verbose_name=_("study session"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_invitations",
                             verbose_name=_("cadre"))
    # Where the cadre holds the role that made them an invitee (shown on the sheet).
    org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            verbose_name=_("organisation"))
    status = models.CharField(_("attendance"), max_length=8, choices=StudyAttendance.choices, blank=True)
    reason = models.CharField(_("reason for leave"), max_length=200, blank=True)
    method = models.CharField(pgettext_lazy("study check-in method", "recorded by"), max_length=6,
                              choices=StudyCheckinMethod.choices, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by user"))

    class Meta:
        verbose_name = _("study invitee")
        verbose_name_plural = _("study invitees")
        ordering = ("session", "id")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="publicity_study_invitee_once",
                                    violation_error_message=_("This cadre is already invited.")),
        ]

    def __str__(self):
        return f"{self.session} · {self.user}"


class StudyMaterial(models.Model):
    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="materials",
                                verbose_name=_("study session"))
    file = models.FileField(_("file"), upload_to="publicity/studies/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=8)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("study material")
        verbose_name_plural = _("study materials")
        ordering = ("session", "id")

    def __str__(self):
        return self.name
