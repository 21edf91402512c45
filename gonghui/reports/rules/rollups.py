"""Local policy of the `rollups` area (settings.REPORTS_ROLLUPS_RULES overrides any key)."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # The first year whose figures can be computed (the platform's records start here).
    first_year: int = 2015
    # The scheduled refresh also recomputes the previous year up to the end of this month
    # (January: late records of December still arrive).
    previous_year_until_month: int = 1
    # Finished scheduled runs are kept this many days (the hourly job writes ~8,800 a year);
    # failures, on-demand runs and the run whose figures are in use are kept.
    keep_scheduled_runs_days: int = 90
    # Rows written per INSERT when the year's figures are replaced.
    insert_batch: int = 5000


def rules() -> Rules:
    overrides = getattr(settings, "REPORTS_ROLLUPS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
