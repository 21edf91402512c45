"""Registrations of the `rollups` area: every metric module, and the audit labels."""

ACTION_CODES = ("reports.rollups_refresh", "reports.rollups_export")


def ready():
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import register_action_labels, register_object_labels

    from .. import metrics

    metrics.load_all()
    register_action_labels({
        "reports.rollups_refresh": pgettext_lazy("audit action", "Statistics refresh requested"),
        "reports.rollups_export": pgettext_lazy("audit action", "Statistics refreshes exported"),
    }, group=_("Reports and statistics"))
    register_object_labels({
        "reports.RollupRun": _("Statistics refresh"),
        "reports.RollupRunExport": _("Statistics refresh list export"),
    })
