"""Configurable figures of the `events` area (DOMAIN.md §7), overridable with the
`SERVICES_EVENTS_RULES` setting (a dict with any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # QR check-in opens this many minutes before the start and closes this many after the end.
    checkin_opens_minutes: int = 60
    checkin_closes_minutes: int = 60
    # At most this many people in one bulk registration by a union.
    bulk_limit: int = 300
    # Photos: at most this many bytes each, and this many per event.
    photo_max_bytes: int = 5 * 1024 * 1024
    photos_per_event: int = 60
    # The dashboard's "starting soon" line: published events starting within this many days.
    starting_soon_days: int = 7


def rules() -> Rules:
    overrides = getattr(settings, "SERVICES_EVENTS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
