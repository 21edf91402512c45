"""The statutory figures of elections at their edges: every row of the committee-size table,
差额 rounding, the two-thirds quorum and the more-than-half majority, and the setting."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from gonghui.grassroots.rules import elections as r


@pytest.mark.parametrize(("members", "seats"), [
    (0, (1, 1)), (1, (1, 1)), (10, (1, 1)),            # ≤10: a chair only
    (11, (3, 3)), (25, (3, 3)),
    (26, (3, 5)), (100, (3, 5)),
    (101, (5, 7)), (200, (5, 7)),
    (201, (7, 9)), (500, (7, 9)),
    (501, (9, 15)), (1000, (9, 15)),
    (1001, (15, 21)), (5000, (15, 21)),
    (5001, (21, 29)), (10000, (21, 29)),
    (10001, (29, 37)), (50000, (29, 37)),
    (50001, (37, 45)), (1_000_000, (37, 45)),
])
def test_committee_size_table_at_every_edge(members, seats):
    assert r.seat_range(members) == seats


@pytest.mark.parametrize(("seats", "needed"), [
    (1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (15, 16), (20, 21), (21, 23), (29, 31), (37, 39), (40, 42), (45, 48),
])
def test_candidates_at_least_five_percent_more_rounded_up(seats, needed):
    assert r.min_candidates(seats) == needed


@pytest.mark.parametrize(("entitled", "present", "met"), [
    (60, 40, True), (60, 39, False), (61, 41, True), (61, 40, False), (3, 2, True), (3, 1, False), (1, 1, True),
    (0, 0, False),
])
def test_quorum_two_thirds_of_those_entitled(entitled, present, met):
    assert r.quorum_met(present, entitled) is met


@pytest.mark.parametrize(("entitled", "votes", "elected"), [
    (60, 31, True), (60, 30, False), (61, 31, True), (61, 30, False), (1, 1, True), (2, 1, False), (2, 2, True),
])
def test_majority_is_more_than_half_of_all_entitled(entitled, votes, elected):
    assert r.is_elected_by_votes(votes, entitled) is elected
    assert (votes >= r.majority_needed(entitled)) is elected


def test_setting_overrides_and_checks(settings):
    settings.GRASSROOTS_ELECTIONS_RULES = {"candidate_margin_percent": 20, "size_table": [(50, 3, 5), (None, 5, 9)]}
    assert r.min_candidates(5) == 6
    assert r.min_candidates(7) == 9
    assert r.seat_range(51) == (5, 9)
    settings.GRASSROOTS_ELECTIONS_RULES = {"size_table": [(50, 3, 5)]}
    with pytest.raises(ImproperlyConfigured):
        r.rules()
