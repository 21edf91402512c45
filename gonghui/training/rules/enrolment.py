"""Configurable figures of the `enrolment` area (DOMAIN.md §6), overridable with the
`TRAINING_ENROLMENT_RULES` setting (a dict with any of these keys), e.g.
`TRAINING_ENROLMENT_RULES = {"bulk_limit": 300}`."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    bulk_limit: int = 200           # people a union may enrol in one bulk request
    waitlist_blocks_overlap: bool = True  # a waiting-list place counts as a booking for the overlap rule
    notify_promotion: bool = True   # tell a promoted trainee (core notifications) when they have a login


def rules() -> Rules:
    overrides = getattr(settings, "TRAINING_ENROLMENT_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
