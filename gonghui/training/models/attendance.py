"""Attendance, completion and certificates (DOMAIN.md §6).

- `Attendance`: one trainee at one session, entered on a list by staff or by the trainee's QR
  check-in on a phone. At most one per enrolment and session.
- `Certificate`: the completion certificate of a COMPLETED enrolment: a number, a verification
  code printed on the PDF and checked on the public verification page, and a snapshot of what was
  certified (so a later rename of the course does not change an issued certificate). A revoked
  certificate stays on record and verifies as revoked.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["AttendanceStatus", "PRESENT_STATUSES", "AttendanceMethod", "Attendance", "CertificateStatus",
           "Certificate"]


class AttendanceStatus(models.TextChoices):
    PRESENT = "PRESENT", pgettext_lazy("attendance", "Present")
    LATE = "LATE", pgettext_lazy("attendance", "Late")
    ABSENT = "ABSENT", pgettext_lazy("attendance", "Absent")
    EXCUSED = "EXCUSED", pgettext_lazy("attendance", "Excused")


# Statuses that count the session's hours as attended.
PRESENT_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class AttendanceMethod(models.TextChoices):
    LIST = "LIST", pgettext_lazy("attendance method", "List entry")
    QR = "QR", pgettext_lazy("attendance method", "QR check-in")


class Attendance(models.Model):
    """Read through its enrolment or session's course (both scoped)."""

    enrolment = models.ForeignKey("training.Enrolment", on_delete=models.CASCADE, related_name="attendances",
                                  verbose_name=_("enrolment"))
    session = models.ForeignKey("training.CourseSession", on_delete=models.CASCADE, related_name="attendances",
                                verbose_name=_("session"))
    status = models.CharField(_("attendance"), max_length=8, choices=AttendanceStatus.choices)
    method = models.CharField(_("recorded by"), max_length=4, choices=AttendanceMethod.choices)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("recorded by user"))
    recorded_at = models.DateTimeField(_("recorded at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ("session__starts_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "session"], name="training_attendance_once",
                                    violation_error_message=_("Attendance at this session is already recorded.")),
        ]

    def __str__(self):
        return f"{self.enrolment} · {self.session}"


class CertificateStatus(models.TextChoices):
    VALID = "VALID", pgettext_lazy("certificate status", "Valid")
    REVOKED = "REVOKED", pgettext_lazy("certificate status", "Revoked")


class Certificate(models.Model):
    """Read through its enrolment (scoped); the public verification page shows only the snapshot."""

    enrolment = models.OneToOneField("training.Enrolment", on_delete=models.PROTECT, related_name="certificate",
                                     verbose_name=_("enrolment"))
    number = models.CharField(_("certificate number"), max_length=24, unique=True)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    # What was certified, as printed (the course may be renamed later).
    holder_name = models.CharField(_("holder"), max_length=64)
    course_title = models.CharField(_("course"), max_length=120)
    programme_label = models.CharField(_("programme"), max_length=60)
    organiser_name = models.CharField(_("organiser"), max_length=120)
    hours = models.DecimalField(_("class hours"), max_digits=6, decimal_places=1)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("issued by"))
    status = models.CharField(_("status"), max_length=8, choices=CertificateStatus.choices,
                              default=CertificateStatus.VALID)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("completion certificate")
        verbose_name_plural = _("completion certificates")
        ordering = ("-issued_on", "-id")
        indexes = [models.Index(fields=["-issued_on", "-id"], name="training_cert_issued_idx")]  # the list's order

    def __str__(self):
        return self.number
