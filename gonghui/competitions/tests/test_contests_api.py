"""/skill-contests: list (scoped, filtered, fixed query count), create with specific errors,
registration, the workflow to published results, entries and the certificate."""

import json

import pytest

from gonghui.competitions.models.contests import ContestStatus
from gonghui.competitions.services import contests as services
from gonghui.competitions.testing.contests import DAY, contest, held_in_past, register, trade
from gonghui.core.testing.api import API, api_as

pytestmark = pytest.mark.django_db


def test_list_is_scoped_filtered_and_its_queries_do_not_grow(tree, django_assert_max_num_queries):
    contest(tree)
    contest(tree, org=tree.town2, actor=tree.town2_cadre, name="北干街道电工比武")
    api = api_as(tree.district_staff)
    api.get("/skill-contests")
    with django_assert_max_num_queries(8) as few:
        body = api.get("/skill-contests").json()
    assert body["count"] == 2
    c = contest(tree, org=tree.union1, actor=tree.union1_chair, name="厂内比武")
    register(tree, c, 2)
    contest(tree, org=tree.town1, actor=tree.town1_cadre, name="城厢比武")
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = api.get("/skill-contests").json()["items"]
    assert len(rows) == 4 and next(r for r in rows if r["name"] == "厂内比武")["registered"] == 2
    assert api.get("/skill-contests", {"level": "TOWN"}).json()["count"] == 2
    assert api.get("/skill-contests", {"org": tree.town2.pk}).json()["count"] == 1
    # union1 sees the district's contest (it may register), its town's and its own; not town2's
    names = {r["name"] for r in api_as(tree.union1_chair).get("/skill-contests").json()["items"]}
    assert names == {"2026年区职工焊工技能比武", "厂内比武", "城厢比武"}
    assert api.get("/skill-contests", {"status": "nonsense"}).status_code == 422


def test_create_with_specific_errors(tree):
    t = trade(tree.district_staff)
    api = api_as(tree.town1_cadre)
    on = services.today()
    body = {"org": tree.town1.pk, "name": "城厢街道焊工比武", "trade": t.pk, "held_on": str(on + 20 * DAY),
            "registration_closes_on": str(on + 10 * DAY), "capacity": 20, "theory_weight": 40,
            "practical_weight": 70}
    r = api.post("/skill-contests", body)
    assert r.status_code == 400 and r.json()["code"] == "weights_not_100" and r.json()["field"] == "practical_weight"
    r = api.post("/skill-contests", {**body, "theory_weight": 30}, **{"Idempotency-Key": "k1"})
    assert r.status_code == 201 and r.json()["level"] == "TOWN" and r.json()["actions"]["open"]
    again = api.post("/skill-contests", {**body, "theory_weight": 30}, **{"Idempotency-Key": "k1"})
    assert again.json()["id"] == r.json()["id"]
    r = api.post("/skill-contests", {**body, "org": tree.town2.pk, "theory_weight": 30})
    assert r.status_code == 400 and r.json()["field"] == "org"


def test_workflow_through_the_api(tree):
    c = contest(tree)
    chair = api_as(tree.union1_chair)
    people = [tree.member().person for _ in range(3)]
    entries = []
    for p in people:
        r = chair.post(f"/skill-contests/{c.pk}/entries", {"person": p.pk})
        assert r.status_code == 201, r.content
        entries.append(r.json())
    assert [e["exam_no"][-3:] for e in entries] == ["001", "002", "003"]
    r = chair.post(f"/skill-contests/{c.pk}/entries", {"person": people[0].pk})
    assert r.status_code == 400 and r.json()["code"] == "already_registered"
    other = tree.member(union=tree.union2).person
    assert chair.post(f"/skill-contests/{c.pk}/entries", {"person": other.pk}).status_code == 400  # not theirs
    district = api_as(tree.district_staff)
    assert district.post(f"/skill-contests/{c.pk}/publish", {}).status_code == 409
    assert district.post(f"/skill-contests/{c.pk}/close", {}).json()["status"] == "CLOSED"
    for bad in (50.123, 101, -1, "NaN", 1e400):  # a specific message naming the exam number, nothing saved
        r = district.post(f"/skill-contests/{c.pk}/scores", {"scores": [
            {"entry": entries[1]["id"], "theory": 60, "practical": 60},
            {"entry": entries[0]["id"], "theory": bad, "practical": 90}]})
        assert r.status_code == 400 and r.json()["code"] == "invalid_score", (bad, r.content)
        assert entries[0]["exam_no"] in r.json()["message"]
    assert district.get(f"/skill-contests/{c.pk}/entries").json()["items"][1]["theory_score"] is None
    r = district.post(f"/skill-contests/{c.pk}/scores", {"scores": [
        {"entry": entries[0]["id"], "theory": 80, "practical": 90},
        {"entry": entries[1]["id"], "theory": 95, "practical": 90},
        {"entry": entries[2]["id"], "absent": True}]})
    assert r.status_code == 200, r.content
    held_in_past(c)
    r = district.post(f"/skill-contests/{c.pk}/publish", {})
    assert r.status_code == 200 and r.json()["status"] == "PUBLISHED"
    rows = chair.get(f"/skill-contests/{c.pk}/entries").json()["items"]
    assert {row["exam_no"]: row["rank"] for row in rows} == {
        entries[0]["exam_no"]: 2, entries[1]["exam_no"]: 1, entries[2]["exam_no"]: None}
    assert chair.get(f"/skill-contests/{c.pk}/entries/{entries[2]['id']}/certificate").status_code == 400


def test_entries_of_other_unions_are_hidden(tree):
    c = contest(tree)
    mine = register(tree, c, 1)[0]
    theirs = register(tree, c, 1, union=tree.union2)[0]
    union1 = api_as(tree.union1_chair)
    ids = {row["id"] for row in union1.get(f"/skill-contests/{c.pk}/entries").json()["items"]}
    assert ids == {mine.pk}
    r = union1.post(f"/skill-contests/{c.pk}/entries/{theirs.pk}/withdraw", {})
    assert r.status_code == 404
    assert api_as(tree.district_staff).get(f"/skill-contests/{c.pk}/entries").json()["count"] == 2
    assert union1.get("/skill-contests/trades").json()[0]["code"] == "WELD"
    assert api_as(tree.union2_chair).get(f"/skill-contests/{contest(tree, org=tree.town1, actor=tree.town1_cadre).pk}"
                                         ).status_code == 404
    assert c.status == ContestStatus.OPEN


def _put(api, contest_id, body):
    return api.client.put(f"{API}/skill-contests/{contest_id}", json.dumps(body), content_type="application/json")


def test_edit_through_the_api(tree):
    c = contest(tree)
    district = api_as(tree.district_staff)
    body = {"name": "2026年区职工焊工技能比武（改）", "trade": c.trade_id, "held_on": str(c.held_on),
            "registration_closes_on": str(c.registration_closes_on), "capacity": 40, "theory_weight": 40,
            "practical_weight": 60, "min_age": 18, "max_age": 55, "min_skill_level": "LEVEL4", "winners": 5}
    r = _put(district, c.pk, body)
    assert r.status_code == 200 and r.json()["capacity"] == 40 and r.json()["min_skill_level"] == "LEVEL4"
    r = _put(district, c.pk, {**body, "practical_weight": 70})
    assert r.status_code == 400 and r.json()["code"] == "weights_not_100"
    r = _put(district, c.pk, {**body, "trade": 999999})
    assert r.status_code == 400 and r.json()["field"] == "trade"
    assert _put(api_as(tree.union1_chair), c.pk, body).status_code == 403  # sees, may not change
    town1s = contest(tree, org=tree.town1, actor=tree.town1_cadre)
    assert _put(api_as(tree.town2_cadre), town1s.pk, body).status_code == 404
    services.close_registration(actor=tree.district_staff, contest=c)
    assert _put(district, c.pk, body).status_code == 409
