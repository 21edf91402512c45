"""Registrations of the `annual` area: the audit label of the report's downloads (no due sources,
member pages or tasks: the area only reads the roll-ups)."""

ACTION_CODES = ("reports.annual_export",)


def ready():
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import register_action_labels, register_object_labels

    register_action_labels({
        "reports.annual_export": pgettext_lazy("audit action", "Annual statistics report downloaded"),
    }, group=_("Reports and statistics"))
    register_object_labels({"reports.AnnualReportExport": _("Annual statistics report")})
