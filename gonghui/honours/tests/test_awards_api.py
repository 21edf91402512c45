"""/honours, /honour-types, /honour-records: lists scoped with a fixed number of queries, the
workflow through the API with its error codes, idempotent nomination."""

import pytest

from gonghui.core.testing.api import api_as
from gonghui.honours.models.awards import HonourNomination, NominationStatus
from gonghui.honours.services import awards as services
from gonghui.honours.testing.awards import DAY, member, nomination, quota, types

pytestmark = pytest.mark.django_db
TODAY = services.today()


def test_list_is_scoped_filtered_and_its_queries_do_not_grow(tree, django_assert_max_num_queries):
    nomination(tree, NominationStatus.CONFERRED)
    nomination(tree, org=tree.union2)
    api = api_as(tree.district_staff)
    api.get("/honours")
    with django_assert_max_num_queries(8) as few:
        body = api.get("/honours").json()
    assert body["count"] == 2
    nomination(tree, NominationStatus.NOTICE)
    nomination(tree, org=tree.union1b)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/honours").json()["count"] == 4
    assert api.get("/honours", {"org": tree.town2.pk}).json()["count"] == 1
    assert api.get("/honours", {"due": "nonsense"}).status_code == 422
    town1 = api_as(tree.town1_cadre).get("/honours").json()
    assert {row["org"]["id"] for row in town1["items"]} == {tree.union1.pk, tree.union1b.pk}
    with django_assert_max_num_queries(8):
        records = api.get("/honour-records", {"category": "AWARD"}).json()
    assert records["count"] == 1
    assert api_as(tree.town2_cadre).get("/honour-records").json()["count"] == 0
    rid = records["items"][0]["id"]
    assert api.get(f"/honour-records/{rid}").status_code == 200
    assert api_as(tree.town2_cadre).get(f"/honour-records/{rid}").status_code == 404


def test_the_workflow_through_the_api(tree):
    quota(tree, year=TODAY.year)
    t = types(tree)["SILVER_GEAR"]
    quota(tree, kind="SILVER_GEAR", year=TODAY.year)
    p = member(tree)
    chair = api_as(tree.union1_chair)
    payload = {"honour_type": t.pk, "org": tree.union1.pk, "person": p.pk, "deeds": "事迹突出",
               "submitted_on": (TODAY - 30 * DAY).isoformat(), "year": (TODAY - 30 * DAY).year}
    if (TODAY - 30 * DAY).year != TODAY.year:
        quota(tree, kind="SILVER_GEAR", year=(TODAY - 30 * DAY).year)
    r = chair.post("/honours", payload, **{"Idempotency-Key": "nom-1"})
    assert r.status_code == 201, r.content
    again = chair.post("/honours", payload, **{"Idempotency-Key": "nom-1"})
    assert again.json()["id"] == r.json()["id"] and HonourNomination.objects.count() == 1
    nid = r.json()["id"]
    assert chair.post("/honours", {**payload, "person": member(tree, tree.union2).pk}).json()["field"] == "person"
    assert chair.post(f"/honours/{nid}/confer", {}).status_code == 403
    town = api_as(tree.town1_cadre)
    bad = town.post(f"/honours/{nid}/town-review", {"decision": "approve"})
    assert bad.status_code == 422 and bad.json()["field"] == "decision" and "pattern" not in bad.json()["message"]
    assert town.post(f"/honours/{nid}/town-review", {"decision": "forward",
                                                     "reviewed_on": (TODAY - 29 * DAY).isoformat()}).status_code == 200
    district = api_as(tree.district_staff)
    assert district.post(f"/honours/{nid}/town-review", {"decision": "forward"}).status_code == 409
    r = district.post(f"/honours/{nid}/district-review", {"decision": "approve",
                                                          "reviewed_on": (TODAY - 28 * DAY).isoformat()})
    assert r.status_code == 200 and r.json()["status"] == "NOTICE" and r.json()["notice_ends_on"]
    r = town.post(f"/honours/{nid}/objections", {"content": "反映有误", "received_on": (TODAY - 27 * DAY).isoformat()})
    oid = r.json()["objections"][0]["id"]
    r = district.post(f"/honours/{nid}/confer", {})
    assert r.status_code == 400 and r.json()["code"] == "objection_open"
    assert district.post(f"/honours/{nid}/decide-objection", {"objection": 999999, "decision": "dismiss",
                                                              "note": "x"}).status_code == 400
    assert district.post(f"/honours/{nid}/decide-objection", {"objection": oid, "decision": "dismiss",
                                                              "note": "经查不属实"}).status_code == 200
    r = district.post(f"/honours/{nid}/confer", {"certificate_no": "银-01"})
    assert r.status_code == 200 and r.json()["status"] == "CONFERRED" and r.json()["record"]


def test_types_and_quotas(tree):
    types(tree)
    district = api_as(tree.district_staff)
    items = district.get("/honour-types").json()["items"]
    gold = next(t for t in items if t["kind"] == "GOLD_GEAR")
    r = district.post(f"/honour-types/{gold['id']}/quotas", {"org": tree.town1.pk, "year": TODAY.year, "places": 3})
    assert r.status_code == 200 and r.json()["quotas"][0]["places"] == 3
    town2 = api_as(tree.town2_cadre)
    assert town2.get(f"/honour-types/{gold['id']}").json()["quotas"] == []
    assert town2.post(f"/honour-types/{gold['id']}/quotas", {"org": tree.town2.pk, "year": TODAY.year,
                                                             "places": 3}).status_code == 403
    assert district.post(f"/honour-types/{gold['id']}/quotas", {"org": tree.town1.pk, "year": TODAY.year,
                                                                "places": -1}).status_code in (400, 422)


def test_a_type_is_changed_by_the_district_only(tree):
    t = types(tree)["INNOVATION"]
    body = {"name": "优秀创新成果奖", "is_active": False}
    assert api_as(tree.town1_cadre).post(f"/honour-types/{t.pk}", body).status_code == 403
    r = api_as(tree.district_staff).post(f"/honour-types/{t.pk}", body)
    assert r.status_code == 200 and r.json()["name"] == "优秀创新成果奖" and r.json()["is_active"] is False
    blank = api_as(tree.district_staff).post(f"/honour-types/{t.pk}", {"name": " ", "is_active": True})
    assert blank.status_code == 400
