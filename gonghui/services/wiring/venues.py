ACTION_CODES = ("services.venue_create", "services.venue_update", "services.venue_export",
                "services.room_create", "services.room_update",
                "services.booking_request", "services.booking_confirm", "services.booking_reject",
                "services.booking_cancel", "services.booking_export", "services.performance_request",
                "services.performance_schedule", "services.performance_decline", "services.performance_cancel",
                "services.performance_done", "services.performance_export", "services.screening_plan",
                "services.screening_done", "services.screening_cancel", "services.screening_export")


def ready():
    """Registrations of this area: audit labels, due-soon sources, tasks."""
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
        "services.venue_create": pgettext_lazy("audit action", "Venue added"),
        "services.venue_update": pgettext_lazy("audit action", "Venue edited"),
        "services.venue_export": pgettext_lazy("audit action", "Venues exported"),
        "services.room_create": pgettext_lazy("audit action", "Room added"),
        "services.room_update": pgettext_lazy("audit action", "Room edited"),
        "services.booking_request": pgettext_lazy("audit action", "Room booking requested"),
        "services.booking_confirm": pgettext_lazy("audit action", "Room booking confirmed"),
        "services.booking_reject": pgettext_lazy("audit action", "Room booking rejected"),
        "services.booking_cancel": pgettext_lazy("audit action", "Room booking cancelled"),
        "services.booking_export": pgettext_lazy("audit action", "Room bookings exported"),
        "services.performance_request": pgettext_lazy("audit action", "Art troupe performance requested"),
        "services.performance_schedule": pgettext_lazy("audit action", "Art troupe performance scheduled"),
        "services.performance_decline": pgettext_lazy("audit action", "Art troupe performance declined"),
        "services.performance_cancel": pgettext_lazy("audit action", "Art troupe performance cancelled"),
        "services.performance_done": pgettext_lazy("audit action", "Art troupe performance recorded"),
        "services.performance_export": pgettext_lazy("audit action", "Art troupe performances exported"),
        "services.screening_plan": pgettext_lazy("audit action", "Film screening planned"),
        "services.screening_done": pgettext_lazy("audit action", "Film screening recorded"),
        "services.screening_cancel": pgettext_lazy("audit action", "Film screening cancelled"),
        "services.screening_export": pgettext_lazy("audit action", "Film screenings exported"),
    }, group=_("Worker services"))
    register_object_labels({"services.RoomBookingExport": _("Room bookings export"),
                            "services.VenueExport": _("Venues export"),
                            "services.PerformanceExport": _("Art troupe performances export"),
                            "services.ScreeningExport": _("Film screenings export")})
    register_field_labels("services.Venue", {"is_active": _("in use"), "contact_phone": _("contact phone"),
                                             "name": pgettext_lazy("venues", "name")})
    register_field_labels("services.Room", {"capacity": pgettext_lazy("venues", "capacity"),
                                            "name": pgettext_lazy("venues", "name"), "equipment": _("equipment"),
                                            "is_bookable": _("bookable"), "opens_at": _("opens at"),
                                            "closes_at": _("closes at")})
    register_field_labels("services.RoomBooking", {
        "number": pgettext_lazy("venues", "number"), "room": _("room"), "org": _("booked by"), "purpose": _("purpose"),
        "starts_at": _("starts at"), "ends_at": _("ends at"), "attendees": _("attendees"), "reason": _("reason")})
    register_field_labels("services.Performance", {
        "title": pgettext_lazy("venues", "title"), "starts_at": _("starts at"), "ends_at": _("ends at"),
        "place": _("place"),
        "booking": _("room booking"), "audience": _("audience"), "reason": _("reason")})
    register_field_labels("services.Screening", {
        "film": _("film"), "starts_at": _("starts at"), "site": _("site"), "audience": _("audience"),
        "note": _("note")})
    register_name_fields({"services.RoomBooking": "number", "services.Performance": "title",
                          "services.Screening": "film", "services.Venue": "name", "services.Room": "name"})

    from ..selectors.venues import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
