"""Registrations of the `dashboard` area: the audit label of the dashboard's export (no due
sources, member pages or tasks: the area only reads the roll-ups)."""

ACTION_CODES = ("reports.dashboard_export",)


def ready():
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import register_action_labels, register_field_labels, register_object_labels

    register_action_labels({
        "reports.dashboard_export": pgettext_lazy("audit action", "Statistics dashboard exported"),
    }, group=_("Reports and statistics"))
    register_object_labels({"reports.DashboardExport": _("Statistics dashboard export")})
    register_field_labels("reports.DashboardExport", {
        "org": _("Organisation"), "year": _("Year"), "industry": _("Industry"), "rows": _("Rows written"),
    })
