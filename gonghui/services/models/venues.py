"""Venues (DOMAIN.md §7): the workers' cultural palace (工人文化宫) and the other places where the
unions hold events, with their rooms, bookings, and the art troupe's and film team's programme.

- `Venue` (shared: events take place at one): a place run by a union (the district's cultural
  palace, a town's service centre hall…), with its address.
- `Room` of a venue (kind, capacity, equipment, bookable, opening hours);
- `RoomBooking` (CD<year>-NNNN): a union books a room for a slot of one day; REQUESTED →
  CONFIRMED / REJECTED by the venue's org, CANCELLED. Requested and confirmed bookings of a room
  never overlap (the room row is locked while checking);
- `Performance` of the art troupe (职工艺术团, 送文化进企业) and `Screening` of the film team
  (职工电影队).
"""

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core import pii
from gonghui.core.scoping import ScopedModel

__all__ = ["VenueKind", "Venue", "RoomKind", "Room", "BookingStatus", "HOLDING", "RoomBooking",
           "PerformanceStatus", "Performance", "ScreeningStatus", "Screening", "BookingCounter"]


class VenueKind(models.TextChoices):
    CULTURAL_PALACE = "CULTURAL_PALACE", pgettext_lazy("venue kind", "Workers' cultural palace (工人文化宫)")
    SERVICE_CENTRE = "SERVICE_CENTRE", pgettext_lazy("venue kind", "Worker service centre")
    SPORTS = "SPORTS", pgettext_lazy("venue kind", "Sports ground")
    OTHER = "OTHER", pgettext_lazy("venue kind", "Other place")


class Venue(ScopedModel):
    """A place run by a union (`org`: the district, a town or a union); seen by every cadre whose
    subtree holds the org, and bookable (its rooms) by the unions below it."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+",
                            verbose_name=pgettext_lazy("venues", "run by"))
    kind = models.CharField(_("kind"), max_length=16, choices=VenueKind.choices, default=VenueKind.OTHER)
    name = models.CharField(pgettext_lazy("venues", "name"), max_length=80)
    address = models.CharField(_("address"), max_length=200)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("venues", "venue")
        verbose_name_plural = pgettext_lazy("venues", "venues")
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="services_venue_name_unique",
                                    violation_error_message=_("A venue with this name already exists.")),
        ]

    def __str__(self):
        return self.name


class RoomKind(models.TextChoices):
    HALL = "HALL", pgettext_lazy("room kind", "Theatre / hall")
    MEETING = "MEETING", pgettext_lazy("room kind", "Meeting room")
    TRAINING = "TRAINING", pgettext_lazy("room kind", "Training room")
    ACTIVITY = "ACTIVITY", pgettext_lazy("room kind", "Activity room")
    SPORTS = "SPORTS", pgettext_lazy("room kind", "Sports hall")
    OTHER = "OTHER", pgettext_lazy("room kind", "Other room")


class Room(ScopedModel):
    """A room of a venue. Seen where its venue is seen; booked between `opens_at` and `closes_at`
    of one day when `is_bookable`."""

    scope_lookups = ("venue__org",)

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="rooms",
                              verbose_name=pgettext_lazy("venues", "venue"))
    name = models.CharField(pgettext_lazy("venues", "name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=RoomKind.choices, default=RoomKind.MEETING)
    capacity = models.PositiveIntegerField(pgettext_lazy("venues", "capacity"))
    equipment = models.CharField(_("equipment"), max_length=300, blank=True)
    is_bookable = models.BooleanField(_("bookable"), default=True)
    opens_at = models.TimeField(_("opens at"), default=datetime.time(8, 0))
    closes_at = models.TimeField(_("closes at"), default=datetime.time(21, 0))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ("venue", "name", "id")
        constraints = [
            models.UniqueConstraint(fields=["venue", "name"], name="services_room_name_unique",
                                    violation_error_message=_("This venue already has a room with this name.")),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="services_room_capacity_positive",
                                   violation_error_message=_("The capacity is at least 1.")),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="services_room_hours_order",
                                   violation_error_message=_("The room must close after it opens.")),
        ]

    def __str__(self):
        return f"{self.venue.name} · {self.name}"


class BookingStatus(models.TextChoices):
    REQUESTED = "REQUESTED", pgettext_lazy("booking status", "Requested")
    CONFIRMED = "CONFIRMED", pgettext_lazy("booking status", "Confirmed")
    REJECTED = "REJECTED", pgettext_lazy("booking status", "Rejected")
    CANCELLED = "CANCELLED", pgettext_lazy("booking status", "Cancelled")


# Bookings holding their time slot: no two of them of one room may overlap.
HOLDING = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)


class RoomBooking(ScopedModel):
    """A union's booking of a room for a time slot. Seen by the booking union's subtree and by the
    venue's; confirmed or rejected by the venue's org (`services.approve`)."""

    scope_lookups = ("org", "room__venue__org")

    number = models.CharField(pgettext_lazy("venues", "number"), max_length=16, unique=True)
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("room"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("booked by"))
    purpose = models.CharField(_("purpose"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    attendees = models.PositiveIntegerField(_("attendees"))
    contact_name = models.CharField(_("contact"), max_length=40)
    # The contact's mobile is personal data: stored encrypted (gonghui.core.pii), shown masked.
    contact_phone_enc = models.TextField(blank=True)
    contact_phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    contact_phone_masked = models.CharField(_("contact phone"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=400, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=BookingStatus.choices,
                              default=BookingStatus.REQUESTED)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    reason = models.CharField(_("reason"), max_length=400, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        ordering = ("-starts_at", "-id")
        indexes = [
            models.Index(fields=["room", "starts_at"], name="services_booking_room_idx"),
            models.Index(fields=["status", "starts_at"], name="services_booking_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="services_booking_time_order",
                                   violation_error_message=_("The booking must end after it starts.")),
            models.CheckConstraint(condition=Q(attendees__gte=1), name="services_booking_attendees_positive",
                                   violation_error_message=_("At least one attendee.")),
        ]

    def __str__(self):
        return f"{self.number} {self.purpose}"

    def contact_phone(self):
        return pii.decrypt(self.contact_phone_enc)

    def set_contact_phone(self, number: str):
        self.contact_phone_enc = pii.encrypt(number)
        self.contact_phone_hash = pii.lookup_hash(number)
        self.contact_phone_masked = pii.mask_phone(number)


class PerformanceStatus(models.TextChoices):
    REQUESTED = "REQUESTED", pgettext_lazy("performance status", "Requested")
    SCHEDULED = "SCHEDULED", pgettext_lazy("performance status", "Scheduled")
    DONE = "DONE", pgettext_lazy("performance status", "Performed")
    REJECTED = "REJECTED", pgettext_lazy("performance status", "Declined")
    CANCELLED = "CANCELLED", pgettext_lazy("performance status", "Cancelled")


class Performance(ScopedModel):
    """A show of the workers' art troupe (职工艺术团): requested by a union (送文化进企业) or put on
    by the district itself; scheduled by the district (`services.approve` at the district) at a
    room (through a confirmed booking) or an outside place; done with its audience count. `org` is
    the host (the requesting union, or the district)."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("host"))
    title = models.CharField(pgettext_lazy("venues", "title"), max_length=120)
    programme = models.TextField(pgettext_lazy("venues", "programme"), max_length=2000, blank=True)
    enterprise = models.ForeignKey("orgs.Enterprise", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("enterprise"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    wanted_on = models.DateField(_("wanted on"), null=True, blank=True)
    expected_audience = models.PositiveIntegerField(_("expected audience"), default=0)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    booking = models.OneToOneField(RoomBooking, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="performance", verbose_name=_("room booking"))
    status = models.CharField(_("status"), max_length=10, choices=PerformanceStatus.choices,
                              default=PerformanceStatus.REQUESTED)
    audience = models.PositiveIntegerField(_("audience"), null=True, blank=True)
    summary = models.CharField(pgettext_lazy("venues", "summary"), max_length=1000, blank=True)
    reason = models.CharField(_("reason"), max_length=400, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("art troupe performance")
        verbose_name_plural = _("art troupe performances")
        ordering = ("-starts_at", "-id")
        indexes = [models.Index(fields=["status", "starts_at"], name="services_perf_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                                   name="services_performance_time_order",
                                   violation_error_message=_("The performance must end after it starts.")),
        ]

    def __str__(self):
        return self.title

    @property
    def where(self):
        if self.booking_id:
            return str(self.booking.room)
        return " · ".join(x for x in (self.enterprise.name if self.enterprise_id else "", self.place) if x)


class ScreeningStatus(models.TextChoices):
    PLANNED = "PLANNED", pgettext_lazy("screening status", "Planned")
    SHOWN = "SHOWN", pgettext_lazy("screening status", "Shown")
    CANCELLED = "CANCELLED", pgettext_lazy("screening status", "Cancelled")


class Screening(ScopedModel):
    """A film shown by the workers' film team (职工电影队) at an enterprise or a site; `org` is the
    host union (or town). Planned → shown (audience) or cancelled."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("host"))
    film = models.CharField(_("film"), max_length=120)
    starts_at = models.DateTimeField(_("starts at"))
    enterprise = models.ForeignKey("orgs.Enterprise", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("enterprise"))
    site = models.CharField(_("site"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=ScreeningStatus.choices,
                              default=ScreeningStatus.PLANNED)
    audience = models.PositiveIntegerField(_("audience"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=400, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("film screening")
        verbose_name_plural = _("film screenings")
        ordering = ("-starts_at", "-id")
        indexes = [models.Index(fields=["status", "starts_at"], name="services_screening_status_idx")]

    def __str__(self):
        return self.film


class BookingCounter(models.Model):
    """The yearly counter of booking numbers (CD<year>-NNNN), locked while a number is taken."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("booking counter")
        verbose_name_plural = _("booking counters")

    def __str__(self):
        return f"{self.year}: {self.last}"
