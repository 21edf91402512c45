"""Registrations of the status area (yearly congress status, 厂务公开, statistics): the audit
action labels of disclosures and exports, and the export object type. Called from
CongressConfig.ready()."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def ready():
    from gonghui.core.audit_labels import register_action_labels, register_field_labels, register_object_labels

    register_action_labels({
        "congress.disclosure_record": pgettext_lazy("audit action", "Open-management disclosure recorded"),
        "congress.disclosure_delete": pgettext_lazy("audit action", "Open-management disclosure deleted"),
        "congress.export_status": pgettext_lazy("audit action", "Congress status exported"),
        "congress.export_disclosures": pgettext_lazy("audit action", "Open-management list exported"),
        "congress.export_stats": pgettext_lazy("audit action", "Congress statistics exported"),
    }, group=_("Workers' congresses and proposals"))
    register_object_labels({"congress.Export": _("Workers' congress export")})
    register_field_labels("congress.Disclosure", {"item_label": _("item (in words)")})
    register_field_labels("congress.Export", {"report": _("report"), "filters": _("filters"), "rows": _("rows"),
                                              "year": _("year")})
