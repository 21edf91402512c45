"""Configurable figures of the `centres` area (DOMAIN.md §7), overridable with the
`SERVICES_CENTRES_RULES` setting (a dict with any of these keys), e.g.
`SERVICES_CENTRES_RULES = {"accept_within_working_days": 5}`."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    order_prefix: str = "FW"              # order numbers are FW2026-0001… per year
    accept_within_working_days: int = 3   # a centre accepts or declines an order within N working days
    max_headcount: int = 5000             # people of one order at most
    max_wanted_days_ahead: int = 366      # an order is wanted at most this far ahead
    max_budget: int = 10_000_000          # yuan, one project at most


def rules() -> Rules:
    overrides = getattr(settings, "SERVICES_CENTRES_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
