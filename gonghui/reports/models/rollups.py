"""Models of the `rollups` area: the year's figures of every org, summed up the tree, and the runs
that computed them.

`Rollup` holds one value per (year, org, industry, part, metric): `part` "" is the org's whole
subtree, "OWN" the records held at the org itself (本级), and a level code (TOWN, GRASSROOTS…) the
part of the subtree held by orgs of that level. Industry "" is every industry. Only non-zero
values are stored; a missing row reads as 0. The rows of a year are replaced in one transaction
by `services.rollups.refresh_rollups`; `RollupYear` is the row that refresh locks so that two
refreshes of one year never interleave, and remembers the run that wrote the rows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["Rollup", "RollupPart", "RollupRun", "RollupStatus", "RollupTrigger", "RollupYear"]


class RollupTrigger(models.TextChoices):
    SCHEDULED = "SCHEDULED", pgettext_lazy("roll-up trigger", "Scheduled")
    ON_DEMAND = "ON_DEMAND", pgettext_lazy("roll-up trigger", "On demand")
    SEED = "SEED", pgettext_lazy("roll-up trigger", "Demo data")
    COMMAND = "COMMAND", pgettext_lazy("roll-up trigger", "Command")


class RollupStatus(models.TextChoices):
    QUEUED = "QUEUED", pgettext_lazy("roll-up status", "Queued")
    RUNNING = "RUNNING", pgettext_lazy("roll-up status", "Running")
    DONE = "DONE", pgettext_lazy("roll-up status", "Done")
    FAILED = "FAILED", pgettext_lazy("roll-up status", "Failed")


class RollupPart:
    """Values of `Rollup.part` besides the org levels (gonghui.orgs.models.OrgLevel)."""

    TOTAL = ""  # the whole subtree
    OWN = "OWN"  # records held at the org itself (本级)


class RollupRun(models.Model):
    """One computation of a year's figures: queued (on demand), running, done or failed."""

    year = models.PositiveSmallIntegerField(_("year"))
    trigger = models.CharField(_("trigger"), max_length=12, choices=RollupTrigger.choices)
    status = models.CharField(_("status"), max_length=8, choices=RollupStatus.choices,
                              default=RollupStatus.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    seconds = models.DecimalField(_("seconds"), max_digits=9, decimal_places=2, default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("roll-up run")
        verbose_name_plural = _("roll-up runs")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "year", "-finished_at"], name="rollup_run_status_idx"),
            models.Index(fields=["year", "-id"], name="rollup_run_year_idx"),
        ]

    def __str__(self):
        return f"{self.year} #{self.pk}"


class RollupYear(models.Model):
    """The lock row of a year's refresh and the run whose rows are in the table now."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    run = models.ForeignKey(RollupRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            verbose_name=_("roll-up run"))

    class Meta:
        verbose_name = _("roll-up year")
        verbose_name_plural = _("roll-up years")

    def __str__(self):
        return str(self.year)


class Rollup(models.Model):
    """One figure of one org for one year (see the module docstring for `part`)."""

    year = models.PositiveSmallIntegerField(_("year"))
    # No index of its own: every read starts with the year (the unique index below); orgs are
    # never deleted in practice (their records are protected), so the cascade may scan.
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", db_index=False,
                            verbose_name=_("organisation"))
    industry = models.CharField(_("industry"), max_length=16, blank=True)
    part = models.CharField(_("part"), max_length=12, blank=True)
    metric = models.CharField(_("metric"), max_length=64)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("roll-up figure")
        verbose_name_plural = _("roll-up figures")
        constraints = [
            models.UniqueConstraint(fields=["year", "org", "industry", "part", "metric"], name="rollup_unique_figure"),
        ]

    def __str__(self):
        return f"{self.year} {self.org_id} {self.industry or '*'} {self.part or '*'} {self.metric}={self.value}"
