"""GET /reports/rollups, GET /reports/rollups/{id}, POST /reports/rollups/refresh."""

import pytest
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.reports.models.rollups import RollupRun, RollupStatus, RollupTrigger
from gonghui.reports.testing.rollups import refresh

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def test_list_filters_pages_and_years(tree):
    done = refresh(THIS_YEAR)
    failed = RollupRun.objects.create(year=THIS_YEAR - 1, trigger=RollupTrigger.SCHEDULED, status=RollupStatus.FAILED,
                                      error="boom")
    api = api_as(tree.town1_cadre)
    body = api.get("/reports/rollups").json()
    assert [r["id"] for r in body["items"]] == [failed.pk, done.pk]
    assert body["count"] == 2 and body["next_after"] is None
    assert body["years"] == [{"year": THIS_YEAR, "run_id": done.pk, "as_of": body["years"][0]["as_of"]}]
    assert body["years"][0]["as_of"] is not None
    assert body["items"][1]["rows"] == done.rows and body["items"][1]["requested_by"] is None
    assert [r["id"] for r in api.get("/reports/rollups", {"status": "FAILED"}).json()["items"]] == [failed.pk]
    assert [r["id"] for r in api.get("/reports/rollups", {"year": THIS_YEAR}).json()["items"]] == [done.pk]
    page = api.get("/reports/rollups", {"limit": 1}).json()
    assert [r["id"] for r in page["items"]] == [failed.pk]
    assert [r["id"] for r in api.get("/reports/rollups", {"limit": 1, "after": page["next_after"]}).json()[
        "items"]] == [done.pk]
    bad = api.get("/reports/rollups", {"status": "NOPE", "limit": 0})
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"status", "limit"}


def test_list_query_count_is_fixed(tree, django_assert_max_num_queries):
    api = api_as(tree.district_staff)
    RollupRun.objects.create(year=THIS_YEAR, trigger=RollupTrigger.ON_DEMAND, status=RollupStatus.DONE,
                             requested_by=tree.district_staff)
    with django_assert_max_num_queries(50) as few:
        api.get("/reports/rollups")
    for _ in range(15):
        RollupRun.objects.create(year=THIS_YEAR, trigger=RollupTrigger.ON_DEMAND, status=RollupStatus.DONE,
                                 requested_by=tree.town1_cadre)
    with django_assert_max_num_queries(len(few.captured_queries)):
        api.get("/reports/rollups")


def test_detail(tree):
    run = refresh(THIS_YEAR)
    api = api_as(tree.union1_chair)
    body = api.get(f"/reports/rollups/{run.pk}").json()
    assert body["status"] == "DONE" and body["trigger"] == "COMMAND" and body["year"] == THIS_YEAR
    assert api.get("/reports/rollups/987654").status_code == 404
    assert api.get("/reports/rollups/0").status_code == 404


def test_refresh(tree, django_capture_on_commit_callbacks):
    tree.member(tree.union2)
    api = api_as(tree.district_staff)
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post("/reports/rollups/refresh", {"year": THIS_YEAR})
    assert r.status_code == 202
    body = r.json()
    assert body["trigger"] == "ON_DEMAND" and body["requested_by"] == "district"
    run = RollupRun.objects.get(pk=body["id"])
    assert run.status == RollupStatus.DONE and run.rows > 0
    assert AuditEvent.objects.filter(action="reports.rollups_refresh", object_id=str(run.pk)).count() == 1


@pytest.mark.parametrize("body, status, field", [
    ({"year": 2000}, 400, "year"),
    ({"year": THIS_YEAR + 1}, 400, "year"),
    ({"year": "x"}, 422, "year"),
    ({}, 422, "year"),
    ({"year": THIS_YEAR, "extra": 1}, None, None),
])
def test_refresh_bad_input(tree, body, status, field, django_capture_on_commit_callbacks):
    api = api_as(tree.district_staff)
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post("/reports/rollups/refresh", body)
    if status is None:  # unknown fields: whatever the project's schemas do, never a 500
        assert r.status_code in (202, 422)
        return
    assert r.status_code == status
    assert r.json()["field"] == field
    assert not RollupRun.objects.exists()
    raw = api.post("/reports/rollups/refresh", raw=b"{not json")
    assert raw.status_code == 400
