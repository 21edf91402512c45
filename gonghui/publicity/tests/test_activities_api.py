"""/theme-activities: scoped list and detail, create (idempotent), workflow actions with error
codes, the yearly stats; out of scope = 404."""

import datetime

import pytest

from gonghui.core.testing.api import api_as
from gonghui.publicity.models.activities import ThemeActivity
from gonghui.publicity.services import activities as services
from gonghui.publicity.testing.activities import confirmed, draft

pytestmark = pytest.mark.django_db


def body(tree, **extra):
    return {"org": tree.union1.pk, "theme": "SEND_WARMTH", "title": "夏送清凉", "place": "工地",
            "held_on": (services.today() - datetime.timedelta(days=1)).isoformat(), "content": "为一线职工送清凉",
            "participants": 150, **extra}


def test_list_scoped_and_filtered(tree):
    a = draft(tree, theme="CHINA_DREAM")
    draft(tree, org=tree.union2)
    api = api_as(tree.town1_cadre)
    items = api.get("/theme-activities").json()["items"]
    assert [x["id"] for x in items] == [a.pk] and items[0]["theme_label"]
    assert api.get("/theme-activities", {"theme": "SEND_HEALTH"}).json()["items"] == []
    assert api.get("/theme-activities", {"org": tree.union2.pk}).json()["items"] == []
    assert api.get(f"/theme-activities/{a.pk}").json()["actions"]["edit"] is True
    assert api_as(tree.town2_cadre).get(f"/theme-activities/{a.pk}").status_code == 404
    assert api_as(tree.member_user).get("/theme-activities").status_code == 403


def test_create_idempotent_and_workflow(tree):
    chair, cadre = api_as(tree.union1_chair), api_as(tree.town1_cadre)
    r1 = chair.post("/theme-activities", body(tree), **{"Idempotency-Key": "k-1"})
    r2 = chair.post("/theme-activities", body(tree), **{"Idempotency-Key": "k-1"})
    assert r1.status_code == 201 and r2.json()["id"] == r1.json()["id"] and ThemeActivity.objects.count() == 1
    aid = r1.json()["id"]
    r = chair.post("/theme-activities", body(tree, theme="XX"))
    assert r.status_code == 400 and r.json()["code"] == "invalid_theme"
    r = chair.post("/theme-activities", body(tree, org=tree.union2.pk))
    assert r.status_code == 400
    upd = {k: v for k, v in body(tree, participants=160).items() if k != "org"}
    assert chair.post(f"/theme-activities/{aid}/update", upd).json()["participants"] == 160
    assert chair.post(f"/theme-activities/{aid}/submit", {}).json()["status"] == "SUBMITTED"
    assert chair.post(f"/theme-activities/{aid}/review", {"decision": "CONFIRMED"}).status_code == 403
    r = cadre.post(f"/theme-activities/{aid}/review", {"decision": "RETURNED"})
    assert r.status_code == 400 and r.json()["code"] == "required"
    r = cadre.post(f"/theme-activities/{aid}/review", {"decision": "CONFIRMED"})
    assert r.status_code == 200 and r.json()["status"] == "CONFIRMED"
    r = chair.post(f"/theme-activities/{aid}/update", upd)
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
    assert api_as(tree.union2_chair).post(f"/theme-activities/{aid}/submit", {}).status_code == 404


def test_stats(tree):
    day = services.today()
    confirmed(tree, held_on=day, participants=30)
    confirmed(tree, held_on=day, participants=70, org=tree.union2)
    s = api_as(tree.district_staff).get("/theme-activities/stats", {"year": day.year}).json()
    assert s["total"]["activities"] == 2 and s["total"]["participants"] == 100
    assert {r["town"]["id"]: r["participants"] for r in s["rows"]} == {tree.town1.pk: 30, tree.town2.pk: 70}
    assert s["rows"][0]["by_theme"]["SEND_HEALTH"] == {"activities": 1, "participants": 30}
    s = api_as(tree.town2_cadre).get("/theme-activities/stats", {"year": day.year}).json()
    assert s["total"]["participants"] == 70
