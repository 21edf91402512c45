"""Worker schools (职工学校, DOMAIN.md §6) and the teacher pool.

- `WorkerSchool`: a school run by (or for) a town or the district: address, capacity (seats of its
  largest room), the delivery modes it offers (独立办学 / 委托办班 / 送教入企), status.
- `Teacher`: the pool every course draws its teachers from: internal masters (a member of a union
  in the district), model workers, external lecturers; specialities as free words.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core import pii
from gonghui.core.scoping import ScopedModel

__all__ = ["DeliveryMode", "SchoolStatus", "WorkerSchool", "TeacherKind", "Teacher"]


class DeliveryMode(models.TextChoices):
    INDEPENDENT = "INDEPENDENT", pgettext_lazy("delivery mode", "Independent class (独立办学)")
    COMMISSIONED = "COMMISSIONED", pgettext_lazy("delivery mode", "Commissioned class (委托办班)")
    IN_ENTERPRISE = "IN_ENTERPRISE", pgettext_lazy("delivery mode", "Sent into an enterprise (送教入企)")


class SchoolStatus(models.TextChoices):
    ACTIVE = "ACTIVE", pgettext_lazy("school status", "Running")
    CLOSED = "CLOSED", pgettext_lazy("school status", "Closed")


class WorkerSchool(ScopedModel):
    """A worker school. `org` is the union that runs it (a town federation or the district)."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("run by"))
    name = models.CharField(_("name"), max_length=80)
    address = models.CharField(_("address"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity (seats)"))
    # Which of DeliveryMode the school offers, e.g. ["INDEPENDENT", "IN_ENTERPRISE"].
    modes = models.JSONField(_("delivery modes"), default=list)
    contact_name = models.CharField(_("contact person"), max_length=32, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=SchoolStatus.choices, default=SchoolStatus.ACTIVE)
    # Set when the school is closed (cleared when it reopens); the history keeps every change.
    closed_on = models.DateField(pgettext_lazy("worker school", "closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("worker school")
        verbose_name_plural = _("worker schools")
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="training_school_name_unique",
                                    violation_error_message=_("A worker school with this name already exists.")),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="training_school_capacity_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def mode_labels(self):
        return [DeliveryMode(m).label for m in self.modes or [] if m in DeliveryMode.values]


class TeacherKind(models.TextChoices):
    INTERNAL_MASTER = "INTERNAL_MASTER", pgettext_lazy("teacher kind", "Internal master (企业名师)")
    MODEL_WORKER = "MODEL_WORKER", pgettext_lazy("teacher kind", "Model worker / craftsman (劳模工匠)")
    EXTERNAL = "EXTERNAL", pgettext_lazy("teacher kind", "External lecturer")


class Teacher(ScopedModel):
    """One teacher of the pool. Internal masters and model workers are people of the registry
    (`person`); an external lecturer is a name and an employer."""

    scope_lookups = ("org",)
    audit_exclude = ("specialities_key",)  # a search copy of `specialities`

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("registered by"))
    kind = models.CharField(_("kind"), max_length=16, choices=TeacherKind.choices)
    person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="training_teacher_roles", verbose_name=_("person"))
    name = models.CharField(_("name"), max_length=64)
    employer = models.CharField(_("employer"), max_length=120, blank=True)
    title = models.CharField(_("professional title"), max_length=60, blank=True)
    # Free words such as "数控车工", "电工", "安全生产"; matched against a course's trades.
    specialities = models.JSONField(_("specialities"), default=list)
    # The specialities as "|电工|焊工|", written by the services: the speciality filter matches a
    # whole word with one LIKE on every database (JSON containment is not portable to SQLite).
    specialities_key = models.CharField(max_length=500, blank=True, editable=False)
    # The teacher's own mobile is personal data: stored encrypted (gonghui.core.pii), shown masked.
    phone_enc = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("in the pool"), default=True)
    deactivated_on = models.DateField(_("left the pool on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")
        ordering = ("name", "id")
        constraints = [
            # Internal masters and model workers are people of the registry; external lecturers are not.
            models.CheckConstraint(
                condition=models.Q(kind="EXTERNAL") | models.Q(person__isnull=False),
                name="training_teacher_person_unless_external",
                violation_error_message=_("An internal master or a model worker must be a person of the registry."),
            ),
            models.UniqueConstraint(fields=["person"], condition=models.Q(person__isnull=False),
                                    name="training_teacher_person_once",
                                    violation_error_message=_("This person is already in the teacher pool.")),
        ]

    def __str__(self):
        return self.name

    # The clear number is only produced on purpose (the edit form of a user who may change it).
    def phone(self):
        return pii.decrypt(self.phone_enc)

    def set_phone(self, number: str):
        self.phone_enc = pii.encrypt(number)
        self.phone_hash = pii.lookup_hash(number)
        self.phone_masked = pii.mask_phone(number)
