"""/api/v1/committees: list filters and pagination, detail with members, the summary, recording
from paper (rules → 400 with code and field, wrong shape → 422, nothing saved), query counts."""

import datetime

import pytest
from django.core.cache import cache

from gonghui.core.testing.api import api_as
from gonghui.grassroots.models import Committee
from gonghui.grassroots.selectors.committees import add_months
from gonghui.grassroots.services.committees import today
from gonghui.grassroots.testing.committees import committee
from gonghui.orgs.models import Org, OrgLevel

pytestmark = pytest.mark.django_db
TODAY = today()
D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def build_world(tree):
    tree.c1 = committee(tree.union1, elected_on=add_months(TODAY, -36) - datetime.timedelta(days=10), term_years=3)
    tree.c1b = committee(tree.union1b, elected_on=add_months(TODAY, -33), term_years=3)
    tree.c2 = committee(tree.union2, elected_on=D(2025, 4, 1), term_years=5, members=5)
    return tree


# Built once per module with the shared tree (conftest.SharedTree), re-read for each test.
SHARED_WORLD = build_world


@pytest.fixture
def world(tree):
    return tree


def _ids(response):
    assert response.status_code == 200, response.content
    return [i["id"] for i in response.json()["items"]]


def test_list_and_filters(world):
    api = api_as(world.district_staff)
    assert set(_ids(api.get("/committees"))) == {world.c1.pk, world.c1b.pk, world.c2.pk}
    assert _ids(api.get("/committees", {"expiry": "EXPIRED"})) == [world.c1.pk]
    assert _ids(api.get("/committees", {"expiry": "EXPIRING"})) == [world.c1b.pk]
    assert _ids(api.get("/committees", {"expiry": "LATER"})) == [world.c2.pk]
    assert set(_ids(api.get("/committees", {"org": world.town1.pk}))) == {world.c1.pk, world.c1b.pk}
    assert _ids(api.get("/committees", {"q": "丙企业"})) == [world.c2.pk]
    assert _ids(api.get("/committees", {"year": 2025})) == [world.c2.pk]
    assert _ids(api.get("/committees", {"status": "REPLACED"})) == []
    row = next(i for i in api.get("/committees").json()["items"] if i["id"] == world.c2.pk)
    assert row["term_state"] == "LATER" and row["seats"] == 5 and row["chair"] and row["org"]["id"] == world.union2.pk


def test_list_org_out_of_scope_matches_nothing(world):
    api = api_as(world.town1_cadre)
    assert api.get("/committees", {"org": world.town2.pk}).json()["count"] == 0


def test_list_bad_query_is_422(world):
    api = api_as(world.district_staff)
    for params in ({"expiry": "soon"}, {"expiry": "expired"}, {"year": 1800}, {"limit": 0}, {"org": 0}):
        assert api.get("/committees", params).status_code == 422


def test_pagination(world):
    api = api_as(world.district_staff)
    first = api.get("/committees", {"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_after"]
    second = api.get("/committees", {"limit": 2, "after": first["next_after"]}).json()
    assert len(second["items"]) == 1 and second["next_after"] is None


def test_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    api = api_as(world.district_staff)
    api.get("/committees")
    with django_assert_max_num_queries(12) as few:
        api.get("/committees")
    town = Org.objects.get(pk=world.town2.pk)
    for i in range(10):
        committee(town.add_child(name=f"工会{i}", level=OrgLevel.GRASSROOTS, code=f"Q{i}", union_kind="ENTERPRISE"),
                  members=7)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/committees").json()["count"] == 13


def test_detail(world):
    data = api_as(world.union2_chair).get(f"/committees/{world.c2.pk}").json()
    assert [m["position"] for m in data["members"]][:2] == ["CHAIR", "VICE_CHAIR"]
    assert data["can_record"] is True and data["term_ends_on"] == "2030-03-31"


def test_summary(world):
    data = api_as(world.town1_cadre).get("/committees/summary").json()
    assert data == {"expired": 1, "expiring": 1, "later": 0, "none": 0, "expiring_months": 6}


def _record(api, union, **over):
    body = {"org": union.pk, "elected_on": "2026-01-10", "term_years": 5,
            "members": [{"name": "周主席", "position": "CHAIR", "gender": "F"}, {"name": "吴委员"}],
            "members_at_election": 88, "note": "据2026年选举结果报告"}
    body.update(over)
    return api.post("/committees", body)


def test_record(world):
    response = _record(api_as(world.union2_chair), world.union2)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["term_number"], data["source"], data["status"], data["members_at_election"]) == (2, "RECORD",
                                                                                                  "CURRENT", 88)
    world.c2.refresh_from_db()
    assert world.c2.status == "REPLACED" and Org.objects.get(pk=world.union2.pk).chair_name == "周主席"


@pytest.mark.parametrize(("over", "code", "field"), [
    ({"members": [{"name": "甲", "position": "MEMBER"}]}, "one_chair", "members"),
    ({"members": [{"name": "甲", "position": "CHAIR"}, {"name": "甲"}]}, "member_duplicate", "members"),
    ({"elected_on": "2024-01-01"}, "elected_before_current", "elected_on"),
    ({"elected_on": "2099-01-01"}, "date_in_future", "elected_on"),
])
def test_record_rules_are_400(world, over, code, field):
    response = _record(api_as(world.district_staff), world.union2, **over)
    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert Committee.objects.filter(org=world.union2).count() == 1


@pytest.mark.parametrize("over", [{"term_years": 4}, {"members": []}, {"extra": 1}, {"members_at_election": -1},
                                  {"members": [{"name": "甲", "position": "BOSS"}]}, {"elected_on": "2026-02-30"}])
def test_record_wrong_shape_is_422(world, over):
    assert _record(api_as(world.district_staff), world.union2, **over).status_code == 422
    assert Committee.objects.filter(org=world.union2).count() == 1


def test_record_a_town_is_refused(world):
    response = _record(api_as(world.district_staff), world.town1)
    assert response.status_code == 400 and response.json()["field"] == "org"
