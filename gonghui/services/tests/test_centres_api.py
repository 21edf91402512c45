"""API of centres: lists (scoped, constant queries), an order walked through its actions,
error bodies with codes (400 rule, 409 wrong stage, 422 shape, 404 out of scope)."""

import datetime

import pytest

from gonghui.core.testing.api import api_as
from gonghui.services.models.centres import OrderStatus, ProjectStatus
from gonghui.services.testing.centres import centre, item, order, project, today

pytestmark = pytest.mark.django_db


def test_lists_are_scoped(tree, django_assert_max_num_queries):
    mine = order(tree)
    other = order(tree, org=tree.union2)
    project(tree, ProjectStatus.RUNNING)
    api = api_as(tree.town1_cadre)
    with django_assert_max_num_queries(12):
        body = api.get("/service-orders").json()
    assert [o["id"] for o in body["items"]] == [mine.pk]
    assert api.get(f"/service-orders/{other.pk}").status_code == 404
    assert api.get("/service-orders", {"org": tree.town2.pk}).json()["items"] == []
    assert api.get("/service-projects").json()["count"] == 1
    names = {c["name"] for c in api_as(tree.union1_chair).get("/service-centres").json()["items"]}
    assert names == {centre(tree).name}  # the union reads its town's centre (not town2's)
    assert api_as(tree.union1_chair).get("/service-items").json()["count"] == 1


def test_order_through_the_api(tree):
    c, i = centre(tree), item(tree)
    union = api_as(tree.union1_chair)
    r = union.post("/service-orders", {"org": tree.union1.pk, "centre": c.pk, "item": i.pk, "headcount": 12,
                                       "wanted_on": today().isoformat(), "place": "车间"})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["number"].startswith(f"FW{today().year}-") and body["actions"]["cancel"] is True
    town = api_as(tree.town1_cadre)
    r = town.post(f"/service-orders/{body['id']}/accept", {"scheduled_on": today().isoformat()})
    assert r.status_code == 200 and r.json()["status"] == OrderStatus.ACCEPTED
    r = town.post(f"/service-orders/{body['id']}/accept", {"scheduled_on": today().isoformat()})
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
    r = town.post(f"/service-orders/{body['id']}/deliver", {"delivered_on": today().isoformat(), "people_served": 11})
    assert r.status_code == 200
    r = union.post(f"/service-orders/{body['id']}/rate", {"rating": 9})
    assert r.status_code == 400 and r.json()["field"] == "rating"
    r = union.post(f"/service-orders/{body['id']}/rate", {"rating": 5, "comment": "很好"})
    assert r.status_code == 200 and r.json()["status"] == OrderStatus.RATED
    assert api_as(tree.town2_cadre).post(f"/service-orders/{body['id']}/cancel", {"reason": "x"}).status_code == 404


def test_order_errors(tree):
    c, i = centre(tree), item(tree)
    union = api_as(tree.union1_chair)
    base = {"org": tree.union1.pk, "centre": c.pk, "item": i.pk, "headcount": 12, "place": "车间",
            "wanted_on": (today() - datetime.timedelta(days=1)).isoformat()}
    r = union.post("/service-orders", base)
    assert r.status_code == 400 and (r.json()["code"], r.json()["field"]) == ("date_past", "wanted_on")
    other = centre(tree, org=tree.town2)
    r = union.post("/service-orders", {**base, "centre": other.pk, "wanted_on": today().isoformat()})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    r = union.post("/service-orders", {**base, "headcount": "lots", "extra": 1})
    assert r.status_code == 422
    assert api_as(tree.town1_cadre).post("/service-orders", {**base, "wanted_on": today().isoformat()}).status_code \
        == 403


def test_project_through_the_api(tree):
    c, i = centre(tree), item(tree)
    town = api_as(tree.town1_cadre)
    r = town.post("/service-projects", {"centre": c.pk, "item": i.pk, "title": "健康体检进企业",
                                        "starts_on": today().isoformat(), "ends_on": today().isoformat(),
                                        "planned_beneficiaries": 100, "budget": "5000.00"})
    assert r.status_code == 201, r.json()
    pid = r.json()["id"]
    assert town.post(f"/service-projects/{pid}/start", {}).status_code == 200
    r = town.post(f"/service-projects/{pid}/deliveries", {"delivered_on": today().isoformat(), "people_served": 60,
                                                          "union": tree.union1.pk})
    assert r.status_code == 201 and r.json()["people_served"] == 60
    assert town.post(f"/service-projects/{pid}/finish", {"summary": "完成"}).json()["status"] == ProjectStatus.DONE
    r = api_as(tree.union1_chair).post(f"/service-projects/{pid}/ratings", {"union": tree.union1.pk, "rating": 4})
    assert r.status_code == 201 and r.json()["average_rating"] == 4.0
    assert api_as(tree.union2_chair).get(f"/service-projects/{pid}").status_code == 404


def test_an_enterprise_out_of_reach_reads_as_unknown_not_by_name(tree):
    c, i = centre(tree), item(tree)
    body = {"org": tree.union1.pk, "centre": c.pk, "item": i.pk, "headcount": 12, "place": "车间",
            "wanted_on": today().isoformat(), "enterprise": tree.enterprise2.pk}
    r = api_as(tree.union1_chair).post("/service-orders", body)
    assert r.status_code == 400 and (r.json()["code"], r.json()["field"]) == ("unknown_reference", "enterprise")
    assert tree.enterprise2.name not in r.content.decode()
    r = api_as(tree.union1_chair).post("/facility-requests", {
        "org": tree.union1.pk, "kind": "ATM", "title": "取款机", "location": "厂区门口", "workers_served": 300,
        "justification": "离镇区远", "enterprise": tree.enterprise2.pk})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    assert tree.enterprise2.name not in r.content.decode()
