"""Skill leaders (职业技能带头人, DOMAIN.md §5) and their special post allowance ledger.

- `SkillLeader`: one nomination of a person by a union for a year's selection, in a trade and an
  industry; the district selects (or does not select) it. A selected leader holds the title from
  `starts_on` to `ends_on` (both inclusive): `ends_on` is the end of the term at selection
  (`term_ends_on`, `rules().term_years` later) and moves earlier when the title is revoked or the
  holder leaves (status ENDED).
- `LeaderAllowanceRun`: the monthly run of a month (one row per month, locked by each run so two
  runs of the same month queue up); counts what every run of that month paid.
- `LeaderAllowance`: one month's allowance paid to one leader. At most one per leader and month
  (`leader_allowance_once_per_month`): running twice pays once.

Month boundary rule: the allowance of a month is paid when the title is held on the first day of
that month (`starts_on <= first day <= ends_on`). See docs/honours-leaders.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel
from gonghui.orgs.models import Industry

__all__ = [
    "LeaderStatus", "LeaderEndKind", "HOLDING_STATUSES", "SkillLeader", "LeaderAllowanceRun", "LeaderAllowance",
]


class LeaderStatus(models.TextChoices):
    NOMINATED = "NOMINATED", pgettext_lazy("skill leader status", "Nominated, waiting for the district")
    SELECTED = "SELECTED", pgettext_lazy("skill leader status", "Selected")
    NOT_SELECTED = "NOT_SELECTED", pgettext_lazy("skill leader status", "Not selected")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("skill leader status", "Withdrawn")
    ENDED = "ENDED", pgettext_lazy("skill leader status", "Title ended early")


class LeaderEndKind(models.TextChoices):
    REVOKED = "REVOKED", pgettext_lazy("skill leader end", "Title revoked")
    LEFT = "LEFT", pgettext_lazy("skill leader end", "Left the post or the district")


# Statuses of a title that was conferred (held now, expired, or ended early).
HOLDING_STATUSES = (LeaderStatus.SELECTED, LeaderStatus.ENDED)
OPEN_STATUSES = (LeaderStatus.NOMINATED, LeaderStatus.SELECTED, LeaderStatus.ENDED)


class SkillLeader(ScopedModel):
    """A nomination for a year's selection and, once selected, the title it conferred."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    # The town (or platform) of the union, copied at nomination: counts and totals by town.
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="skill_leaderships",
                               verbose_name=_("person"))
    year = models.PositiveSmallIntegerField(_("year"))
    trade = models.CharField(_("trade"), max_length=60)
    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices)
    achievements = models.TextField(_("achievements"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=LeaderStatus.choices,
                              default=LeaderStatus.NOMINATED)
    nominated_on = models.DateField(_("nominated on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=400, blank=True)
    starts_on = models.DateField(_("title held from"), null=True, blank=True)
    term_ends_on = models.DateField(_("end of the term"), null=True, blank=True)
    ends_on = models.DateField(_("title held until"), null=True, blank=True)
    end_kind = models.CharField(_("how the title ended"), max_length=8, choices=LeaderEndKind.choices, blank=True)
    end_reason = models.CharField(_("reason the title ended"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("skill leader")
        verbose_name_plural = _("skill leaders")
        ordering = ("-year", "-id")
        indexes = [
            models.Index(fields=["org", "year"], name="skill_leader_org_year_idx"),
            models.Index(fields=["status", "starts_on", "ends_on"], name="skill_leader_holding_idx"),
            models.Index(fields=["year", "town"], name="skill_leader_year_town_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"],
                                    condition=Q(status__in=["NOMINATED", "SELECTED", "ENDED"]),
                                    name="skill_leader_one_per_person_year"),
            models.CheckConstraint(
                condition=Q(status__in=["NOMINATED", "NOT_SELECTED", "WITHDRAWN"])
                | Q(starts_on__isnull=False, ends_on__isnull=False, term_ends_on__isnull=False),
                name="skill_leader_title_has_period"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="skill_leader_period_in_order"),
            models.CheckConstraint(condition=Q(status="ENDED") | Q(end_kind=""), name="skill_leader_end_kind_if_ended"),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.trade} · {self.year}"

    @property
    def holds_title(self):
        return self.status in HOLDING_STATUSES

    def holds_on(self, day):
        return self.holds_title and self.starts_on <= day <= self.ends_on


class LeaderAllowanceRun(models.Model):
    """The allowance run(s) of one month. District-wide bookkeeping, not scoped: the payments are."""

    month = models.DateField(_("month"), unique=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    paid_count = models.PositiveIntegerField(_("allowances paid"), default=0)
    paid_total = models.DecimalField(_("amount paid"), max_digits=14, decimal_places=2, default=0)
    first_run_at = models.DateTimeField(_("first run at"), auto_now_add=True)
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)
    last_run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("allowance run")
        verbose_name_plural = _("allowance runs")
        ordering = ("-month",)

    def __str__(self):
        return f"{self.month:%Y-%m}"


class LeaderAllowance(ScopedModel):
    """One month's special post allowance paid to one skill leader."""

    scope_lookups = ("org",)

    leader = models.ForeignKey(SkillLeader, on_delete=models.PROTECT, related_name="allowances",
                               verbose_name=_("skill leader"))
    run = models.ForeignKey(LeaderAllowanceRun, on_delete=models.PROTECT, related_name="allowances",
                            verbose_name=_("allowance run"))
    month = models.DateField(_("month"))  # the first day of the month paid
    year = models.PositiveSmallIntegerField(_("year"))  # the month's year: totals by year without date functions
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    # Copies of the leader's union and town at payment: scope, and totals by town.
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    created_at = models.DateTimeField(_("paid at"), auto_now_add=True)

    class Meta:
        verbose_name = _("skill leader allowance")
        verbose_name_plural = _("skill leader allowances")
        ordering = ("-month", "-id")
        indexes = [
            models.Index(fields=["org", "-month"], name="leader_allowance_org_idx"),
            models.Index(fields=["month", "town"], name="leader_allowance_month_idx"),
            models.Index(fields=["year", "town"], name="leader_allowance_year_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["leader", "month"], name="leader_allowance_once_per_month"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="leader_allowance_amount_positive"),
        ]

    def __str__(self):
        return f"{self.leader_id} · {self.month:%Y-%m}"
