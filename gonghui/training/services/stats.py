"""Services of the `stats` area: set a yearly target (create or edit), export the statistics.

`set_target` is atomic, locks the existing target row, checks the rules (org the district or a
town/platform, year in range, figures not negative and not absurd, person-times ≥ trainees) and
leaves an audit row with the before/after figures.
"""

import tempfile
import uuid
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.policies import require
from gonghui.orgs.models import Org, OrgLevel

from ..models import TrainingTarget
from ..policies.stats import CONFIGURE, EXPORT
from ..rules.stats import rules

TARGET_LEVELS = (OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.PLATFORM)
SET_TARGET = "training.target_set"
EXPORT_STATS = "training.stats_export"


def _snapshot(target):
    return {"org": target.org_id, "year": target.year, "trainees": target.trainees,
            "person_times": target.person_times, "hours": str(target.hours), "note": target.note}


def check_target(*, org, year, trainees, person_times, hours):
    """Raise DomainError (with its field) on the first figure the rules refuse."""
    r = rules()
    if org is None or org.level not in TARGET_LEVELS:
        raise DomainError(_("Targets are set for the district or a town."), code="wrong_org", field="org")
    if year is None or not r.first_year <= int(year) <= r.last_year:
        raise DomainError(_("The year must be between %(first)s and %(last)s.") % {"first": r.first_year,
                                                                                      "last": r.last_year},
                          code="bad_year", field="year")
    for name, value, limit in (("trainees", trainees, r.max_trainees), ("person_times", person_times, r.max_trainees)):
        if value is None or int(value) < 0:
            raise DomainError(_("The target cannot be negative."), code="negative", field=name)
        if int(value) > limit:
            raise DomainError(_("The target is larger than %(limit)s; check the figure.") % {"limit": limit},
                              code="too_large", field=name)
    try:
        hours = Decimal(hours)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise DomainError(_("Enter the class hours as a number."), code="bad_hours", field="hours") from exc
    if not hours.is_finite() or hours < 0:
        raise DomainError(_("The target cannot be negative."), code="negative", field="hours")
    if hours > r.max_hours:
        raise DomainError(_("The target is larger than %(limit)s; check the figure.") % {"limit": r.max_hours},
                          code="too_large", field="hours")
    if hours != hours.quantize(Decimal("0.1")):
        raise DomainError(_("Class hours have at most one decimal."), code="bad_hours", field="hours")
    if int(person_times) < int(trainees):
        raise DomainError(_("Person-times cannot be fewer than trainees (each trainee takes at least one seat)."),
                          code="person_times_below_trainees", field="person_times")
    return hours


def set_target(*, actor, org: Org, year: int, trainees: int, person_times: int, hours, note: str = "",
               target: TrainingTarget | None = None) -> TrainingTarget:
    """Create the org's target for the year (refused when it has one), or edit `target` (which may
    move to another org or year unless that one already has a target)."""
    require(actor, CONFIGURE, org)
    if target is not None:
        require(actor, CONFIGURE, target.org)
    hours = check_target(org=org, year=year, trainees=trainees, person_times=person_times, hours=hours)
    note = (note or "").strip()[:400]
    try:
        with transaction.atomic():
            existing = None
            if target is not None:
                existing = TrainingTarget.objects.select_for_update().filter(pk=target.pk).first()
                if existing is None:
                    raise DomainError(_("This target no longer exists."), code="gone")
            clash = TrainingTarget.objects.filter(org=org, year=year)
            if existing is not None:
                clash = clash.exclude(pk=existing.pk)
            if clash.exists():
                raise DomainError(_("This organisation already has a target for this year."), code="duplicate",
                                  field="year")
            before = _snapshot(existing) if existing else None
            row = existing or TrainingTarget(org=org, year=year)
            row.org, row.year = org, int(year)
            row.trainees, row.person_times, row.hours, row.note = int(trainees), int(person_times), hours, note
            row.updated_by = actor if getattr(actor, "pk", None) else None
            row.save()
            b, a = audit.changed(before, _snapshot(row))
            audit.record(actor=actor, action=SET_TARGET, obj=row, org=org, before=b or None, after=a)
            return row
    except IntegrityError as exc:  # a concurrent first save of the same org and year
        raise DomainError(_("This organisation already has a target for this year."), code="duplicate",
                          field="year") from exc


class _ExportRef:
    """What an export audit row points at: the export itself (there is no model row)."""

    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Training statistics export")


def export_stats(*, actor, stats, writer=None):
    """Write the workbook (`write_stats`) into a rewound temporary file and audit the export (one
    row, with the year and the rows written)."""
    writer = writer or write_stats
    require(actor, EXPORT)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        rows = writer(handle, stats)
        audit.record(actor=actor, action=EXPORT_STATS, obj=_ExportRef(uuid.uuid4().hex),
                     object_type="training.StatsExport", after={"year": stats.year, "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def figure_headers(first):
    return [first, _("Trainees"), _("Person-times"), _("Class hours"), _("Completed"), _("Decided"),
            _("Completion rate (%)"), _("Certificates"), _("Trainees target"), _("Progress (%)"),
            _("Person-times target"), _("Progress (%)"), _("Class hours target"), _("Progress (%)")]


FIGURE_WIDTHS = [28, 10, 12, 12, 10, 10, 14, 12, 12, 10, 14, 10, 14, 10]


def figure_values(row):
    f, t = row.figures, row.target
    return [f.trainees, f.person_times, f.hours, f.completed, f.decided, f.completion_rate, f.certificates,
            t.trainees if t else None, row.trainees_progress, t.person_times if t else None,
            row.person_times_progress, t.hours if t else None, row.hours_progress]


def write_stats(target, stats) -> int:
    """One sheet per table of the page (targets, town, school, programme, industry, year) and a
    summary with the definitions; returns the rows written."""
    from django.utils import timezone

    from gonghui.core.excel import XlsxStream

    from ..selectors.stats import Row, definitions

    rows = 0
    total = Row(None, _("Total"), stats.total)
    with XlsxStream(target) as book:
        summary = book.sheet(_("Summary"), headers=[_("Figure"), pgettext("statistic", "Value")], widths=[44, 20])
        summary.append([_("Year"), stats.year])
        for label, value in zip(figure_headers("")[1:8], figure_values(total)[:7], strict=True):
            summary.append([label, value])
        summary.append([_("Exported at"), timezone.localtime()])
        summary.append([])
        for note in definitions():
            summary.append([str(note)])
        sheet = book.sheet(_("Against the targets"), headers=figure_headers(_("Organisation")), widths=FIGURE_WIDTHS)
        for row in stats.targets:
            sheet.append([row.label, *figure_values(row)])
            rows += 1
        for _key, title, first, breakdown in stats.breakdowns():
            sheet = book.sheet(title, headers=figure_headers(first), widths=FIGURE_WIDTHS)
            for row in breakdown:
                sheet.append([row.label, *figure_values(row)])
                rows += 1
            if _key != "year":
                sheet.append([_("Total"), *figure_values(total)])
    return rows


def stats_filename(year):
    return f"training-statistics-{year}.xlsx"
