"""GET /api/v1/reports/dashboard: the same figures as the page, the children in tree order, bad
year / industry refused naming the field, a fixed number of queries."""

import pytest

from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import add_org
from gonghui.orgs.models import OrgLevel
from gonghui.reports.testing.dashboard import YEAR, known_figures
from gonghui.reports.testing.rollups import refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(tree):
    with known_figures(tree):
        yield tree


def test_figures_ratios_children_and_as_of(known):
    body = api_as(known.district_staff).get("/reports/dashboard", {"year": YEAR}).json()
    assert body["org"] == {"id": known.district.pk, "name": known.district.name, "short_name": "",
                           "level": "DISTRICT"}
    assert body["year"] == YEAR and body["industry"] == "" and body["as_of"]
    assert body["figures"]["members.live"] == "180"
    assert body["figures"]["welfare.spend_total"] == "1200.50"
    assert body["figures"]["voice.satisfaction_sum"] == "22.00"  # helper sums are given too
    assert body["ratios"] == {"members.rate": "51.4", "members.migrant_share": "41.7", "voice.on_time_rate": "66.7",
                              "voice.satisfaction": "4.40"}
    assert body["own"]["figures"]["voice.appeals_received"] == "1" and body["own"]["ratios"]["members.rate"] is None
    assert [(c["org"]["id"], c["figures"]["members.live"], c["ratios"]["members.rate"]) for c in body["children"]] == [
        (known.town1.pk, "150", "60.0"), (known.town2.pk, "30", "30.0")]
    codes = {m["code"]: m for m in body["metrics"]}
    assert codes["members.rate"]["kind"] == "ratio" and codes["members.rate"]["unit"] == "percent"
    assert codes["voice.satisfaction_sum"]["shown"] is False and codes["welfare.spend_total"]["unit"] == "yuan"


def test_a_town_cadre_reads_a_union_of_the_town(known):
    body = api_as(known.town1_cadre).get("/reports/dashboard", {"org": known.union1.pk, "year": YEAR}).json()
    assert body["org"]["id"] == known.union1.pk and body["figures"]["members.live"] == "100"
    assert body["children"] == []


@pytest.mark.parametrize(("params", "field"), [
    ({"year": 1990}, "year"), ({"year": 2999}, "year"), ({"industry": "NOPE"}, "industry"),
])
def test_bad_values_are_refused_with_their_field(known, params, field):
    response = api_as(known.district_staff).get("/reports/dashboard", params)
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["code"] == f"bad_{field}"


def test_malformed_values_are_422(known):
    api = api_as(known.district_staff)
    assert api.get("/reports/dashboard", {"year": "abc"}).status_code == 422
    assert api.get("/reports/dashboard", {"org": "abc"}).status_code == 422


def test_a_year_without_figures_has_no_as_of(known):
    body = api_as(known.district_staff).get("/reports/dashboard", {"year": YEAR - 1}).json()
    assert body["as_of"] is None and body["figures"]["members.live"] == "0"


def test_query_count_does_not_grow_with_the_children(known, django_assert_max_num_queries):
    api = api_as(known.district_staff)
    api.get("/reports/dashboard", {"year": YEAR})
    with django_assert_max_num_queries(30) as few:
        api.get("/reports/dashboard", {"year": YEAR})
    for n in range(10):
        add_org(known.district, f"新增街道{n}", OrgLevel.TOWN)
    refresh(YEAR)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api.get("/reports/dashboard", {"year": YEAR}).json()
    assert len(body["children"]) == 12


@pytest.mark.parametrize("org", [0, -1, 987654, 99999999999999999999])
def test_unknown_orgs_are_404(known, org):
    assert api_as(known.district_staff).get("/reports/dashboard", {"org": org}).status_code == 404
