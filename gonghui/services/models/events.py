"""Culture and sports events (DOMAIN.md §7).

- `Event`: an event organised by a union (`org`: the district, a town or a grassroots union) —
  culture, sports, outing, lecture, other — at an optional `Venue` and/or a free place, with a
  registration window, a capacity and a waiting-list limit. Open to the live members of the
  organiser's subtree only (a district event to every member). Status: DRAFT → PUBLISHED
  (registration) → CLOSED (registration closed) → FINISHED, or CANCELLED. `checkin_token` is the
  secret behind the event's QR check-in code (rotated by the organiser).
- `Registration`: one member on one event, placed by the member on the phone, by their union
  (bulk) or by the organiser. REGISTERED holds a place; WAITLISTED waits at `waitlist_position`
  (1 = next) and is promoted in order when a place frees; CANCELLED frees it. `checked_in_at` is
  set by the QR check-in or the organiser's list.
- `EventPhoto`: an image (JPG/PNG, checked by content) of the event's gallery, served only
  through a scoped view (`private_file_response`).
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = ["EventKind", "EventStatus", "Event", "RegistrationStatus", "SEAT_STATUSES", "LIVE_STATUSES",
           "RegistrationChannel", "CheckinMethod", "Registration", "EventPhoto"]


class EventKind(models.TextChoices):
    CULTURE = "CULTURE", pgettext_lazy("event kind", "Culture")
    SPORTS = "SPORTS", pgettext_lazy("event kind", "Sports")
    OUTING = "OUTING", pgettext_lazy("event kind", "Outing")
    LECTURE = "LECTURE", pgettext_lazy("event kind", "Lecture")
    OTHER = "OTHER", pgettext_lazy("event kind", "Other")


class EventStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("event status", "Draft")
    PUBLISHED = "PUBLISHED", pgettext_lazy("event status", "Open for registration")
    CLOSED = "CLOSED", pgettext_lazy("event status", "Registration closed")
    FINISHED = "FINISHED", pgettext_lazy("event status", "Finished")
    CANCELLED = "CANCELLED", pgettext_lazy("event status", "Cancelled")


class Event(ScopedModel):
    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    # The town of the organiser, copied at creation (None for a district event): for the statistics.
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    venue = models.ForeignKey("services.Venue", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="events", verbose_name=_("venue"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reg_opens_on = models.DateField(_("registration opens on"), null=True, blank=True)
    reg_closes_on = models.DateField(_("registration closes on"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    waitlist_limit = models.PositiveIntegerField(_("waiting list limit"), default=0, help_text=_("0: no waiting list."))
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=400, blank=True)
    checkin_token = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ("-starts_at", "-id")
        indexes = [models.Index(fields=["starts_at"], name="services_event_starts")]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="services_event_capacity_positive",
                                   violation_error_message=_("The capacity must be at least 1.")),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="services_event_ends_after_start",
                                   violation_error_message=_("An event must end after it starts.")),
            models.CheckConstraint(
                condition=Q(reg_opens_on__isnull=True) | Q(reg_closes_on__isnull=True)
                | Q(reg_closes_on__gte=F("reg_opens_on")),
                name="services_event_reg_window_order",
                violation_error_message=_("Registration cannot close before it opens.")),
        ]

    def __str__(self):
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "REGISTERED", pgettext_lazy("event registration status", "Registered")
    WAITLISTED = "WAITLISTED", pgettext_lazy("event registration status", "On the waiting list")
    CANCELLED = "CANCELLED", pgettext_lazy("event registration status", "Cancelled")


SEAT_STATUSES = (RegistrationStatus.REGISTERED,)
LIVE_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


class RegistrationChannel(models.TextChoices):
    SELF = "SELF", pgettext_lazy("event registration channel", "By the member")
    UNION = "UNION", pgettext_lazy("event registration channel", "By the union")
    STAFF = "STAFF", pgettext_lazy("event registration channel", "By the organiser")


class CheckinMethod(models.TextChoices):
    QR = "QR", pgettext_lazy("check-in method", "QR check-in")
    LIST = "LIST", pgettext_lazy("check-in method", "Organiser's list")


class Registration(ScopedModel):
    """Visible in the organiser's subtree and in the member's union's."""

    scope_lookups = ("event__org", "union")

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="event_registrations",
                               verbose_name=_("participant"))
    union = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("union"))
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    waitlist_position = models.PositiveIntegerField(_("place on the waiting list"), null=True, blank=True)
    channel = models.CharField(_("registered through"), max_length=6, choices=RegistrationChannel.choices)
    registered_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("registered by"))
    registered_at = models.DateTimeField(_("registered at"))
    promoted_at = models.DateTimeField(_("moved off the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=400, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checkin_method = models.CharField(_("checked in by"), max_length=4, choices=CheckinMethod.choices, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ("-registered_at", "-id")
        indexes = [models.Index(fields=["event", "status"], name="services_evreg_event_status"),
                   models.Index(fields=["person", "status"], name="services_evreg_person_status")]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], condition=~Q(status="CANCELLED"),
                                    name="services_evreg_once",
                                    violation_error_message=_("This person is already registered for this event.")),
            models.UniqueConstraint(fields=["event", "waitlist_position"], condition=Q(status="WAITLISTED"),
                                    name="services_evreg_waitlist_position_once"),
            models.CheckConstraint(
                condition=Q(status="WAITLISTED", waitlist_position__isnull=False)
                | (~Q(status="WAITLISTED") & Q(waitlist_position__isnull=True)),
                name="services_evreg_waitlist_position_iff_waitlisted"),
        ]

    def __str__(self):
        return f"{self.person} · {self.event}"


class EventPhoto(models.Model):
    """Read through its event (scoped)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos", verbose_name=_("event"))
    image = models.FileField(_("photo"), upload_to="services/events/%Y/%m/")
    kind = models.CharField(max_length=8)  # "jpeg" or "png", found by content
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")
        ordering = ("uploaded_at", "id")

    def __str__(self):
        return self.caption or f"{self.event} #{self.pk}"
