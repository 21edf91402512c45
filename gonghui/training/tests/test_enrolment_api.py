"""/enrolments: list (scoped, filters, query count), detail, create, bulk (all or nothing with an
error item per refused person), cancel (promotion), bad input."""

import pytest

from gonghui.core.testing.api import api_as
from gonghui.training.models.enrolment import Enrolment
from gonghui.training.testing.enrolment import course, enrolled, people

pytestmark = pytest.mark.django_db


def test_list_and_detail(tree, django_assert_max_num_queries):
    c = course(tree, capacity=1, waitlist_limit=3)
    xs = [enrolled(tree, c) for _ in range(4)]
    api = api_as(tree.town1_cadre)
    with django_assert_max_num_queries(8):
        r = api.get("/enrolments", {"course": c.pk})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 4 and {i["status"] for i in body["items"]} == {"ENROLLED", "WAITLISTED"}
    r = api.get("/enrolments", {"status": "WAITLISTED"})
    assert sorted(i["waitlist_position"] for i in r.json()["items"]) == [1, 2, 3]
    r = api.get(f"/enrolments/{xs[0].pk}")
    assert r.status_code == 200 and r.json()["actions"]["cancel"] is True
    assert api_as(tree.town2_cadre).get(f"/enrolments/{xs[0].pk}").status_code == 404
    assert api_as(tree.town2_cadre).get("/enrolments").json()["count"] == 0
    assert api.get("/enrolments", {"status": "NOPE"}).status_code == 422


def test_create_and_refusals(tree):
    c = course(tree, capacity=1, waitlist_limit=0)
    p1, p2 = people(tree, 2)
    api = api_as(tree.town1_cadre)
    r = api.post("/enrolments", {"course": c.pk, "person": p1.pk})
    assert r.status_code == 201 and r.json()["status"] == "ENROLLED" and r.json()["channel"] == "STAFF"
    r = api.post("/enrolments", {"course": c.pk, "person": p2.pk})
    assert r.status_code == 400 and r.json()["code"] == "full"
    r = api.post("/enrolments", {"course": c.pk, "person": p1.pk})
    assert r.status_code == 400 and r.json()["code"] == "already_enrolled"
    r = api.post("/enrolments", {"course": c.pk, "person": 999999})
    assert r.status_code == 400 and r.json()["field"] == "person"
    r = api.post("/enrolments", {"course": c.pk})
    assert r.status_code == 422
    r = api.post("/enrolments", {"course": c.pk, "person": p2.pk, "extra": 1})
    assert r.status_code == 422
    r = api_as(tree.town2_cadre).post("/enrolments", {"course": c.pk, "person": p2.pk})
    assert r.status_code == 400 and r.json()["field"] == "course"  # not visible: unknown reference
    assert Enrolment.objects.count() == 1


def test_bulk_all_or_nothing(tree):
    c = course(tree, capacity=2, waitlist_limit=2, min_skill_level="LEVEL4")
    ok = people(tree, 3, skill_level="LEVEL4")
    low = tree.member(skill_level="NONE").person
    api = api_as(tree.union1_chair)
    r = api.post("/enrolments/bulk", {"course": c.pk, "union": tree.union1.pk,
                                      "people": [ok[0].pk, low.pk, ok[1].pk]})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "not_eligible"
    assert [e["field"] for e in body["errors"]] == ["people[1]"] and body["errors"][0]["code"] == "skill_level"
    assert not Enrolment.objects.exists()
    r = api.post("/enrolments/bulk", {"course": c.pk, "union": tree.union1.pk, "people": [p.pk for p in ok]})
    assert r.status_code == 201
    assert (r.json()["enrolled"], r.json()["waitlisted"]) == (2, 1)
    stranger = tree.member(union=tree.union2).person
    r = api.post("/enrolments/bulk", {"course": c.pk, "union": tree.union1.pk, "people": [stranger.pk]})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "people[0]"
    r = api.post("/enrolments/bulk", {"course": c.pk, "union": tree.union1.pk, "people": []})
    assert r.status_code == 422
    r = api.post("/enrolments/bulk", {"course": c.pk, "union": tree.union2.pk, "people": [stranger.pk]})
    assert r.status_code == 400 and r.json()["field"] == "union"


def test_cancel_promotes(tree):
    c = course(tree, capacity=1, waitlist_limit=2)
    x, w = enrolled(tree, c), enrolled(tree, c)
    api = api_as(tree.union1_chair)
    r = api.post(f"/enrolments/{x.pk}/cancel", {"reason": "出差"})
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED"
    assert api.get(f"/enrolments/{w.pk}").json()["status"] == "ENROLLED"
    r = api.post(f"/enrolments/{x.pk}/cancel", {})
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
    r = api.post(f"/enrolments/{w.pk}/cancel", {"reason": "x" * 401})
    assert r.status_code == 422


def test_bulk_into_courses_above_the_union_only(tree):
    district = course(tree, org=tree.district)
    other_town = course(tree, org=tree.town2)
    p = people(tree, 1)[0]
    api = api_as(tree.union1_chair)
    r = api.post("/enrolments/bulk", {"course": other_town.pk, "union": tree.union1.pk, "people": [p.pk]})
    assert r.status_code == 400 and r.json()["field"] == "course"
    r = api.post("/enrolments/bulk", {"course": district.pk, "union": tree.union1.pk, "people": [p.pk]})
    assert r.status_code == 201 and r.json()["items"][0]["union"]["id"] == tree.union1.pk
