"""Registrations of the `joins` area: audit labels, the dashboard's due line, the member page."""

ACTION_CODES = ("portal.join.submit", "portal.join.withdraw", "portal.join.approve", "portal.join.reject",
                "portal.join.export")


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
    from gonghui.core.member_pages import register_member_page

    register_action_labels({
        "portal.join.submit": pgettext_lazy("audit action", "Join request sent"),
        "portal.join.withdraw": pgettext_lazy("audit action", "Join request withdrawn by the worker"),
        "portal.join.approve": pgettext_lazy("audit action", "Join request approved"),
        "portal.join.reject": pgettext_lazy("audit action", "Join request not approved"),
        "portal.join.export": pgettext_lazy("audit action", "Join requests exported"),
    }, group=_("Member portal"))
    register_object_labels({"portal.JoinRequestExport": _("Join requests export")})
    register_field_labels("portal.JoinRequestExport", {"filters": _("filters"), "rows": _("rows")})
    register_name_fields({"portal.JoinRequest": "name"})
    register_member_page("portal:my_transfer_new", _("Changed jobs? Transfer my membership"),
                         _("Ask for your membership to move to the union of your new enterprise."), order=15)

    from ..selectors.joins import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
