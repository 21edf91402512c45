"""Registrations of the `activities` area: audit labels and the reviewers' due line."""

ACTION_CODES = ("publicity.activity_create", "publicity.activity_update", "publicity.activity_submit",
                "publicity.activity_confirm", "publicity.activity_return", "publicity.activity_photo_add",
                "publicity.activity_photo_delete", "publicity.activity_export", "publicity.activity_stats_export")


def ready():
    """Audit labels, due-soon sources of this area."""
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
        "publicity.activity_create": pgettext_lazy("audit action", "Theme activity logged"),
        "publicity.activity_update": pgettext_lazy("audit action", "Theme activity edited"),
        "publicity.activity_submit": pgettext_lazy("audit action", "Theme activity submitted to the town"),
        "publicity.activity_confirm": pgettext_lazy("audit action", "Theme activity confirmed"),
        "publicity.activity_return": pgettext_lazy("audit action", "Theme activity returned for correction"),
        "publicity.activity_photo_add": pgettext_lazy("audit action", "Photo added to a theme activity"),
        "publicity.activity_photo_delete": pgettext_lazy("audit action", "Photo removed from a theme activity"),
        "publicity.activity_export": pgettext_lazy("audit action", "Theme activities exported"),
        "publicity.activity_stats_export": pgettext_lazy("audit action", "Theme activity statistics exported"),
    }, group=_("Publicity and education"))
    register_object_labels({"publicity.ActivityExport": _("Theme activities export")})
    register_field_labels("publicity.ThemeActivity", {
        "photo": _("photo"), "caption": _("caption"), "filters": _("filters"), "rows": _("rows"), "year": _("year")})
    register_name_fields({"publicity.ThemeActivity": "title"})

    from ..selectors.activities import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
