"""The calculator of DOMAIN.md §7 (rules.hardship.assess) at its edges: exactly on the 低保 line,
on 2 × the line, unexpected costs exactly at 80 % of income, no income, costs above income, one
and many persons, configured figures."""

from decimal import Decimal

import pytest
from django.test import override_settings

from gonghui.welfare.rules.hardship import Rules, assess, rules

LINE = Decimal("1000")
R = Rules(dibao_monthly=LINE, relative_multiplier=Decimal("2"), accident_share=Decimal("0.80"))


def cat(income, rigid=0, unexpected=0, persons=1):
    return assess(income=Decimal(str(income)), rigid_costs=Decimal(str(rigid)),
                  unexpected_costs=Decimal(str(unexpected)), persons=persons, r=R).category


@pytest.mark.parametrize(("income", "rigid", "persons", "expected"), [
    (11999.99, 0, 1, "DEEP"),  # one cent a year under 12 × line
    (12000, 0, 1, "RELATIVE"),  # exactly on the line: not below it
    (23999.99, 0, 1, "RELATIVE"),
    (24000, 0, 1, ""),  # exactly 2 × the line: not in hardship
    (36000, 0, 3, "RELATIVE"),  # 1000 per person: on the line → relative
    (35999.99, 0, 3, "DEEP"),
    (50000, 26000.01, 2, "DEEP"),  # rigid costs bring (50000 − 26000.01)/24 just under 1000
    (50000, 26000, 2, "RELATIVE"),
    (0, 0, 1, "DEEP"),  # no income at all
    (10000, 20000, 4, "DEEP"),  # costs above income: negative per-capita
    (72000, 0, 3, ""),  # 2000 per person: on 2 × the line
])
def test_deep_and_relative_edges(income, rigid, persons, expected):
    assert cat(income, rigid, persons=persons) == expected


@pytest.mark.parametrize(("unexpected", "expected"), [
    (80000, ""),  # exactly 80 % of 100000: not above
    (80000.01, "ACCIDENT"),
    (200000, "ACCIDENT"),
])
def test_accident_share_edges(unexpected, expected):
    assert cat(100000, 0, unexpected, persons=2) == expected


def test_deep_wins_over_accident_and_relative():
    a = assess(income=Decimal("6000"), rigid_costs=0, unexpected_costs=Decimal("9000"), persons=1, r=R)
    assert (a.category, a.deep_below, a.relative_below, a.accident) == ("DEEP", True, True, True)


def test_unexpected_costs_do_not_lower_the_per_capita_figure():
    a = assess(income=Decimal("36000"), rigid_costs=Decimal("0"), unexpected_costs=Decimal("30000"), persons=1, r=R)
    assert a.per_capita_monthly == Decimal("3000.00") and a.category == "ACCIDENT"


def test_no_persons_no_category_and_rounding():
    assert assess(income=0, rigid_costs=0, unexpected_costs=0, persons=0, r=R).category == ""
    a = assess(income=Decimal("10000"), rigid_costs=0, unexpected_costs=0, persons=3, r=R)
    assert a.per_capita_monthly == Decimal("277.78")


def test_configured_rules_and_defaults():
    assert rules().dibao_monthly == Decimal("1280.00")
    with override_settings(WELFARE_HARDSHIP_RULES={"dibao_monthly": "1500", "relative_multiplier": 1.5,
                                                   "accident_share": "0.5", "unknown": 1}):
        r = rules()
        assert (r.dibao_monthly, r.relative_multiplier, r.accident_share) == (Decimal("1500"), Decimal("1.5"),
                                                                              Decimal("0.5"))
        assert assess(income=Decimal("18000"), rigid_costs=0, unexpected_costs=0, persons=1).category == "RELATIVE"
        assert assess(income=Decimal("27000"), rigid_costs=0, unexpected_costs=0, persons=1).category == ""
