"""The figures of the skill-leader title and its allowance (DOMAIN.md §5) as defaults a deployment
may override with the `HONOURS_LEADERS_RULES` setting (a dict with any of these keys), e.g.
`HONOURS_LEADERS_RULES = {"monthly_amount": "120.00", "term_years": 2}`."""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    monthly_amount: Decimal = Decimal("100.00")  # special post allowance, yuan per month held
    term_years: int = 3                          # a title is held this many years from its start
    run_day: int = 1                             # the beat schedule runs the month's allowance on this day
    catch_up_months: int = 2                     # the scheduled run also pays this many earlier months never run


def rules() -> Rules:
    overrides = getattr(settings, "HONOURS_LEADERS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    values = {k: v for k, v in overrides.items() if k in known}
    if "monthly_amount" in values:
        values["monthly_amount"] = Decimal(str(values["monthly_amount"])).quantize(Decimal("0.01"))
    return Rules(**values)
