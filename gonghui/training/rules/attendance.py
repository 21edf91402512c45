"""Configurable figures of the `attendance` area (DOMAIN.md §6), overridable with the
`TRAINING_ATTENDANCE_RULES` setting (a dict with any of these keys).

- `min_attendance`: the share of a course's class hours (non-cancelled sessions) a trainee must
  attend to complete it, when the course does not set its own (`Course.min_attendance`);
- `checkin_opens_minutes` / `checkin_closes_minutes`: the QR check-in window, from this many
  minutes before a session starts to this many minutes after it ends;
- `late_after_minutes`: a QR check-in this many minutes after the start counts as late;
- `certificate_prefix`: the first letters of a certificate number (PX-2026-0000123);
- `verify_rate`: how many public verifications (page and API together) one client IP may make
  per window, "count/period" (s, min, h, d; fixed window in the cache); "" turns the limit off.
"""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    min_attendance: Decimal = Decimal("0.80")
    checkin_opens_minutes: int = 60
    checkin_closes_minutes: int = 60
    late_after_minutes: int = 15
    certificate_prefix: str = "PX"
    verify_rate: str = "30/min"


def rules() -> Rules:
    overrides = getattr(settings, "TRAINING_ATTENDANCE_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
