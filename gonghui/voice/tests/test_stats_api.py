"""/appeal-stats: the same figures as the page, scoped, bad filters refused with their field, a
fixed number of queries."""

import datetime

import pytest

from gonghui.core.testing.api import api_as
from gonghui.voice.testing.stats import YEAR, KnownDataset, appeal

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(tree):
    return KnownDataset(tree)


def test_figures_match_the_known_counts(tree, data, django_assert_max_num_queries):
    api = api_as(tree.district_staff)
    api.get("/appeal-stats", {"year": YEAR})
    with django_assert_max_num_queries(20) as few:
        body = api.get("/appeal-stats", {"year": YEAR, "month": 3}).json()
    assert body["total"] == {"received": 5, "closed": 3, "closed_on_time": 2, "on_time_rate": "66.7",
                             "average_days_to_close": "3.0", "withdrawn": 0, "open": 2, "overdue_now": 1,
                             "rated": 3, "average_satisfaction": "4.00", "satisfied": 2, "satisfied_rate": "66.7",
                             "reopened": 1}
    assert [row["key"] for row in body["by_category"]] == ["WAGES_OWED", "CONTRACT"]
    towns = {row["key"]: row["figures"] for row in body["by_town"]}
    assert towns[tree.town1.pk]["received"] == 3 and towns[tree.town2.pk]["overdue_now"] == 1
    assert body["by_org"][0]["key"] == tree.union1.pk and len(body["by_month"]) == 12
    assert body["top_issues"]["month"] == 3
    top = body["top_issues"]["categories"][0]
    assert (top["category"], top["count"], top["previous"], top["change"]) == ("WAGES_OWED", 4, 0, 4)
    assert body["top_issues"]["enterprises"][0]["count"] == 2
    assert body["survey_participation"] is None or isinstance(body["survey_participation"], list)
    for i in range(5):
        appeal(tree.union2, town=tree.town2, received=datetime.date(YEAR, 3, 10 + i), enterprise_name=f"企业{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/appeal-stats", {"year": YEAR, "month": 3}).json()["total"]["received"] == 10


def test_scoped(tree, data):
    body = api_as(tree.town2_cadre).get("/appeal-stats", {"year": YEAR}).json()
    assert body["total"]["received"] == 2 and [r["key"] for r in body["by_town"]] == [tree.town2.pk]


@pytest.mark.parametrize("params, field", [
    ({"year": 1800}, "year"), ({"year": YEAR, "month": 13}, "month"), ({"year": YEAR, "category": "NOPE"}, "category"),
])
def test_bad_filters(tree, data, params, field):
    r = api_as(tree.district_staff).get("/appeal-stats", params)
    assert r.status_code == 400 and r.json()["field"] == field


def test_empty_year(tree, data):
    body = api_as(tree.district_staff).get("/appeal-stats", {"year": 2019}).json()
    assert body["total"]["received"] == 0 and body["total"]["on_time_rate"] is None
    assert body["by_category"] == [] and body["top_issues"]["categories"] == []


def test_the_org_table_comes_a_page_at_a_time(tree, data):
    """by_org is one page ranked by received (the district has thousands of organisations);
    by_org_count counts them all, and the pages together are the whole table."""
    api = api_as(tree.district_staff)
    whole = api.get("/appeal-stats", {"year": YEAR}).json()
    count = whole["by_org_count"]
    assert count == len(whole["by_org"]) >= 2  # fewer than the default limit of 100
    first = api.get("/appeal-stats", {"year": YEAR, "org_limit": 1}).json()
    rest = api.get("/appeal-stats", {"year": YEAR, "org_limit": 1000, "org_offset": 1}).json()
    assert first["by_org_count"] == rest["by_org_count"] == count
    assert [r["key"] for r in first["by_org"] + rest["by_org"]] == [r["key"] for r in whole["by_org"]]
    for bad in ({"org_limit": 0}, {"org_limit": 1001}, {"org_offset": -1}):
        assert api.get("/appeal-stats", {"year": YEAR, **bad}).status_code in (400, 422)
