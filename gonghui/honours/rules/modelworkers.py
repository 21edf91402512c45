"""The figures of the model-worker registry as defaults a deployment may override with the
`HONOURS_MODELWORKERS_RULES` setting (a dict with any of these keys)."""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # Yearly care: every model worker has a health check and a visit each calendar year. From
    # `care_due_month` on, those still without one this year are "due soon" on the dashboard and
    # the reminder tells their union chairs and town cadres (once a year per union); from
    # `care_overdue_month` on they are overdue.
    care_due_month: int = 9
    care_overdue_month: int = 12
    max_subsidy: Decimal = Decimal("100000")  # a larger subsidy is refused as a likely typing error
    story_max_chars: int = 8000


def rules() -> Rules:
    overrides = getattr(settings, "HONOURS_MODELWORKERS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    values = {k: v for k, v in overrides.items() if k in known}
    if "max_subsidy" in values:
        values["max_subsidy"] = Decimal(str(values["max_subsidy"]))
    return Rules(**values)
