"""Facilities for remote enterprises (DOMAIN.md §7): a grassroots union (`org`) asks for a
mini-shop, canteen, bath, barber, ATM, bus stop… for its (remote) enterprise.

`FacilityRequest`: kind, location, workers served, justification; numbered SS<year>-NNNN;
SUBMITTED → APPROVED (by the town: `services.approve`) or REJECTED (reason) → IN_PROGRESS
(partner named — a bank for an ATM, the bus company, a merchant — and a planned opening) → OPEN
(opening date) → CLOSED (reason), or WITHDRAWN by the union before a decision. Once open the
requesting union rates it (1–5). Visible in the union's subtree (its town, the district).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = ["FacilityKind", "FacilityStatus", "FacilityRequest", "FacilityCounter"]


class FacilityKind(models.TextChoices):
    MINI_SHOP = "MINI_SHOP", pgettext_lazy("facility kind", "Mini-shop")
    CANTEEN = "CANTEEN", pgettext_lazy("facility kind", "Canteen")
    BATH = "BATH", pgettext_lazy("facility kind", "Bath house")
    BARBER = "BARBER", pgettext_lazy("facility kind", "Barber")
    ATM = "ATM", pgettext_lazy("facility kind", "ATM")
    BUS_STOP = "BUS_STOP", pgettext_lazy("facility kind", "Bus stop")
    OTHER = "OTHER", pgettext_lazy("facility kind", "Other")


class FacilityStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", pgettext_lazy("facility status", "Submitted")
    APPROVED = "APPROVED", pgettext_lazy("facility status", "Approved")
    REJECTED = "REJECTED", pgettext_lazy("facility status", "Rejected")
    IN_PROGRESS = "IN_PROGRESS", pgettext_lazy("facility status", "Being set up")
    OPEN = "OPEN", pgettext_lazy("facility status", "Open")
    CLOSED = "CLOSED", pgettext_lazy("facility status", "Closed")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("facility status", "Withdrawn")


class FacilityRequest(ScopedModel):
    scope_lookups = ("org",)

    number = models.CharField(_("request number"), max_length=20, unique=True)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("requesting union"))
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    enterprise = models.ForeignKey("orgs.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("enterprise"))
    kind = models.CharField(_("kind"), max_length=10, choices=FacilityKind.choices)
    title = models.CharField(_("title"), max_length=120)
    location = models.CharField(_("location"), max_length=200)
    workers_served = models.PositiveIntegerField(_("workers served"))
    justification = models.TextField(_("justification"), max_length=2000)
    status = models.CharField(_("status"), max_length=12, choices=FacilityStatus.choices,
                              default=FacilityStatus.SUBMITTED)
    submitted_on = models.DateField(_("submitted on"))
    decide_due_on = models.DateField(_("decision due on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejecting"), max_length=400, blank=True)
    partner = models.CharField(_("partner"), max_length=120, blank=True)
    partner_contact = models.CharField(_("partner contact"), max_length=120, blank=True)
    planned_open_on = models.DateField(_("planned opening on"), null=True, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=400, blank=True)
    rating = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    rating_comment = models.CharField(_("comment"), max_length=400, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("facility request")
        verbose_name_plural = _("facility requests")
        ordering = ("-id",)
        indexes = [models.Index(fields=["status", "decide_due_on"], name="services_facility_status_due")]
        constraints = [
            models.CheckConstraint(condition=Q(workers_served__gt=0), name="services_facility_workers_positive",
                                   violation_error_message=_("The workers served must be at least 1.")),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="services_facility_rating_range",
                                   violation_error_message=_("Satisfaction is from 1 to 5.")),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class FacilityCounter(models.Model):
    """The last request number given in a year (SS2026-0001…), locked FOR UPDATE when numbering."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("facility request number counter")
        verbose_name_plural = _("facility request number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"
