"""Configurable figures of the `mentoring` area (DOMAIN.md §6), overridable with the
`TRAINING_MENTORING_RULES` setting (a dict with any of these keys).

- `min_term_months` / `max_term_months`: a pair's term is 1 to 3 years.
- `report_every_months`: a progress report for every 3 months of the term (the last period is cut
  at the end of the term); each is due `report_grace_days` after its period ends.
- `due_soon_days`: a report (or a final assessment) due within this many days shows as due soon,
  and the reminder task notifies the union's staff once.
- `assess_from_days_before_end`: the final assessment may be recorded from this many days before
  the end of the term (any day after it too), once every report due by that day is written.
- `max_level_rise`: on a pass, the skill level rises by at most this many grades (1: the national
  skill grades are normally taken one at a time; a district may allow 2 for outstanding results).
- `pass_mark`: a PASS needs a score at least this; a FAIL a score below it.
"""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    min_term_months: int = 12
    max_term_months: int = 36
    report_every_months: int = 3
    report_grace_days: int = 15
    due_soon_days: int = 14
    assess_from_days_before_end: int = 60
    max_level_rise: int = 1
    pass_mark: Decimal = Decimal("60")


def rules() -> Rules:
    overrides = getattr(settings, "TRAINING_MENTORING_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
