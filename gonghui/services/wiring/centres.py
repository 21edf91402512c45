ACTION_CODES = (
    "services.centre_create", "services.centre_update", "services.centre_export",
    "services.item_create", "services.item_update", "services.item_export",
    "services.order_submit", "services.order_accept", "services.order_decline", "services.order_deliver",
    "services.order_rate", "services.order_cancel", "services.order_export",
    "services.project_create", "services.project_update", "services.project_start", "services.project_delivery",
    "services.project_finish", "services.project_cancel", "services.project_rate", "services.project_export",
)


def ready():
    """Registrations of this area: audit labels, due-soon sources."""
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
        "services.centre_create": pgettext_lazy("audit action", "Service centre created"),
        "services.centre_update": pgettext_lazy("audit action", "Service centre changed"),
        "services.centre_export": pgettext_lazy("audit action", "Service centres exported"),
        "services.item_create": pgettext_lazy("audit action", "Service added to the catalogue"),
        "services.item_update": pgettext_lazy("audit action", "Catalogue service changed"),
        "services.item_export": pgettext_lazy("audit action", "Service catalogue exported"),
        "services.order_submit": pgettext_lazy("audit action", "Service ordered"),
        "services.order_accept": pgettext_lazy("audit action", "Service order accepted"),
        "services.order_decline": pgettext_lazy("audit action", "Service order declined"),
        "services.order_deliver": pgettext_lazy("audit action", "Service order delivered"),
        "services.order_rate": pgettext_lazy("audit action", "Service order rated"),
        "services.order_cancel": pgettext_lazy("audit action", "Service order cancelled"),
        "services.order_export": pgettext_lazy("audit action", "Service orders exported"),
        "services.project_create": pgettext_lazy("audit action", "Service project created"),
        "services.project_update": pgettext_lazy("audit action", "Service project changed"),
        "services.project_start": pgettext_lazy("audit action", "Service project started"),
        "services.project_delivery": pgettext_lazy("audit action", "Service project delivery recorded"),
        "services.project_finish": pgettext_lazy("audit action", "Service project finished"),
        "services.project_cancel": pgettext_lazy("audit action", "Service project cancelled"),
        "services.project_rate": pgettext_lazy("audit action", "Service project rated"),
        "services.project_export": pgettext_lazy("audit action", "Service projects exported"),
    }, group=_("Worker services"))
    register_object_labels({
        "services.ServiceCentreExport": _("Service centres export"),
        "services.ServiceItemExport": _("Service catalogue export"),
        "services.ServiceOrderExport": _("Service orders export"),
        "services.ServiceProjectExport": _("Service projects export"),
    })
    register_name_fields({"services.ServiceCentre": "name", "services.ServiceItem": "name"})
    register_field_labels("services.ServiceProject", {
        "enterprise": _("enterprise"), "delivered_on": _("delivered on"), "union": _("union"),
        "people_served": _("people served"), "rating": _("satisfaction"), "comment": _("comment")})
    register_field_labels("services.ServiceOrder", {"reason": _("reason")})

    from ..selectors.centres import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
