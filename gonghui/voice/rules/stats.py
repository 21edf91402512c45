"""Configurable figures of the `stats` area (appeal statistics), overridable with the
`VOICE_STATS_RULES` setting (a dict with any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # A rating at or above this (of 1–5) counts as "satisfied".
    satisfied_from: int = 4
    # The org table shows this many orgs a page (ranked by appeals received).
    orgs_per_page: int = 20
    # "Top issues": this many enterprises with the most appeals in the month.
    top_enterprises: int = 10
    # The years the page and the API accept.
    first_year: int = 2015
    last_year: int = 2100


def rules() -> Rules:
    overrides = getattr(settings, "VOICE_STATS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
