"""Configurable figures of the `courses` area (DOMAIN.md §6), overridable with the
`TRAINING_COURSES_RULES` setting (a dict with any of these keys), e.g.
`TRAINING_COURSES_RULES = {"code_prefix": "PX", "max_capacity": 300}`."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    code_prefix: str = "PX"          # course numbers are PX2026-0001, PX2026-0002… per year
    max_capacity: int = 500          # seats of one course at most
    max_session_hours: int = 12      # one session lasts at most this many hours (start to end)
    max_trades: int = 10             # target trades of one course at most
    starting_soon_days: int = 7      # due soon: open courses whose first session is this close


def rules() -> Rules:
    overrides = getattr(settings, "TRAINING_COURSES_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
