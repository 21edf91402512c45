ACTION_CODES = (
    "training.attendance_record", "training.attendance_checkin", "training.checkin_rotate", "training.scores_record",
    "training.completion_decide", "training.certificate_issue", "training.certificate_revoke",
    "training.certificate_export",
)


def ready():
    """Registrations of this area: audit labels, due-soon sources, tasks."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_object_labels,
        register_value_fields,
    )

    register_action_labels({
        "training.attendance_record": pgettext_lazy("audit action", "Attendance recorded"),
        "training.attendance_checkin": pgettext_lazy("audit action", "Checked in with the QR code"),
        "training.checkin_rotate": pgettext_lazy("audit action", "Check-in code renewed"),
        "training.scores_record": pgettext_lazy("audit action", "Assessment scores recorded"),
        "training.completion_decide": pgettext_lazy("audit action", "Course completion decided"),
        "training.certificate_issue": pgettext_lazy("audit action", "Training certificate issued"),
        "training.certificate_revoke": pgettext_lazy("audit action", "Training certificate revoked"),
        "training.certificate_export": pgettext_lazy("audit action", "Training certificates exported"),
    }, group=_("Training"))
    register_object_labels({"training.CertificateExport": _("Training certificates export")})
    register_field_labels("training.Certificate", {"number": _("certificate number"), "holder": _("holder"),
                                                   "hours": _("class hours"), "reason": _("reason for revoking")})
    register_field_labels("training.Course", {
        "session": _("session"), "starts_at": _("starts at"), "written": _("records written"),
        "changed": _("records changed"), "present": pgettext_lazy("attendance count", "present"),
        "late": pgettext_lazy("attendance count", "late"), "absent": pgettext_lazy("attendance count", "absent"),
        "excused": pgettext_lazy("attendance count", "excused"), "enrolment": _("enrolment"),
        "total_hours": _("class hours"),
        "min_attendance": _("minimum attendance share"), "completed": _("completed"),
        "not_completed": _("not completed"), "scores": _("scores"), "trainee": _("trainee"),
        "attendance": _("attendance")})
    # shown as those fields show them: the attendance by its label, the session's start in local time
    register_value_fields("training.Course", {"attendance": "training.Attendance.status",
                                              "starts_at": "training.CourseSession.starts_at"})
