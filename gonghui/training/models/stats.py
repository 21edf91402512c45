"""Yearly training targets (DOMAIN.md §6), set by the district for itself and for each town.

`TrainingTarget`: for one org (the district, or a town / platform federation) and one year, how many
trainees (distinct people), person-times (seat enrolments) and class hours the year should reach.
The statistics page (`selectors.stats`) sets the year's figures against them. At most one target
per org and year; setting it again edits it (audited).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import ScopedModel

__all__ = ["TrainingTarget"]


class TrainingTarget(ScopedModel):
    """Visible in the org's subtree (a town sees its own target; the district sees all)."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    year = models.PositiveSmallIntegerField(_("year"))
    trainees = models.PositiveIntegerField(_("trainees target"))
    person_times = models.PositiveIntegerField(_("person-times target"))
    hours = models.DecimalField(_("class hours target"), max_digits=10, decimal_places=1)
    note = models.CharField(_("note"), max_length=400, blank=True)
    updated_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("set by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("training target")
        verbose_name_plural = _("training targets")
        ordering = ("-year", "org__path", "id")
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="training_target_once",
                                    violation_error_message=_("This organisation already has a target for this "
                                                              "year.")),
            models.CheckConstraint(condition=Q(hours__gte=0), name="training_target_hours_positive"),
        ]

    def __str__(self):
        return f"{self.org} {self.year}"
