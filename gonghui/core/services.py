"""Core's own writes: the working-day override table (edited in the admin and loaded by
`manage.py load_workdays`). Each write is atomic, audited, and refreshes the cached overrides
after commit so deadlines computed by the next request already use the new calendar."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from . import audit, workdays
from .errors import DomainError
from .locking import lock
from .models import WorkdayOverride

SET = "core.workday.set"
DELETE = "core.workday.delete"
LOAD = "core.workday.load"
YEAR_OBJECT_TYPE = "core.WorkdayYear"


def _refresh_after_commit():
    transaction.on_commit(workdays.calendar_changed)


@transaction.atomic
def save_workday_override(*, actor, override: WorkdayOverride) -> WorkdayOverride:
    """Create or change one override (the admin's add, change and list edits)."""
    override.full_clean()
    before = None
    if override.pk is not None:
        current = lock(WorkdayOverride.objects.filter(pk=override.pk))
        before = audit.snapshot(current[0]) if current else None
    override.save()
    after = audit.snapshot(override)
    if before is not None:
        before, after = audit.changed(before, after)
        if not after:
            return override
    audit.record(actor=actor, action=SET, obj=override, before=before, after=after)
    _refresh_after_commit()
    return override


@transaction.atomic
def delete_workday_overrides(*, actor, overrides) -> int:
    """Delete overrides (one or a selection); one audit row each, with what was deleted."""
    rows = lock(WorkdayOverride.objects.filter(pk__in=[o.pk for o in overrides]))
    for row in rows:
        audit.record(actor=actor, action=DELETE, obj=row, before=audit.snapshot(row))
    WorkdayOverride.objects.filter(pk__in=[row.pk for row in rows]).delete()
    if rows:
        _refresh_after_commit()
    return len(rows)


@dataclass(frozen=True)
class WorkdayYear:
    """What the audit row of a whole-year load points at (there is no model row for a year)."""

    pk: int

    def __str__(self):
        return str(self.pk)


@transaction.atomic
def load_year_workdays(*, actor, year: int, holidays, working_days=(), note: str = "") -> int:
    """Replace every override of `year` with these holidays and make-up working days, all or
    nothing. Returns the number of rows written."""
    holidays, working = sorted(set(holidays)), sorted(set(working_days))
    if not holidays:
        raise DomainError(_("Give the holidays of %(year)s.") % {"year": year}, code="no_holidays")
    outside = [d for d in (*holidays, *working) if d.year != year]
    if outside:
        raise DomainError(_("%(day)s is not in %(year)s.") % {"day": outside[0].isoformat(), "year": year},
                          code="wrong_year")
    both = sorted(set(holidays) & set(working))
    if both:
        raise DomainError(_("%(day)s is given both as a holiday and as a working day.")
                          % {"day": both[0].isoformat()}, code="holiday_and_workday")
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    old = lock(WorkdayOverride.objects.filter(day__range=(start, end)))
    before = {"holidays": [r.day.isoformat() for r in old if not r.is_working_day],
              "working_days": [r.day.isoformat() for r in old if r.is_working_day]}
    WorkdayOverride.objects.filter(pk__in=[r.pk for r in old]).delete()
    rows = [WorkdayOverride(day=d, is_working_day=False, note=note[:60]) for d in holidays]
    rows += [WorkdayOverride(day=d, is_working_day=True, note=note[:60]) for d in working]
    for row in rows:
        row.full_clean(validate_unique=False)
    WorkdayOverride.objects.bulk_create(rows)
    after = {"holidays": [d.isoformat() for d in holidays], "working_days": [d.isoformat() for d in working]}
    audit.record(actor=actor, action=LOAD, obj=WorkdayYear(year), object_type=YEAR_OBJECT_TYPE,
                 before=before, after=after)
    _refresh_after_commit()
    return len(rows)
