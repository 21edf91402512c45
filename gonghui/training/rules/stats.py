"""Configurable figures of the `stats` area (DOMAIN.md §6), overridable with the
`TRAINING_STATS_RULES` setting (a dict with any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # The years a target may be set for, and the statistics shown.
    first_year: int = 2015
    last_year: int = 2100
    # The largest figures a target may hold (a typo guard: the district has ~600k members).
    max_trainees: int = 5_000_000
    max_hours: int = 100_000_000


def rules() -> Rules:
    overrides = getattr(settings, "TRAINING_STATS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
