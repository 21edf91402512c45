"""Venues (DOMAIN.md §7): the workers' cultural palace (工人文化宫) and the other places where the
unions hold events, with their rooms, bookings, and the art troupe's and film team's programme.

- `Venue` (shared: events take place at one): a place run by a union (the district's cultural
  palace, a town's service centre hall…), with its address. Rooms, bookings, performances and
  screenings are the venues area's own models below it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = ["VenueKind", "Venue"]


class VenueKind(models.TextChoices):
    CULTURAL_PALACE = "CULTURAL_PALACE", pgettext_lazy("venue kind", "Workers' cultural palace (工人文化宫)")
    SERVICE_CENTRE = "SERVICE_CENTRE", pgettext_lazy("venue kind", "Worker service centre")
    SPORTS = "SPORTS", pgettext_lazy("venue kind", "Sports ground")
    OTHER = "OTHER", pgettext_lazy("venue kind", "Other place")


class Venue(ScopedModel):
    """A place run by a union (`org`: the district, a town or a union); seen by every cadre whose
    subtree holds the org, and bookable (its rooms) by the unions below it."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("run by"))
    kind = models.CharField(_("kind"), max_length=16, choices=VenueKind.choices, default=VenueKind.OTHER)
    name = models.CharField(_("name"), max_length=80)
    address = models.CharField(_("address"), max_length=200)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="services_venue_name_unique",
                                    violation_error_message=_("A venue with this name already exists.")),
        ]

    def __str__(self):
        return self.name
