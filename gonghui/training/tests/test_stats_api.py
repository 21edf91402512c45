"""/training-stats (the same figures as the page, scoped, a fixed query count) and
/training-targets (list, set, edit; specific errors; district only; out of scope 404)."""

import pytest

from gonghui.core.testing.api import api_as
from gonghui.training.models import EnrolmentStatus, TrainingTarget
from gonghui.training.testing import stats as build
from gonghui.training.testing.stats import KnownDataset

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def data(tree):
    return KnownDataset(tree, YEAR)


def test_stats_match_the_known_counts_and_queries_do_not_grow(tree, data, django_assert_max_num_queries):
    api = api_as(tree.district_staff)
    api.get("/training-stats", {"year": YEAR})
    with django_assert_max_num_queries(18) as few:
        body = api.get("/training-stats", {"year": YEAR}).json()
    assert body["total"] == {"trainees": 5, "person_times": 6, "hours": "13.5", "completed": 2, "decided": 3,
                             "completion_rate": "66.7", "certificates": 1}
    towns = {row["key"]: row for row in body["by_town"]}
    assert towns[tree.town1.pk]["figures"]["person_times"] == 3 and towns[tree.town1.pk]["trainees_progress"] == "50.0"
    assert towns[None]["figures"]["trainees"] == 1
    assert {row["key"] for row in body["by_programme"]} == {"SKILLS", "SAFETY"}
    assert {row["key"] for row in body["by_industry"]} == {"MANUFACTURING", "LOGISTICS", None}
    assert [row["key"] for row in body["by_year"]] == [YEAR, YEAR - 1]
    assert body["computed_at"]  # when the figures were counted
    assert [row["target"]["org"]["id"] for row in body["targets"]] == [tree.district.pk, tree.town1.pk]
    for _ in range(4):
        build.enrol(data.b, tree.member(union=tree.union2).person, tree.union2, EnrolmentStatus.ENROLLED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/training-stats", {"year": YEAR}).json()["total"]["person_times"] == 10


def test_stats_are_scoped_and_need_the_view_action(tree, data):
    assert api_as(tree.town2_cadre).get("/training-stats", {"year": YEAR}).json()["total"]["person_times"] == 2
    assert api_as(tree.member_user).get("/training-stats", {"year": YEAR}).status_code == 403
    assert api_as(None).get("/training-stats").status_code == 401
    r = api_as(tree.district_staff).get("/training-stats", {"year": 1800})
    assert r.status_code == 400 and r.json()["field"] == "year"
    assert api_as(tree.district_staff).get("/training-stats", {"year": "x"}).status_code == 422


def test_targets_set_edit_and_errors(tree, data):
    api = api_as(tree.district_staff)
    body = {"org": tree.town2.pk, "year": YEAR, "trainees": 3, "person_times": 4, "hours": "12.5"}
    r = api.post("/training-targets", body)
    assert r.status_code == 201, r.json()
    target_id = r.json()["id"]
    r = api.post("/training-targets", body)
    assert r.status_code == 400 and r.json()["field"] == "year"
    r = api.post("/training-targets", {**body, "year": YEAR + 1, "trainees": 9})
    assert r.status_code == 400 and r.json()["field"] == "person_times"
    r = api.post("/training-targets", {**body, "org": tree.union1.pk, "year": YEAR + 1})
    assert r.status_code == 400 and r.json()["field"] == "org"
    r = api.post("/training-targets", {**body, "trainees": -1})
    assert r.status_code in (400, 422)
    assert TrainingTarget.objects.filter(org=tree.town2).count() == 1
    r = api_as(tree.district_staff).client.put(f"/api/v1/training-targets/{target_id}", {**body, "trainees": 4},
                                               content_type="application/json")
    assert r.status_code == 200 and r.json()["trainees"] == 4
    assert [t["id"] for t in api.get("/training-targets", {"year": YEAR}).json()] == [
        data.district_target.pk, data.town1_target.pk, target_id]
    # The towns see their own target; they cannot set one.
    town1 = api_as(tree.town1_cadre)
    assert [t["id"] for t in town1.get("/training-targets").json()] == [data.town1_target.pk]
    assert town1.post("/training-targets", {**body, "org": tree.town1.pk, "year": YEAR + 2}).status_code == 403
    r = town1.client.put(f"/api/v1/training-targets/{target_id}", body, content_type="application/json")
    assert r.status_code == 404
