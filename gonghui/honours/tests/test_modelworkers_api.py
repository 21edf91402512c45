"""/model-workers: list (scoped, filtered, queries that do not grow), detail with titles and care
records, registering, titles, care, story actions, errors."""

import datetime

import pytest

from gonghui.core.testing.api import api_as
from gonghui.honours.models.modelworkers import ModelWorker, ModelWorkerCare
from gonghui.honours.testing.modelworkers import care, model_worker

pytestmark = pytest.mark.django_db
ON = datetime.date(2025, 6, 1)


def test_list_scoped_filtered_and_queries_do_not_grow(tree, django_assert_max_num_queries):
    w1 = model_worker(tree, level="PROVINCE", year=2022)
    w2 = model_worker(tree, union=tree.union2)
    care(tree, w1, "SUBSIDY", amount="600")
    api = api_as(tree.district_staff)
    with django_assert_max_num_queries(12) as few:
        r = api.get("/model-workers")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2
    row = next(i for i in body["items"] if i["id"] == w1.pk)
    assert row["level"] == "PROVINCE" and row["title_count"] == 1 and row["subsidy_total"] in ("600.00", "600")
    assert row["person"]["name"] == w1.person.name and row["org"]["id"] == tree.union1.pk
    for _ in range(3):
        care(tree, model_worker(tree, union=tree.union1b))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/model-workers").json()["count"] == 5
    assert [i["id"] for i in api.get("/model-workers", {"level": "PROVINCE"}).json()["items"]] == [w1.pk]
    assert api.get("/model-workers", {"org": tree.town2.pk}).json()["count"] == 1
    assert api.get("/model-workers", {"care": "missing_check"}).json()["count"] == 2
    assert api.get("/model-workers", {"care": "bogus"}).status_code == 422
    assert api_as(tree.town1_cadre).get("/model-workers").json()["count"] == 4
    assert api_as(tree.town1_cadre).get("/model-workers", {"org": tree.town2.pk}).json()["count"] == 0
    assert api_as(tree.member_user).get("/model-workers").json()["count"] == 0
    assert api_as(tree.town1_cadre).get(f"/model-workers/{w2.pk}").status_code == 404


def test_detail_register_title_care_and_story(tree):
    api = api_as(tree.district_staff)
    person = tree.member(tree.union1).person
    payload = {"person": person.pk, "org": tree.union1.pk, "level": "DISTRICT", "year": 2024,
               "title": "2024年度区劳动模范", "conferred_on": "2024-04-28", "conferred_by": "区委、区政府"}
    r = api.post("/model-workers", payload, **{"Idempotency-Key": "mw-1"})
    assert r.status_code == 201
    w = r.json()
    assert w["level"] == "DISTRICT" and w["titles"][0]["honour_record"] and w["actions"]["manage"]
    again = api.post("/model-workers", payload, **{"Idempotency-Key": "mw-1"})
    assert again.status_code == 201 and ModelWorker.objects.count() == 1
    r = api.post(f"/model-workers/{w['id']}/titles", {"level": "CITY", "year": 2025, "title": "杭州市劳动模范",
                                                      "conferred_on": "2025-04-28"})
    assert r.status_code == 201 and r.json()["level"] == "CITY" and len(r.json()["titles"]) == 2
    r = api.post(f"/model-workers/{w['id']}/titles", {"level": "CITY", "year": 2025, "title": "again",
                                                      "conferred_on": "2025-04-28"})
    assert r.status_code == 400 and r.json()["code"] == "already_exists"

    r = api.post(f"/model-workers/{w['id']}/care", {"kind": "SUBSIDY", "happened_on": ON.isoformat()})
    assert r.status_code == 400 and r.json()["code"] == "required" and r.json()["field"] == "amount"
    r = api.post(f"/model-workers/{w['id']}/care", {"kind": "SUBSIDY", "happened_on": ON.isoformat(),
                                                    "amount": "900.00", "description": "帮扶"})
    assert r.status_code == 201 and r.json()["care_records"][0]["amount"] in ("900.00", "900")
    care_id = r.json()["care_records"][0]["id"]
    assert api.post(f"/model-workers/{w['id']}/care/{care_id}/remove", {}).status_code == 200
    assert not ModelWorkerCare.objects.exists()

    r = api.post(f"/model-workers/{w['id']}/publish-story", {})
    assert r.status_code == 400 and r.json()["code"] == "story_missing"
    assert api.post(f"/model-workers/{w['id']}/story", {"story_title": "标题", "story": "事迹"}).status_code == 200
    assert api.post(f"/model-workers/{w['id']}/publish-story", {}).json()["story_published"] is True
    r = api.post(f"/model-workers/{w['id']}/publish-story", {})
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
    stories = api_as(tree.union2_chair).get("/model-workers/stories").json()
    assert [s["id"] for s in stories["items"]] == [w["id"]] and stories["items"][0]["story"] == "事迹"
    assert api.post(f"/model-workers/{w['id']}/withdraw-story", {}).json()["story_published"] is False
    r = api.post(f"/model-workers/{w['id']}/edit", {"org": tree.union2.pk, "note": "x"})
    assert r.status_code == 400 and r.json()["code"] == "not_member"
    assert api.post(f"/model-workers/{w['id']}/edit", {"org": tree.union1.pk, "note": "退休"}).json()["note"] == "退休"


def test_bad_references_and_bodies(tree):
    api = api_as(tree.district_staff)
    person = tree.member(tree.union1).person
    base = {"person": person.pk, "org": tree.union1.pk, "level": "DISTRICT", "year": 2024, "title": "区劳模",
            "conferred_on": "2024-04-28"}
    r = api.post("/model-workers", {**base, "person": 999999})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference" and r.json()["field"] == "person"
    assert api.post("/model-workers", {**base, "level": "TOWN"}).status_code == 422
    assert api.post("/model-workers", {**base, "extra": 1}).status_code == 422
    r = api.post("/model-workers", {**base, "year": 1900})
    assert r.status_code == 400 and r.json()["code"] == "invalid_year"
    r = api_as(tree.town1_cadre).post("/model-workers", base)
    assert r.status_code == 403
    assert not ModelWorker.objects.exists()
    assert api.get("/model-workers/999999").status_code == 404
