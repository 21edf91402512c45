ACTION_CODES = (
    "services.event_create", "services.event_update", "services.event_publish", "services.event_close",
    "services.event_reopen", "services.event_finish", "services.event_cancel",
    "services.event_registrations_cancelled", "services.event_register", "services.event_promote",
    "services.event_cancel_registration", "services.event_checkin", "services.event_checkin_rotate",
    "services.event_photo_add", "services.event_photo_delete", "services.event_export",
    "services.event_registrations_export", "services.event_stats_export",
)


def ready():
    """Registrations of this area: audit labels, the member page (due source through selectors)."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
    )
    from gonghui.core.member_pages import register_member_page

    register_member_page("services:my_events", _("My events"),
                         _("Culture and sports events: register, my places, check-in"), order=50)
    register_action_labels({
        "services.event_create": pgettext_lazy("audit action", "Event created"),
        "services.event_update": pgettext_lazy("audit action", "Event changed"),
        "services.event_publish": pgettext_lazy("audit action", "Event published"),
        "services.event_close": pgettext_lazy("audit action", "Event registration closed"),
        "services.event_reopen": pgettext_lazy("audit action", "Event registration reopened"),
        "services.event_finish": pgettext_lazy("audit action", "Event finished"),
        "services.event_cancel": pgettext_lazy("audit action", "Event cancelled"),
        "services.event_registrations_cancelled": pgettext_lazy("audit action",
                                                                "Event registrations cancelled with the event"),
        "services.event_register": pgettext_lazy("audit action", "Registered for an event"),
        "services.event_promote": pgettext_lazy("audit action", "Moved off an event's waiting list"),
        "services.event_cancel_registration": pgettext_lazy("audit action", "Event registration cancelled"),
        "services.event_checkin": pgettext_lazy("audit action", "Checked in at an event"),
        "services.event_checkin_rotate": pgettext_lazy("audit action", "Event check-in code renewed"),
        "services.event_photo_add": pgettext_lazy("audit action", "Event photo added"),
        "services.event_photo_delete": pgettext_lazy("audit action", "Event photo removed"),
        "services.event_export": pgettext_lazy("audit action", "Events exported"),
        "services.event_registrations_export": pgettext_lazy("audit action", "Event registrations exported"),
        "services.event_stats_export": pgettext_lazy("audit action", "Event statistics exported"),
    }, group=_("Worker services"))
    register_object_labels({"services.EventExport": _("Events export"),
                            "services.EventRegistrationExport": _("Event registrations export"),
                            "services.EventStatsExport": _("Event statistics export")})
    register_field_labels("services.Event", {
        "title": _("title"), "kind": _("kind"), "description": _("description"),
        "venue": pgettext_lazy("event", "venue"),
        "place": _("place"), "starts_at": _("starts at"), "ends_at": _("ends at"),
        "reg_opens_on": _("registration opens on"), "reg_closes_on": _("registration closes on"),
        "capacity": _("capacity"), "waitlist_limit": _("waiting list limit"), "status": _("status"),
        "cancel_reason": _("reason for cancelling"), "cancelled": _("registrations cancelled"),
        "photo": _("photo"), "caption": _("caption")})
    register_field_labels("services.Registration", {
        "person": _("participant"), "event": _("event"), "union": _("union"), "status": _("status"),
        "waitlist_position": _("place on the waiting list"), "channel": _("registered through"),
        "checked_in_at": _("checked in at"), "checkin_method": _("checked in by"),
        "cancel_reason": _("reason for cancelling")})
    register_name_fields({"services.Registration": "person__name", "services.Event": "title"})
