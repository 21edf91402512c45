ACTION_CODES = (
    "competitions.activity_create", "competitions.activity_edit", "competitions.activity_delete",
    "competitions.activity_participant_add", "competitions.activity_participant_remove",
    "competitions.activity_export",
)


def ready():
    """Registrations of this area: audit labels (no due-soon source: activities are records)."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
    )

    register_action_labels({
        "competitions.activity_create": pgettext_lazy("audit action", "On-the-job activity recorded"),
        "competitions.activity_edit": pgettext_lazy("audit action", "On-the-job activity changed"),
        "competitions.activity_delete": pgettext_lazy("audit action", "On-the-job activity deleted"),
        "competitions.activity_participant_add": pgettext_lazy("audit action", "Activity participant added"),
        "competitions.activity_participant_remove": pgettext_lazy("audit action", "Activity participant removed"),
        "competitions.activity_export": pgettext_lazy("audit action", "On-the-job activities exported"),
    }, group=_("On-the-job activities"))
    register_object_labels({"competitions.ActivityExport": _("On-the-job activities export")})
    register_field_labels("competitions.JobActivity", {"person": _("person"), "result": _("result"),
                                                       "participants": _("participants")})
    register_name_fields({"competitions.JobActivity": "title"})
