"""The committee rules setting: a misconfiguration is refused when read, not on a chair's form."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from gonghui.grassroots.rules.committees import Rules, rules


def test_defaults(settings):
    settings.GRASSROOTS_COMMITTEES_RULES = {}
    assert rules() == Rules()


def test_overrides_are_read(settings):
    settings.GRASSROOTS_COMMITTEES_RULES = {"term_years": [5], "reminder_months": [2], "expiring_months": 3,
                                            "remind_expired": False, "max_members": 21}
    assert rules() == Rules(term_years=(5,), reminder_months=(2,), expiring_months=3, remind_expired=False,
                            max_members=21)


@pytest.mark.parametrize("overrides", [
    {"term_year": [5]},                      # a misspelt key was silently ignored
    {"term_years": [4]},                     # the DB allows only 3 and 5
    {"term_years": []},
    {"term_years": 5},
    {"reminder_months": [0]},
    {"reminder_months": ["6"]},
    {"expiring_months": 0},
    {"expiring_months": True},
    {"max_members": "45"},
    {"remind_expired": "no"},
])
def test_a_misconfiguration_is_refused(settings, overrides):
    settings.GRASSROOTS_COMMITTEES_RULES = overrides
    with pytest.raises(ImproperlyConfigured):
        rules()
