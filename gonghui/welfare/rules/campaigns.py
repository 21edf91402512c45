"""Configurable figures of the `campaigns` area (DOMAIN.md §7), overridable with the
`WELFARE_CAMPAIGNS_RULES` setting (a dict with any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    pass


def rules() -> Rules:
    overrides = getattr(settings, "WELFARE_CAMPAIGNS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
