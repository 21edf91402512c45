"""Courses and their sessions (DOMAIN.md §6).

- `Course`: a class of a programme (名师带徒 intake, 技能大讲堂, 技师研修, skills class, safety,
  legal rights…) organised by a union (`org`: the district, a town, or an enterprise union) at a
  worker school, by one of the delivery modes; 送教入企 names the host enterprise, 委托办班 the
  commissioned provider. Capacity, target trades, fee and subsidy per trainee, eligibility,
  the completion rule's pass mark. Status: DRAFT → OPEN (enrolment) → CLOSED (enrolment closed)
  → FINISHED (completion decided), or CANCELLED.
- `CourseSession`: one dated session of a course (start, end, place, teacher, hours). Its
  `checkin_token` is the secret behind the session's QR check-in code.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel
from gonghui.members.models import SkillLevel

from .schools import DeliveryMode

__all__ = ["Programme", "CourseStatus", "LIVE_COURSE_STATUSES", "Course", "CourseSession", "CourseNumberCounter"]


class Programme(models.TextChoices):
    MASTER_APPRENTICE = "MASTER_APPRENTICE", pgettext_lazy("training programme", "Master and apprentice (名师带徒)")
    LECTURE = "LECTURE", pgettext_lazy("training programme", "Skills lecture hall (技能大讲堂)")
    TECHNICIAN = "TECHNICIAN", pgettext_lazy("training programme", "Technician study (技师研修)")
    SKILLS = "SKILLS", pgettext_lazy("training programme", "Skills class")
    SAFETY = "SAFETY", pgettext_lazy("training programme", "Work safety")
    LEGAL = "LEGAL", pgettext_lazy("training programme", "Legal rights")
    OTHER = "OTHER", pgettext_lazy("training programme", "Other")


class CourseStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("course status", "Draft")
    OPEN = "OPEN", pgettext_lazy("course status", "Open for enrolment")
    CLOSED = "CLOSED", pgettext_lazy("course status", "Enrolment closed")
    FINISHED = "FINISHED", pgettext_lazy("course status", "Finished")
    CANCELLED = "CANCELLED", pgettext_lazy("course status", "Cancelled")


LIVE_COURSE_STATUSES = (CourseStatus.OPEN, CourseStatus.CLOSED, CourseStatus.FINISHED)


class Course(ScopedModel):
    """A course. Visible in the organiser's subtree; its enrolments also in each trainee's union's."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    # The town (or platform) of the organiser, copied at creation (None for a district course).
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    code = models.CharField(_("course number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=120)
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    mode = models.CharField(_("delivery mode"), max_length=16, choices=DeliveryMode.choices)
    school = models.ForeignKey("training.WorkerSchool", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="courses", verbose_name=_("worker school"))
    host_enterprise = models.ForeignKey("orgs.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("host enterprise"))
    provider = models.CharField(_("commissioned provider"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), max_length=4000, blank=True)
    # Free words such as "数控车工", "电工"; shown to trainees and matched against teachers.
    target_trades = models.JSONField(_("target trades"), default=list)
    capacity = models.PositiveIntegerField(_("capacity"))
    waitlist_limit = models.PositiveIntegerField(_("waiting list limit"), default=0,
                                                 help_text=_("0: no waiting list."))
    fee = models.DecimalField(_("fee per trainee (yuan)"), max_digits=14, decimal_places=2, default=0)
    subsidy = models.DecimalField(_("subsidy per trainee (yuan)"), max_digits=14, decimal_places=2, default=0)
    enrol_opens_on = models.DateField(_("enrolment opens on"), null=True, blank=True)
    enrol_closes_on = models.DateField(_("enrolment closes on"), null=True, blank=True)
    # Eligibility: live members only (else any worker of the registry), a minimum skill level.
    members_only = models.BooleanField(_("members only"), default=True)
    min_skill_level = models.CharField(_("minimum skill level"), max_length=8, choices=SkillLevel.choices,
                                       blank=True)
    self_enrolment = models.BooleanField(_("members may enrol themselves"), default=True)
    # Completion: attendance share of the hours (None: the rules' default) and an assessment.
    min_attendance = models.DecimalField(_("minimum attendance share"), max_digits=3, decimal_places=2,
                                         null=True, blank=True)
    assessment_required = models.BooleanField(_("assessment required"), default=True)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=1, default=60)
    status = models.CharField(_("status"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.DRAFT)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=400, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ("-year", "-id")
        indexes = [models.Index(fields=["year", "programme"], name="training_course_year_prog")]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="training_course_capacity_positive",
                                   violation_error_message=_("The capacity must be at least 1.")),
            models.CheckConstraint(condition=Q(fee__gte=0) & Q(subsidy__gte=0), name="training_course_money_positive"),
            models.CheckConstraint(
                condition=Q(enrol_opens_on__isnull=True) | Q(enrol_closes_on__isnull=True)
                | Q(enrol_closes_on__gte=F("enrol_opens_on")),
                name="training_course_enrol_window_order",
                violation_error_message=_("Enrolment cannot close before it opens."),
            ),
            models.CheckConstraint(
                condition=~Q(mode="IN_ENTERPRISE") | Q(host_enterprise__isnull=False),
                name="training_course_in_enterprise_host",
                violation_error_message=_("A class sent into an enterprise names its host enterprise."),
            ),
        ]

    def __str__(self):
        return self.title


class CourseSession(models.Model):
    """One session of a course. Read through its course (`Course.objects.visible_to`)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("course"))
    title = models.CharField(_("topic"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    teacher = models.ForeignKey("training.Teacher", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="sessions", verbose_name=_("teacher"))
    hours = models.DecimalField(_("class hours"), max_digits=4, decimal_places=1)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    # The secret behind the QR check-in code (rotated by the attendance area when needed).
    checkin_token = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering = ("starts_at", "id")
        indexes = [models.Index(fields=["starts_at"], name="training_session_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="training_session_ends_after_start",
                                   violation_error_message=_("A session must end after it starts.")),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_session_hours_positive",
                                   violation_error_message=_("Class hours must be more than 0.")),
        ]

    def __str__(self):
        return f"{self.course} {self.starts_at:%Y-%m-%d %H:%M}"


class CourseNumberCounter(models.Model):
    """The last course number given in a year (PX2026-0001…). `services.courses.next_code` locks the
    year's row FOR UPDATE, so two courses created at once never get the same number."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("course number counter")
        verbose_name_plural = _("course number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"
