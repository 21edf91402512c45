"""Configurable figures of the `facilities` area (DOMAIN.md §7), overridable with the
`SERVICES_FACILITIES_RULES` setting (a dict with any of these keys), e.g.
`SERVICES_FACILITIES_RULES = {"decide_within_working_days": 5}`."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    number_prefix: str = "SS"            # request numbers are SS2026-0001… per year
    decide_within_working_days: int = 10  # the town approves or rejects within N working days
    max_workers: int = 100_000
    max_planned_days_ahead: int = 730    # a planned opening at most this far ahead


def rules() -> Rules:
    overrides = getattr(settings, "SERVICES_FACILITIES_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
