"""Registrations of the `stats` area: the audit label of the statistics export."""

ACTION_CODES = ("voice.stats_export",)


def ready():
    """Audit labels (no due sources, member pages or tasks: the area only reads)."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import register_action_labels, register_object_labels

    register_action_labels({
        "voice.stats_export": pgettext_lazy("audit action", "Appeal statistics exported"),
    }, group=_("Workers' voice"))
    register_object_labels({"voice.AppealStatsExport": _("Appeal statistics export")})
