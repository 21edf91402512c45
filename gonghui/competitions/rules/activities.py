"""The figures of on-the-job activities, overridable with `COMPETITIONS_ACTIVITIES_RULES`."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    max_participants: int = 500  # participants recorded on one activity


def rules() -> Rules:
    overrides = getattr(settings, "COMPETITIONS_ACTIVITIES_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
