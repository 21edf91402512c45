ACTION_CODES = (
    "training.school_create", "training.school_update", "training.school_close", "training.school_reopen",
    "training.school_export", "training.teacher_create", "training.teacher_update", "training.teacher_deactivate",
    "training.teacher_reactivate", "training.teacher_export",
)


def ready():
    """Registrations of this area: audit labels (no due-soon sources, no tasks)."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
    )

    register_action_labels({
        "training.school_create": pgettext_lazy("audit action", "Worker school opened"),
        "training.school_update": pgettext_lazy("audit action", "Worker school edited"),
        "training.school_close": pgettext_lazy("audit action", "Worker school closed"),
        "training.school_reopen": pgettext_lazy("audit action", "Worker school reopened"),
        "training.school_export": pgettext_lazy("audit action", "Worker schools exported"),
        "training.teacher_create": pgettext_lazy("audit action", "Teacher added to the pool"),
        "training.teacher_update": pgettext_lazy("audit action", "Teacher edited"),
        "training.teacher_deactivate": pgettext_lazy("audit action", "Teacher taken out of the pool"),
        "training.teacher_reactivate": pgettext_lazy("audit action", "Teacher put back into the pool"),
        "training.teacher_export": pgettext_lazy("audit action", "Teachers exported"),
    }, group=_("Training"))
    register_object_labels({"training.WorkerSchoolExport": _("Worker schools export"),
                            "training.TeacherExport": _("Teachers export")})
    register_field_labels("training.WorkerSchool", {"org": _("run by"), "reason": _("reason")})
    register_field_labels("training.Teacher", {"org": _("registered by"), "person": _("person"),
                                               "reason": _("reason")})
    register_name_fields({"training.WorkerSchool": "name", "training.Teacher": "name"})
