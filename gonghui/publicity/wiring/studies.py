"""Registrations of the `studies` area: audit labels, the dashboard's due source."""

ACTION_CODES = (
    "publicity.study_create", "publicity.study_update", "publicity.study_cancel", "publicity.study_hold",
    "publicity.study_invite", "publicity.study_uninvite", "publicity.study_attendance", "publicity.study_checkin",
    "publicity.study_checkin_rotate", "publicity.study_material_add", "publicity.study_material_delete",
    "publicity.study_export", "publicity.study_stats_export",
)


def ready():
    """Audit labels, due-soon sources, member pages, tasks of this area."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_object_labels,
        register_value_fields,
    )
    from gonghui.core.dashboard import register_due_source

    from ..selectors.studies import DUE_SOURCES

    register_action_labels({
        "publicity.study_create": pgettext_lazy("audit action", "Study session created"),
        "publicity.study_update": pgettext_lazy("audit action", "Study session changed"),
        "publicity.study_cancel": pgettext_lazy("audit action", "Study session cancelled"),
        "publicity.study_hold": pgettext_lazy("audit action", "Study session marked held"),
        "publicity.study_invite": pgettext_lazy("audit action", "Cadres invited to a study session"),
        "publicity.study_uninvite": pgettext_lazy("audit action", "Invitation to a study session removed"),
        "publicity.study_attendance": pgettext_lazy("audit action", "Study attendance recorded"),
        "publicity.study_checkin": pgettext_lazy("audit action", "Checked in at a study session with the QR code"),
        "publicity.study_checkin_rotate": pgettext_lazy("audit action", "Study check-in code renewed"),
        "publicity.study_material_add": pgettext_lazy("audit action", "Study material added"),
        "publicity.study_material_delete": pgettext_lazy("audit action", "Study material removed"),
        "publicity.study_export": pgettext_lazy("audit action", "Study sessions exported"),
        "publicity.study_stats_export": pgettext_lazy("audit action", "Study counts by town exported"),
    }, group=_("Publicity and education"))
    register_object_labels({"publicity.StudySessionExport": _("Study sessions export"),
                            "publicity.StudyStatsExport": _("Study counts by town export")})
    register_field_labels("publicity.StudySession", {
        "kind": _("kind of study"), "title": _("title"), "starts_at": _("starts at"), "ends_at": _("ends at"),
        "place": _("place"), "online_url": _("online meeting link"), "speaker": _("speaker"), "topic": _("topic"),
        "status": _("status"), "reason": _("reason"), "added": _("cadres added"), "whole_subtree": _("whole subtree"),
        "orgs": _("organisations"), "users": _("cadres"), "cadre": _("cadre"),
        "changed": pgettext_lazy("study attendance count", "records changed"),
        "present": pgettext_lazy("study attendance count", "present"),
        "late": pgettext_lazy("study attendance count", "late"),
        "absent": pgettext_lazy("study attendance count", "absent"),
        "leave": pgettext_lazy("study attendance count", "on leave"),
        "attendance": _("attendance"), "material": _("material"), "automatic": _("by the nightly task"),
    })
    # the attendance in a check-in row is shown by its label
    register_value_fields("publicity.StudySession", {"attendance": "publicity.StudyInvitee.status"})
    for source in DUE_SOURCES:
        register_due_source(source)
