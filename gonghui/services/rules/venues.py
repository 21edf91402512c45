"""Configurable figures of the `venues` area (DOMAIN.md §7), overridable with the
`SERVICES_VENUES_RULES` setting (a dict with any of these keys).

- `max_days_ahead`: a room is booked at most this many days ahead (default 180).
- `min_minutes`: the shortest booking (default 30 minutes); a booking lies within one day and the
  room's opening hours.
- `confirm_within_days`: the venue's org confirms or rejects a request within this many days;
  older requests are overdue on the dashboard (default 2).
- `confirm_soon_days`: a request whose slot starts within this many days shows as due soon
  (default 3).
"""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    max_days_ahead: int = 180
    min_minutes: int = 30
    confirm_within_days: int = 2
    confirm_soon_days: int = 3


def rules() -> Rules:
    overrides = getattr(settings, "SERVICES_VENUES_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
