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
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = [
    "AwardKind",
    "HolderKind",
    "HonourCategory",
    "HonourLevel",
    "HonourNomination",
    "HonourObjection",
    "HonourQuota",
    "HonourRecord",
    "HonourType",
    "LIVE_NOMINATION_STATUSES",
    "NominationStatus",
    "ObjectionStatus",
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


class AwardKind(models.TextChoices):
    GOLD_GEAR = "GOLD_GEAR", _("Golden Gear Award (金齿轮奖)")
    SILVER_GEAR = "SILVER_GEAR", _("Silver Gear Award (银齿轮奖)")
    PIONEER_TEAM = "PIONEER_TEAM", _("Workers' Pioneer (工人先锋号, teams)")
    INNOVATION = "INNOVATION", _("Outstanding innovation achievement (优秀成果创新)")
    NAMED_METHOD = "NAMED_METHOD", _("Advanced operation method named after a worker")
    MODEL_WORKER = "MODEL_WORKER", _("Model worker (劳动模范)")


class HonourType(models.Model):
    """An award the district confers after nomination. District-wide configuration: not scoped;
    everyone with `honours.view` reads it, only `honours.configure` changes it."""

    kind = models.CharField(pgettext_lazy("award", "kind"), max_length=16, choices=AwardKind.choices, unique=True)
    name = models.CharField(pgettext_lazy("award", "name"), max_length=120)
    holder_kind = models.CharField(_("holder"), max_length=8, choices=HolderKind.choices)
    level = models.CharField(_("level"), max_length=12, choices=HonourLevel.choices, default=HonourLevel.DISTRICT)
    is_active = models.BooleanField(_("open for nominations"), default=True)
    description = models.CharField(_("description"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("award type")
        verbose_name_plural = _("award types")
        ordering = ("id",)

    def __str__(self):
        return self.name

    @property
    def for_teams(self):
        return self.holder_kind == HolderKind.TEAM


class HonourQuota(ScopedModel):
    """How many nominations of a type the unions under `org` (a town or a union) may send in a
    year. A nomination uses the quota of the nearest org above (or at) the nominating union."""

    scope_lookups = ("org",)

    honour_type = models.ForeignKey(HonourType, on_delete=models.PROTECT, related_name="quotas",
                                    verbose_name=_("award type"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation"))
    year = models.PositiveSmallIntegerField(_("year"))
    places = models.PositiveSmallIntegerField(_("places"))

    class Meta:
        verbose_name = _("nomination quota")
        verbose_name_plural = _("nomination quotas")
        ordering = ("-year", "honour_type_id", "org__path")
        constraints = [
            models.UniqueConstraint(fields=["honour_type", "org", "year"], name="honour_quota_once"),
        ]

    def __str__(self):
        return f"{self.honour_type} {self.org} {self.year}: {self.places}"


class NominationStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", pgettext_lazy("nomination status", "Waiting for the town's review")
    FORWARDED = "FORWARDED", pgettext_lazy("nomination status", "Waiting for the district's review")
    NOTICE = "NOTICE", pgettext_lazy("nomination status", "Under public notice (公示)")
    CONFERRED = "CONFERRED", pgettext_lazy("nomination status", "Conferred")
    REJECTED = "REJECTED", pgettext_lazy("nomination status", "Not accepted")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("nomination status", "Withdrawn")


# A live nomination holds a place of its quota; a rejected or withdrawn one gives it back.
LIVE_NOMINATION_STATUSES = (NominationStatus.SUBMITTED, NominationStatus.FORWARDED, NominationStatus.NOTICE,
                            NominationStatus.CONFERRED)


class HonourNomination(ScopedModel):
    """One union's nomination of a person (or, for 工人先锋号, a team of an enterprise) for an
    award of a year: town review → district review → 公示 → conferral."""

    scope_lookups = ("org",)

    honour_type = models.ForeignKey(HonourType, on_delete=models.PROTECT, related_name="nominations",
                                    verbose_name=_("award type"))
    year = models.PositiveSmallIntegerField(_("year"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    quota = models.ForeignKey(HonourQuota, on_delete=models.PROTECT, related_name="nominations",
                              verbose_name=_("quota"))
    person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("person"))
    team_name = models.CharField(_("team"), max_length=120, blank=True)
    enterprise = models.ForeignKey("orgs.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("enterprise"))
    deeds = models.TextField(_("deeds (事迹)"))
    # What the union declares about the team's enterprise (工人先锋号): no platform records hold these yet.
    wage_arrears = models.BooleanField(_("wage arrears declared"), default=False)
    no_social_insurance = models.BooleanField(_("social insurance not paid for all staff"), default=False)
    serious_accident_on = models.DateField(_("last serious safety accident on"), null=True, blank=True)
    eligibility = models.JSONField(_("eligibility checks"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=NominationStatus.choices,
                              default=NominationStatus.SUBMITTED)
    submitted_on = models.DateField(_("submitted on"))
    town_reviewed_on = models.DateField(_("town reviewed on"), null=True, blank=True)
    town_comments = models.CharField(_("town's comments"), max_length=400, blank=True)
    district_reviewed_on = models.DateField(_("district reviewed on"), null=True, blank=True)
    district_comments = models.CharField(_("district's comments"), max_length=400, blank=True)
    notice_starts_on = models.DateField(_("public notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("public notice until"), null=True, blank=True)
    conferred_on = models.DateField(_("conferred on"), null=True, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=64, blank=True)
    rejected_on = models.DateField(_("not accepted on"), null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=400, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    record = models.ForeignKey(HonourRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("honour record"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("honour nomination")
        verbose_name_plural = _("honour nominations")
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["status", "notice_ends_on"], name="honour_nom_status_idx"),
            models.Index(fields=["year", "id"], name="honour_nom_year_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=(Q(person__isnull=False, team_name="")
                                              | Q(person__isnull=True) & ~Q(team_name="")),
                                   name="honour_nom_person_xor_team"),
            # A person is nominated once per award and year (a rejected or withdrawn nomination aside).
            models.UniqueConstraint(fields=["honour_type", "year", "person"],
                                    condition=Q(person__isnull=False, status__in=LIVE_NOMINATION_STATUSES),
                                    name="honour_nom_person_once"),
            models.CheckConstraint(condition=~Q(status__in=["NOTICE", "CONFERRED"])
                                   | Q(notice_starts_on__isnull=False, notice_ends_on__gte=F("notice_starts_on")),
                                   name="honour_nom_notice_dates"),
            models.CheckConstraint(condition=~Q(status="CONFERRED")
                                   | Q(conferred_on__isnull=False, conferred_on__gt=F("notice_ends_on")),
                                   name="honour_nom_conferred_after_notice"),
        ]

    def __str__(self):
        return f"{self.holder_name} · {self.honour_type.name} {self.year}"

    @property
    def holder_name(self):
        return self.person.name if self.person_id else self.team_name

    @property
    def is_live(self):
        return self.status in LIVE_NOMINATION_STATUSES


class ObjectionStatus(models.TextChoices):
    OPEN = "OPEN", pgettext_lazy("objection status", "Open")
    UPHELD = "UPHELD", pgettext_lazy("objection status", "Upheld")
    DISMISSED = "DISMISSED", pgettext_lazy("objection status", "Dismissed")


class HonourObjection(models.Model):
    """An objection received during a nomination's 公示. While one is open the award cannot be
    conferred; upheld, the nomination is not accepted; dismissed, the conferral may go ahead."""

    nomination = models.ForeignKey(HonourNomination, on_delete=models.CASCADE, related_name="objections",
                                   verbose_name=_("nomination"))
    received_on = models.DateField(_("received on"))
    objector = models.CharField(_("raised by"), max_length=64, blank=True)
    content = models.TextField(_("objection"))
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.OPEN)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(_("finding"), max_length=400, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(condition=Q(status="OPEN") | Q(decided_on__isnull=False) & ~Q(decision_note=""),
                                   name="honour_objection_decided"),
        ]

    def __str__(self):
        return f"{self.nomination_id} {self.received_on}"
