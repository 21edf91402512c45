"""Honours (DOMAIN.md §5): award types and quotas, nominations through town and district review
and the public notice (公示), and every person's or team's honour record.

`HonourRecord` is the registry every honour ends in, whatever conferred it: an award of this
area, a skills-contest result or a competition's 立功 recognition (`competitions`), a model-worker
title, or an honour from outside the platform entered by hand. Another app adds a record with
`services.awards.record_honour`, naming its own row in `source_key` so that doing it twice
writes one record.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = [
    "HolderKind",
    "HonourCategory",
    "HonourLevel",
    "HonourRecord",
]


class HonourLevel(models.TextChoices):
    ENTERPRISE = "ENTERPRISE", pgettext_lazy("honour level", "Enterprise")
    TOWN = "TOWN", pgettext_lazy("honour level", "Town")
    DISTRICT = "DISTRICT", pgettext_lazy("honour level", "District")
    CITY = "CITY", pgettext_lazy("honour level", "City")
    PROVINCE = "PROVINCE", pgettext_lazy("honour level", "Province")
    NATIONAL = "NATIONAL", pgettext_lazy("honour level", "National")


class HonourCategory(models.TextChoices):
    AWARD = "AWARD", pgettext_lazy("honour category", "Award conferred after nomination")
    CONTEST = "CONTEST", pgettext_lazy("honour category", "Skills contest result")
    COMPETITION = "COMPETITION", pgettext_lazy("honour category", "Labour competition recognition (立功)")
    MODEL_WORKER = "MODEL_WORKER", pgettext_lazy("honour category", "Model worker title")
    SKILL_LEADER = "SKILL_LEADER", pgettext_lazy("honour category", "Skill leader title")
    OTHER = "OTHER", pgettext_lazy("honour category", "Other honour")


class HolderKind(models.TextChoices):
    PERSON = "PERSON", pgettext_lazy("honour holder", "Person")
    TEAM = "TEAM", pgettext_lazy("honour holder", "Team")


class HonourRecord(ScopedModel):
    """One honour held by one person or one team. Seen from the union (org) it was conferred in."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    holder_kind = models.CharField(_("holder"), max_length=8, choices=HolderKind.choices)
    person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="honour_records", verbose_name=_("person"))
    team_name = models.CharField(_("team"), max_length=120, blank=True)
    title = models.CharField(_("honour"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=HonourCategory.choices)
    level = models.CharField(_("level"), max_length=12, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    conferred_on = models.DateField(_("conferred on"))
    conferred_by = models.CharField(_("conferred by"), max_length=120, blank=True)
    # Where it came from: "<app>.<Model>:<pk>" of the conferring row (empty when entered by hand);
    # unique when set, so conferring twice writes one record.
    source_key = models.CharField(max_length=80, blank=True)
    source_label = models.CharField(_("source"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("honour record")
        verbose_name_plural = _("honour records")
        ordering = ("-conferred_on", "-id")
        indexes = [
            models.Index(fields=["org", "-conferred_on"], name="honour_record_org_idx"),
            models.Index(fields=["person", "-conferred_on"], name="honour_record_person_idx"),
            models.Index(fields=["category", "year"], name="honour_record_category_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source_key"], condition=~Q(source_key=""),
                                    name="honour_record_one_per_source"),
            models.CheckConstraint(
                condition=(Q(holder_kind="PERSON", person__isnull=False, team_name="")
                           | Q(holder_kind="TEAM", person__isnull=True) & ~Q(team_name="")),
                name="honour_record_person_xor_team"),
        ]

    def __str__(self):
        return f"{self.holder_name} · {self.title}"

    @property
    def holder_name(self):
        return self.person.name if self.person_id else self.team_name
