ACTION_CODES = (
    "services.facility_submit", "services.facility_approve", "services.facility_reject", "services.facility_start",
    "services.facility_open", "services.facility_close", "services.facility_rate", "services.facility_withdraw",
    "services.facility_export",
)


def ready():
    """Registrations of this area: audit labels, due-soon sources."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import register_action_labels, register_object_labels
    from gonghui.core.dashboard import register_due_source

    register_action_labels({
        "services.facility_submit": pgettext_lazy("audit action", "Facility requested"),
        "services.facility_approve": pgettext_lazy("audit action", "Facility request approved"),
        "services.facility_reject": pgettext_lazy("audit action", "Facility request rejected"),
        "services.facility_start": pgettext_lazy("audit action", "Facility partner named"),
        "services.facility_open": pgettext_lazy("audit action", "Facility opened"),
        "services.facility_close": pgettext_lazy("audit action", "Facility closed"),
        "services.facility_rate": pgettext_lazy("audit action", "Facility rated"),
        "services.facility_withdraw": pgettext_lazy("audit action", "Facility request withdrawn"),
        "services.facility_export": pgettext_lazy("audit action", "Facility requests exported"),
    }, group=_("Worker services"))
    register_object_labels({"services.FacilityRequestExport": _("Facility requests export")})

    from ..selectors.facilities import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
