ACTION_CODES = (
    "training.course_create", "training.course_update", "training.course_open", "training.course_close",
    "training.course_reopen", "training.course_finish", "training.course_cancel", "training.course_export",
    "training.session_add", "training.session_update", "training.session_cancel",
)


def ready():
    """Registrations of this area: audit labels, due-soon sources."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
        register_value_fields,
    )
    from gonghui.core.dashboard import register_due_source

    register_action_labels({
        "training.course_create": pgettext_lazy("audit action", "Course created"),
        "training.course_update": pgettext_lazy("audit action", "Course changed"),
        "training.course_open": pgettext_lazy("audit action", "Course enrolment opened"),
        "training.course_close": pgettext_lazy("audit action", "Course enrolment closed"),
        "training.course_reopen": pgettext_lazy("audit action", "Course enrolment reopened"),
        "training.course_finish": pgettext_lazy("audit action", "Course finished"),
        "training.course_cancel": pgettext_lazy("audit action", "Course cancelled"),
        "training.course_export": pgettext_lazy("audit action", "Courses exported"),
        "training.session_add": pgettext_lazy("audit action", "Course session added"),
        "training.session_update": pgettext_lazy("audit action", "Course session changed"),
        "training.session_cancel": pgettext_lazy("audit action", "Course session cancelled"),
    }, group=_("Training"))
    register_object_labels({"training.CourseExport": _("Courses export")})
    # Ids of courses in any training record's history (an enrolment's course…) show as the title.
    register_name_fields({"training.Course": "title"})
    # A session's values in the course's history read as the session's fields do (local time,
    # the teacher's name), not as stored (ISO strings, ids).
    register_value_fields("training.Course", {
        "starts_at": "training.CourseSession.starts_at", "ends_at": "training.CourseSession.ends_at",
        "teacher_id": "training.CourseSession.teacher", "is_cancelled": "training.CourseSession.is_cancelled",
    })
    register_field_labels("training.Course", {"org": _("organiser"), "session": _("session"),
                                              "reason": _("reason"), "enrolments_cancelled": _("enrolments cancelled"),
                                              "starts_at": _("starts at"), "ends_at": _("ends at"),
                                              "teacher": _("teacher"), "teacher_id": _("teacher"),
                                              "hours": _("class hours"),
                                              "place": _("place"), "is_cancelled": _("cancelled")})

    from ..selectors.courses import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
