"""The rating thresholds at their edges, the rules setting, and the indicator weights check."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from gonghui.core.errors import DomainError
from gonghui.grassroots.rules.harmony import DEFAULT_INDICATORS, rules
from gonghui.grassroots.services.harmony import validate_indicators


@pytest.mark.parametrize(("total", "rating"), [
    (100, "MODEL"), (90, "MODEL"), (89, "PASS"), (75, "PASS"), (74, "FAIL"), (0, "FAIL"),
])
def test_default_thresholds_at_their_edges(total, rating):
    assert rules().rating_for(total) == rating


def test_thresholds_follow_the_setting(settings):
    settings.GRASSROOTS_HARMONY_RULES = {"model_threshold": 85, "pass_threshold": 60}
    r = rules()
    assert [r.rating_for(t) for t in (85, 84, 60, 59)] == ["MODEL", "PASS", "PASS", "FAIL"]


@pytest.mark.parametrize("bad", [
    {"model_threshold": 70, "pass_threshold": 80},
    {"pass_threshold": 0},
    {"model_threshold": 101},
    {"submit_due": (2, 30)},
    {"indicators": [("a", "A", 50, "SELF", ""), ("b", "B", 49, "SELF", "")]},
    {"indicators": [("a", "A", 50, "SELF", ""), ("a", "B", 50, "SELF", "")]},
    {"indicators": [("a", "A", 50, "SELF", ""), ("b", "B", 50, "OTHER", "")]},
])
def test_a_misconfigured_setting_is_refused(settings, bad):
    settings.GRASSROOTS_HARMONY_RULES = bad
    with pytest.raises(ImproperlyConfigured):
        rules()


def test_default_deadline_is_30_september():
    assert rules().due_on(2026) == datetime.date(2026, 9, 30)


def test_built_in_indicators_cover_the_issue_and_add_up_to_100():
    codes = [d.code for d in DEFAULT_INDICATORS]
    assert codes == ["contracts", "wages", "insurance", "safety", "congress", "agreement", "responsibility"]
    assert sum(d.max_score for d in DEFAULT_INDICATORS) == 100
    assert {d.source for d in DEFAULT_INDICATORS} == {"SELF", "CONGRESS", "AGREEMENT"}


def _rows(*scores):
    return [{"code": f"i{n}", "name": f"指标{n}", "max_score": s, "source": "SELF"} for n, s in enumerate(scores, 1)]


@pytest.mark.parametrize(("scores", "ok"), [
    ((50, 50), True), ((1, 99), True), ((100,), True),
    ((50, 49), False), ((50, 51), False), ((0, 100), False), ((101,), False),
])
def test_weights_must_add_up_to_exactly_100(scores, ok):
    if ok:
        assert sum(r["max_score"] for r in validate_indicators(_rows(*scores))) == 100
    else:
        with pytest.raises(DomainError) as err:
            validate_indicators(_rows(*scores))
        assert err.value.code in ("weights_total", "invalid_max_score")


@pytest.mark.parametrize(("rows", "code", "text"), [
    ([], "no_indicators", ""),
    ([{"code": "a", "name": "A", "max_score": 50}, {"code": "a", "name": "B", "max_score": 50}],
     "duplicate_code", "2"),
    ([{"code": "a b", "name": "A", "max_score": 100}], "invalid_code", "1"),
    ([{"code": "a", "name": "", "max_score": 100}], "invalid_name", "1"),
    ([{"code": "a", "name": "A", "max_score": "十"}], "invalid_max_score", "1"),
    ([{"code": "a", "name": "A", "max_score": 50, "source": "CONGRESS"},
      {"code": "b", "name": "B", "max_score": 50, "source": "CONGRESS"}], "duplicate_source", "2"),
    ([{"code": "a", "name": "A", "max_score": 60}, {"code": "b", "name": "B", "max_score": 60}],
     "weights_total", "120"),
])
def test_indicator_rows_are_refused_with_the_row_named(rows, code, text):
    """The code is stable; the message names the row (its number) in either language."""
    with pytest.raises(DomainError) as err:
        validate_indicators(rows)
    assert err.value.code == code
    assert text in err.value.text
