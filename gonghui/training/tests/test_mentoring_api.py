"""/mentorships: list (scoped, filtered, fixed query count), detail, create with specific 400s,
the report / assess / end actions (409 on a wrong stage), 404 out of scope."""

import pytest

from gonghui.core.testing.api import api_as
from gonghui.members.models import Person
from gonghui.training.models.mentoring import Mentorship
from gonghui.training.services import mentoring as services
from gonghui.training.testing.mentoring import pair, teacher, write_reports

pytestmark = pytest.mark.django_db
DAY = services.datetime.timedelta(days=1)


def test_list_scoped_filtered_and_queries_do_not_grow(tree, django_assert_max_num_queries):
    a = pair(tree)
    b = pair(tree, union=tree.union2, trade="电工")
    api = api_as(tree.district_staff)
    api.get("/mentorships")
    with django_assert_max_num_queries(12) as few:
        r = api.get("/mentorships")
    assert r.status_code == 200 and {x["id"] for x in r.json()["items"]} == {a.pk, b.pk}
    for _ in range(3):
        pair(tree, union=tree.union1b)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/mentorships").json()["items"]) == 5
    assert [x["id"] for x in api.get("/mentorships", {"trade": "电工"}).json()["items"]] == [b.pk]
    assert api.get("/mentorships", {"due": "bogus"}).status_code in (400, 422)
    town1 = api_as(tree.town1_cadre).get("/mentorships").json()["items"]
    assert b.pk not in {x["id"] for x in town1}
    assert api_as(tree.town1_cadre).get(f"/mentorships/{b.pk}").status_code == 404


def test_create_and_specific_errors(tree):
    api = api_as(tree.union1_chair)
    me, master = tree.member().person, tree.member().person
    start = services.today()
    body = {"org": tree.union1.pk, "apprentice": me.pk, "master_person": me.pk, "trade": "电工",
            "starts_on": start.isoformat(), "ends_on": (services.add_months(start, 12) - DAY).isoformat(),
            "goals": "初级工", "target_skill_level": "LEVEL5"}
    r = api.post("/mentorships", body)
    assert r.status_code == 400 and r.json()["code"] == "own_master"
    r = api.post("/mentorships", {**body, "master_person": None, "master_teacher": teacher(tree).pk,
                                  "ends_on": (services.add_months(start, 40)).isoformat()})
    assert r.status_code == 400 and r.json()["code"] == "bad_term"
    r = api.post("/mentorships", {**body, "master_person": master.pk, "apprentice": 999999})
    assert r.status_code == 400
    assert not Mentorship.objects.exists()
    r = api.post("/mentorships", {**body, "master_person": master.pk})
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["master_name"] == master.name and d["next_report_due_on"] and d["actions"]["report"]
    r = api.post("/mentorships", {**body, "master_person": master.pk})
    assert r.status_code == 400 and r.json()["code"] == "already_apprentice"


def test_actions(tree):
    m = write_reports(tree, pair(tree))
    api = api_as(tree.town1_cadre)
    r = api.post(f"/mentorships/{m.pk}/assess", {"result": "PASS", "score": 92, "new_skill_level": "LEVEL4"})
    assert r.status_code == 400 and r.json()["code"] == "level_rise_too_big"
    r = api.post(f"/mentorships/{m.pk}/report", {"content": "最后一期"})
    assert r.status_code == 200 and len(r.json()["reports"]) == 4
    r = api.post(f"/mentorships/{m.pk}/assess", {"result": "PASS", "score": 92, "new_skill_level": "LEVEL5"})
    assert r.status_code == 200 and r.json()["assessment"]["new_skill_level"] == "LEVEL5"
    assert Person.objects.get(pk=m.apprentice_id).skill_level == "LEVEL5"
    r = api.post(f"/mentorships/{m.pk}/end", {"reason": "x"})
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
    r = api.post(f"/mentorships/{m.pk}/end", {"reason": "x", "extra": 1})
    assert r.status_code in (400, 422)
