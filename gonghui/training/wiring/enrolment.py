ACTION_CODES = ("training.enrolment_enrol", "training.enrolment_cancel", "training.enrolment_promote",
                "training.enrolment_skip", "training.enrolment_export")


def ready():
    """Registrations of this area: audit labels (no due-soon source, no task)."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
    )
    from gonghui.core.member_pages import register_member_page

    register_member_page("training:my_courses", _("My training"),
                         _("Courses I am enrolled in, courses open to me, my certificates"), order=30)
    register_action_labels({
        "training.enrolment_enrol": pgettext_lazy("audit action", "Enrolled in a course"),
        "training.enrolment_cancel": pgettext_lazy("audit action", "Course place cancelled"),
        "training.enrolment_promote": pgettext_lazy("audit action", "Moved off the waiting list"),
        "training.enrolment_skip": pgettext_lazy("audit action", "Taken off the waiting list (no longer eligible)"),
        "training.enrolment_export": pgettext_lazy("audit action", "Enrolments exported"),
    }, group=_("Training"))
    register_object_labels({"training.EnrolmentExport": _("Enrolments export")})
    register_field_labels("training.Enrolment", {"person": _("trainee"), "course": _("course"), "union": _("union")})
    register_name_fields({"training.Enrolment": "person__name"})
