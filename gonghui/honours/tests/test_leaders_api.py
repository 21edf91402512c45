"""/skill-leaders and /allowances: scoped lists with a fixed query count, the workflow, specific
errors, an idempotent nomination and an idempotent monthly run."""

import datetime

import pytest

from gonghui.core.testing.api import api_as
from gonghui.honours.models.leaders import LeaderAllowance, LeaderStatus, SkillLeader
from gonghui.honours.services import leaders as services
from gonghui.honours.testing.leaders import leader, month

pytestmark = pytest.mark.django_db
D = datetime.date


def test_list_is_scoped_filtered_and_its_queries_do_not_grow(tree, django_assert_max_num_queries):
    leader(tree, LeaderStatus.SELECTED)
    leader(tree, union=tree.union2, industry="LOGISTICS")
    api = api_as(tree.district_staff)
    api.get("/skill-leaders")
    with django_assert_max_num_queries(8) as few:
        body = api.get("/skill-leaders").json()
    assert body["count"] == 2
    for _ in range(3):
        leader(tree, union=tree.union1b)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/skill-leaders").json()["count"] == 5
    assert api.get("/skill-leaders", {"industry": "LOGISTICS"}).json()["count"] == 1
    assert api.get("/skill-leaders", {"org": tree.town2.pk}).json()["count"] == 1
    assert api.get("/skill-leaders", {"status": "NOPE"}).status_code == 422
    town2 = api_as(tree.town2_cadre)
    assert town2.get("/skill-leaders").json()["count"] == 1
    assert town2.get("/skill-leaders", {"org": tree.union1.pk}).json()["count"] == 0


def test_the_workflow_through_the_api(tree):
    person = tree.member().person
    chair = api_as(tree.union1_chair)
    body = {"org": tree.union1.pk, "person": person.pk, "trade": "焊工", "industry": "CONSTRUCTION"}
    r = chair.post("/skill-leaders", body, **{"Idempotency-Key": "n-1"})
    assert r.status_code == 201
    replay = chair.post("/skill-leaders", body, **{"Idempotency-Key": "n-1"})
    assert replay.status_code == 201 and replay.json()["id"] == r.json()["id"]
    assert SkillLeader.objects.count() == 1
    again = chair.post("/skill-leaders", body)
    assert again.status_code == 400 and again.json()["code"] == "already_nominated"
    pk = r.json()["id"]
    assert chair.post(f"/skill-leaders/{pk}/select", {}).status_code == 403
    district = api_as(tree.district_staff)
    r = district.post(f"/skill-leaders/{pk}/select", {"starts_on": "2025-01-01"})
    assert r.status_code == 400 and r.json()["code"] == "date_order"
    r = district.post(f"/skill-leaders/{pk}/select", {})
    assert r.status_code == 200 and r.json()["status"] == "SELECTED" and r.json()["actions"]["end"]
    assert district.post(f"/skill-leaders/{pk}/decline", {"reason": "x"}).status_code == 409
    r = district.post(f"/skill-leaders/{pk}/end", {"kind": "LEFT", "last_day": "2099-01-01", "reason": "x"})
    assert r.status_code == 400 and r.json()["code"] == "date_order"


def test_bad_bodies_are_refused_with_fields(tree):
    api = api_as(tree.union1_chair)
    person = tree.member(union=tree.union2).person
    r = api.post("/skill-leaders", {"org": tree.union2.pk, "person": person.pk, "trade": "x",
                                    "industry": "CONSTRUCTION"})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    r = api.post("/skill-leaders", {"org": tree.union1.pk, "person": person.pk, "trade": "x",
                                    "industry": "CONSTRUCTION"})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    r = api.post("/skill-leaders", {"org": tree.union1.pk, "person": 1, "trade": "x", "industry": "NOPE"})
    assert r.status_code in (400, 422)
    assert not SkillLeader.objects.exists()


def test_allowances_list_totals_and_idempotent_runs(tree, django_assert_max_num_queries):
    leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 1, 1))
    leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 1, 1), union=tree.union2)
    district = api_as(tree.district_staff)
    r = district.post("/allowances/runs", {"month": "2025-02-10"})
    assert r.status_code == 200 and r.json()["paid_now"] == 2 and r.json()["month"] == "2025-02-01"
    r = district.post("/allowances/runs", {"month": "2025-02-01"})
    assert r.json()["paid_now"] == 0 and r.json()["paid_count"] == 2 and r.json()["runs"] == 2
    assert district.post("/allowances/runs", {"month": "2099-02-01"}).json()["code"] == "month_in_future"
    assert api_as(tree.town1_cadre).post("/allowances/runs", {}).status_code == 403
    district.get("/allowances")
    with django_assert_max_num_queries(8) as few:
        assert district.get("/allowances").json()["count"] == 2
    services.run_allowances(month=month(2025, 3))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert district.get("/allowances").json()["count"] == 4
    town1 = api_as(tree.town1_cadre)
    body = town1.get("/allowances", {"month": "2025-03-05"}).json()
    assert body["count"] == 1 and body["items"][0]["amount"] == "100.00"
    totals = town1.get("/allowances/totals", {"year": 2025}).json()
    assert totals["by_town"] == [{"town": tree.town1.name, "leaders": 1, "months": 2, "amount": "200.00"}]
    assert totals["by_year"][0]["year"] == 2025
    assert LeaderAllowance.objects.count() == 4
    mine = body["items"][0]["id"]
    assert town1.get(f"/allowances/{mine}").json()["leader"] == body["items"][0]["leader"]
    theirs = LeaderAllowance.objects.filter(town=tree.town2).first().pk
    assert town1.get(f"/allowances/{theirs}").status_code == 404
    assert district.get(f"/allowances/{theirs}").status_code == 200
