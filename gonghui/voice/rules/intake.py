"""Configurable figures of the `intake` area (how appeals arrive), overridable with the
`VOICE_INTAKE_RULES` setting (a dict with any of these keys).

The time limits, anonymity per category, the re-open and rating windows are the `appeals`
area's rules (`VOICE_APPEALS_RULES`): intake applies them, it does not repeat them.
"""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # Public form and POST /public/appeals: submissions per client IP (core.api_support.hit).
    public_submit_rate: str = "5/hour"
    # The tracking page and GET /public/appeals/{number}: look-ups per client IP (guessing codes).
    public_track_rate: str = "30/hour"
    # The public form refuses a post sent sooner than this after the page was drawn (bots fill
    # forms instantly) or later than `max_fill_hours` (a stale, replayed page).
    min_fill_seconds: int = 4
    max_fill_hours: int = 12
    # Attachments on a submission: how many, and the size of each (JPG, PNG or PDF by content).
    max_attachments: int = 5
    attachment_max_bytes: int = 5 * 1024 * 1024
    # Length of the tracking code (letters and digits without look-alikes: 0/O, 1/I/L).
    tracking_code_length: int = 10


def rules() -> Rules:
    overrides = dict(getattr(settings, "VOICE_INTAKE_RULES", {}) or {})
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
