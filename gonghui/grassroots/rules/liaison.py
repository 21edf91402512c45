"""The numbers of liaison points, as defaults a deployment may override with the setting
`GRASSROOTS_LIAISON_RULES` (a dict with any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    remind_days: int = 7              # a follow-up is "due soon" within 7 days of its due date
    follow_up_days: int = 30          # the due date a new follow-up is offered: visit + 30 days
    backdate_days: int = 366          # a visit may be logged up to a year after it took place
    coverage_top100: bool = True      # the coverage report counts every top-100 enterprise too


def rules() -> Rules:
    overrides = getattr(settings, "GRASSROOTS_LIAISON_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
