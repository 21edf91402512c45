"""Configurable figures of the `hardship` area (DOMAIN.md §7), overridable with the
`WELFARE_HARDSHIP_RULES` setting (a dict with any of these keys), and the calculator.

The 低保 line default, 1280 yuan per person per month, is the urban 最低生活保障标准 of 杭州市区
(萧山 included) as we know it for 2024–2025; the district sets the figure of the year in
`WELFARE_HARDSHIP_RULES["dibao_monthly"]` when the city publishes a new one.
"""

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rules:
    # The local 低保 line, yuan per person per month.
    dibao_monthly: Decimal = Decimal("1280.00")
    # 相对困难: per-capita monthly income below this multiple of the 低保 line.
    relative_multiplier: Decimal = Decimal("2")
    # 意外致困: unexpected costs of the year above this share of the household's annual income.
    accident_share: Decimal = Decimal("0.80")
    # A file on record is reviewed every `review_months` months.
    review_months: int = 12
    # "Due soon" on the dashboard and in the list: review due within this many days.
    due_soon_days: int = 30
    # A household has 1 to `max_household` persons.
    max_household: int = 20
    number_prefix: str = "KN"


def rules() -> Rules:
    overrides = getattr(settings, "WELFARE_HARDSHIP_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    values = {k: v for k, v in overrides.items() if k in known}
    for k in ("dibao_monthly", "relative_multiplier", "accident_share"):
        if k in values:
            values[k] = Decimal(str(values[k]))
    return Rules(**values)


@dataclass(frozen=True)
class Assessment:
    """What the calculator says about a household."""

    persons: int
    income: Decimal
    rigid_costs: Decimal
    unexpected_costs: Decimal
    per_capita_monthly: Decimal | None  # rounded to the cent for display; None without persons
    category: str  # HardshipCategory value, or "" (not in hardship by these figures)
    dibao_monthly: Decimal
    deep_below: bool
    relative_below: bool
    accident: bool

    @property
    def eligible(self) -> bool:
        return bool(self.category)


def assess(*, income, rigid_costs, unexpected_costs, persons: int, r: Rules | None = None) -> Assessment:
    """DOMAIN.md §7, a pure function. With per-capita monthly = (income − rigid costs) / 12 / persons:

    - 深度困难 (DEEP) when it is below the 低保 line;
    - 相对困难 (RELATIVE) when it is below `relative_multiplier` × 低保;
    - 意外致困 (ACCIDENT) when unexpected costs are above `accident_share` of the annual income.

    The comparisons are exact (income − costs against 12 × persons × line, no rounding), strictly
    "below" / "above": a household exactly on the line is not under it. When several hold, the
    first in that order is the category (the most severe). No persons: no category.
    """
    r = r or rules()
    income, rigid, unexpected = Decimal(income or 0), Decimal(rigid_costs or 0), Decimal(unexpected_costs or 0)
    if persons is None or persons < 1:
        return Assessment(0, income, rigid, unexpected, None, "", r.dibao_monthly, False, False, False)
    net = income - rigid
    deep = net < 12 * persons * r.dibao_monthly
    relative = net < 12 * persons * r.dibao_monthly * r.relative_multiplier
    accident = unexpected > income * r.accident_share
    category = "DEEP" if deep else "RELATIVE" if relative else "ACCIDENT" if accident else ""
    per_capita = (net / 12 / persons).quantize(CENT, rounding=ROUND_HALF_UP)
    return Assessment(persons, income, rigid, unexpected, per_capita, category, r.dibao_monthly, deep, relative,
                      accident)
