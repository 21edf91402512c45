"""Registrations of the `appeals` area: audit labels, the dashboard's due source."""

ACTION_CODES = ("voice.appeal_dispatch", "voice.appeal_transfer", "voice.appeal_accept", "voice.appeal_note",
                "voice.appeal_attachment_add",
                "voice.appeal_reply", "voice.appeal_close", "voice.appeal_escalate", "voice.appeal_reveal_phone",
                "voice.appeal_export")


def ready():
    """Audit labels, due-soon sources, member pages, tasks of this area."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
    )
    from gonghui.core.dashboard import register_due_source

    register_action_labels({
        "voice.appeal_dispatch": pgettext_lazy("audit action", "Appeal dispatched"),
        "voice.appeal_transfer": pgettext_lazy("audit action", "Appeal transferred"),
        "voice.appeal_accept": pgettext_lazy("audit action", "Appeal accepted"),
        "voice.appeal_note": pgettext_lazy("audit action", "Internal note on an appeal"),
        "voice.appeal_attachment_add": pgettext_lazy("audit action", "File added to an appeal"),
        "voice.appeal_reply": pgettext_lazy("audit action", "Reply to the worker on an appeal"),
        "voice.appeal_close": pgettext_lazy("audit action", "Appeal closed"),
        "voice.appeal_escalate": pgettext_lazy("audit action", "Overdue appeal escalated"),
        "voice.appeal_reveal_phone": pgettext_lazy("audit action", "Appeal's worker mobile viewed"),
        "voice.appeal_export": pgettext_lazy("audit action", "Appeals exported"),
    }, group=_("Workers' voice"))
    register_object_labels({"voice.AppealExport": _("Appeals export")})
    register_field_labels("voice.Appeal", {
        "org": pgettext_lazy("appeal", "handled by"), "town": _("town"), "status": _("status"), "handler": _("handler"),
        "clock_started_on": _("clock started on"), "due_on": _("due on"), "escalation_level": _("escalation level"),
        "escalated_to": _("escalated to"), "closed_on_time": _("closed on time"),
        "result": pgettext_lazy("appeal", "result"),
        "note": _("instructions"), "reason": _("reason"), "direction": _("direction"), "event": _("history line"),
        "overdue_days": _("working days overdue"), "fields": _("fields shown"), "rows": _("rows"),
        "filters": _("filters")})
    register_name_fields({"voice.Appeal": "number"})

    from ..selectors.appeals import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
