"""Enrolment in a course (DOMAIN.md §6).

`Enrolment`: one person on one course, placed by their union (bulk, from the registry), by staff,
or by the member from the phone. ENROLLED holds a seat; WAITLISTED waits at `waitlist_position`
(1 = next) and is promoted automatically when a seat frees; CANCELLED frees its seat; COMPLETED /
NOT_COMPLETED are the completion decision (attendance area). At most one live enrolment per person
and course (`training_enrolment_once`).

Scope: visible in the course organiser's subtree and in the trainee's union's (`union`, the union
of the person's live membership at enrolment; `town` is copied from it for the statistics).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = ["EnrolmentStatus", "SEAT_STATUSES", "LIVE_ENROLMENT_STATUSES", "EnrolmentChannel", "Enrolment"]


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "ENROLLED", pgettext_lazy("enrolment status", "Enrolled")
    WAITLISTED = "WAITLISTED", pgettext_lazy("enrolment status", "On the waiting list")
    CANCELLED = "CANCELLED", pgettext_lazy("enrolment status", "Cancelled")
    COMPLETED = "COMPLETED", pgettext_lazy("enrolment status", "Completed")
    NOT_COMPLETED = "NOT_COMPLETED", pgettext_lazy("enrolment status", "Not completed")


# Statuses that hold a seat (count against capacity).
SEAT_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED)
LIVE_ENROLMENT_STATUSES = (*SEAT_STATUSES, EnrolmentStatus.WAITLISTED)


class EnrolmentChannel(models.TextChoices):
    UNION = "UNION", pgettext_lazy("enrolment channel", "By the union")
    SELF = "SELF", pgettext_lazy("enrolment channel", "By the member")
    STAFF = "STAFF", pgettext_lazy("enrolment channel", "By the organiser")


class Enrolment(ScopedModel):
    scope_lookups = ("course__org", "union")

    course = models.ForeignKey("training.Course", on_delete=models.PROTECT, related_name="enrolments",
                               verbose_name=_("course"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="training_enrolments",
                               verbose_name=_("trainee"))
    union = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("union"))
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    status = models.CharField(_("status"), max_length=14, choices=EnrolmentStatus.choices)
    waitlist_position = models.PositiveIntegerField(_("place on the waiting list"), null=True, blank=True)
    channel = models.CharField(_("enrolled through"), max_length=8, choices=EnrolmentChannel.choices)
    enrolled_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("enrolled by"))
    enrolled_at = models.DateTimeField(_("enrolled at"))
    promoted_at = models.DateTimeField(_("moved off the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=400, blank=True)
    # Completion (decided by the attendance area when the course finishes).
    attended_hours = models.DecimalField(_("hours attended"), max_digits=6, decimal_places=1, default=0)
    assessment_score = models.DecimalField(_("assessment score"), max_digits=5, decimal_places=1,
                                           null=True, blank=True)
    completion_decided_at = models.DateTimeField(_("completion decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ("-enrolled_at", "-id")
        indexes = [
            models.Index(fields=["course", "status"], name="training_enrol_course_status"),
            models.Index(fields=["person", "status"], name="training_enrol_person_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"], condition=~Q(status="CANCELLED"), name="training_enrolment_once",
                violation_error_message=_("This person is already enrolled in this course."),
            ),
            models.UniqueConstraint(
                fields=["course", "waitlist_position"], condition=Q(status="WAITLISTED"),
                name="training_waitlist_position_once",
            ),
            models.CheckConstraint(
                condition=Q(status="WAITLISTED", waitlist_position__isnull=False)
                | (~Q(status="WAITLISTED") & Q(waitlist_position__isnull=True)),
                name="training_waitlist_position_iff_waitlisted",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.course}"
