"""/competitions: list (scoped, filtered, fixed query count), the whole workflow with specific
errors (weights, scores, stages), the leaderboard, evidence, awards and idempotent creation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.competitions.models.labour import LabourCompetition
from gonghui.competitions.testing.labour import competition, running
from gonghui.core.testing.api import API, api_as
from gonghui.honours.models import HonourRecord

pytestmark = pytest.mark.django_db


def test_list_is_scoped_filtered_and_its_queries_do_not_grow(tree, django_assert_max_num_queries):
    running(tree)
    competition(tree, org=tree.town2, actor=tree.town2_cadre, name="北干街道竞赛",
                teams=[(tree.union2, "丙一"), (tree.union2, "丙二")])
    api = api_as(tree.district_staff)
    api.get("/competitions")
    with django_assert_max_num_queries(8) as few:
        body = api.get("/competitions").json()
    assert body["count"] == 2
    for n in range(3):
        competition(tree, name=f"竞赛{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/competitions").json()["count"] == 5
    assert api.get("/competitions", {"status": "RUNNING"}).json()["items"][0]["teams"] == 3
    # town2's subtree: 北干 and the four district competitions with a team of union2 (丙)
    assert api.get("/competitions", {"org": tree.town2.pk}).json()["count"] == 5
    assert api.get("/competitions", {"org": tree.union1b.pk}).json()["count"] == 4
    town1 = api_as(tree.town1_cadre).get("/competitions").json()
    assert "北干街道竞赛" not in {row["name"] for row in town1["items"]}
    assert api.get("/competitions", {"status": "NOPE"}).status_code == 422


def test_the_workflow_through_the_api(tree):
    api = api_as(tree.town1_cadre)
    body = {"org": tree.town1.pk, "name": "城厢五比五赛", "year": 2026, "starts_on": "2026-01-01",
            "ends_on": "2026-12-31"}
    r = api.post("/competitions", body, **{"Idempotency-Key": "k-1"})
    assert r.status_code == 201, r.content
    c = r.json()
    again = api.post("/competitions", body, **{"Idempotency-Key": "k-1"})
    assert again.json()["id"] == c["id"] and LabourCompetition.objects.count() == 1
    cid = c["id"]
    r = api.post(f"/competitions/{cid}/criteria", {"criteria": [{"code": "Q", "name": "比质量", "weight": "70"},
                                                                 {"code": "S", "name": "比安全", "weight": "20"}]})
    assert r.status_code == 400 and r.json()["code"] == "weights_not_100" and r.json()["field"] == "criteria"
    r = api.post(f"/competitions/{cid}/criteria", {"criteria": [{"code": "Q", "name": "比质量", "weight": "70"},
                                                                 {"code": "S", "name": "比安全", "weight": "30"}]})
    assert r.status_code == 200 and [x["weight"] for x in r.json()["criteria"]] == ["70.00", "30.00"]
    r = api.post(f"/competitions/{cid}/teams", {"org": tree.union2.pk, "name": "丙"})
    assert r.status_code == 400 and r.json()["field"] == "org"
    for org, name in ((tree.union1, "甲"), (tree.union1b, "乙")):
        assert api.post(f"/competitions/{cid}/teams", {"org": org.pk, "name": name}).status_code == 201
    r = api.post(f"/competitions/{cid}/rounds", {"label": "x", "period_starts_on": "2026-01-01",
                                                 "period_ends_on": "2026-03-31", "judges": ["王"]})
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
    assert api.post(f"/competitions/{cid}/start", {"started_on": "2026-01-01"}).status_code == 200
    r = api.post(f"/competitions/{cid}/rounds", {"label": "第一季度", "period_starts_on": "2026-01-01",
                                                 "period_ends_on": "2026-03-31", "judges": ["王评委", "李评委"]})
    assert r.status_code == 201
    detail = r.json()
    rid = detail["round_list"][0]["id"]
    teams = {t["name"]: t["id"] for t in detail["team_list"]}
    r = api.post(f"/competitions/{cid}/rounds/{rid}/scores", {"judge": "王评委",
                                                              "scores": {str(teams["甲"]): {"Q": "101"}}})
    assert r.status_code == 400 and r.json()["code"] == "invalid_score"
    r = api.post(f"/competitions/{cid}/rounds/{rid}/close", {})
    assert r.status_code == 400 and r.json()["code"] == "scores_missing"
    for judge in ("王评委", "李评委"):
        r = api.post(f"/competitions/{cid}/rounds/{rid}/scores", {"judge": judge, "scores": {
            str(teams["甲"]): {"Q": 90, "S": 80}, str(teams["乙"]): {"Q": 80, "S": 100}}})
        assert r.status_code == 200, r.content
    assert api.post(f"/competitions/{cid}/rounds/{rid}/close", {"closed_on": "2026-03-31"}).status_code == 200
    board = api.get(f"/competitions/{cid}/leaderboard").json()
    assert [(row["name"], row["mean"], row["rank"]) for row in board["rows"]] == [("甲", "87.00", 1),
                                                                                   ("乙", "86.00", 2)]
    assert board["rounds"] == ["第一季度"]
    r = api.client.post(f"{API}/competitions/{cid}/evidence", {
        "team": teams["甲"], "note": "质量月报", "file": SimpleUploadedFile("q.pdf", b"%PDF-1.4\n")})
    assert r.status_code == 200, r.content
    assert api.post(f"/competitions/{cid}/finish", {"finished_on": "2026-11-30"}).status_code == 200
    r = api.post(f"/competitions/{cid}/awards", {"kind": "TEAM", "team": teams["甲"], "title": "先进集体",
                                                 "conferred_on": "2026-11-30"})
    assert r.status_code == 201 and r.json()["awards"][0]["honour_record"]
    assert HonourRecord.objects.get(pk=r.json()["awards"][0]["honour_record"]).level == "TOWN"
    r = api.post(f"/competitions/{cid}/awards", {"kind": "TEAM", "team": teams["甲"], "title": "先进集体"})
    assert r.status_code == 400 and r.json()["code"] == "already_awarded"


def test_evidence_through_the_api(tree):
    c = running(tree)
    t = c.teams.get(name="甲企业项目部")
    api = api_as(tree.union1_chair)
    r = api.client.post(f"{API}/competitions/{c.pk}/evidence",
                        {"team": t.pk, "criterion": "QUALITY", "file": SimpleUploadedFile("q.pdf", b"%PDF-1.4\n")})
    assert r.status_code == 200, r.content
    e = t.evidence.get()
    assert e.criterion.code == "QUALITY"
    assert api.get(f"/competitions/{c.pk}/evidence/{e.pk}").status_code == 200
    r = api_as(tree.union2_chair).client.post(f"{API}/competitions/{c.pk}/evidence",
                                              {"team": t.pk, "file": SimpleUploadedFile("q.pdf", b"%PDF-1.4\n")})
    assert r.status_code == 403


def test_a_team_is_removed_only_while_being_prepared(tree):
    from gonghui.competitions.testing.labour import competition as prepared

    c = prepared(tree)
    api = api_as(tree.district_staff)
    t = c.teams.get(name="丙企业车间")
    assert api_as(tree.union2_chair).delete(f"/competitions/{c.pk}/teams/{t.pk}").status_code == 403
    r = api.delete(f"/competitions/{c.pk}/teams/{t.pk}")
    assert r.status_code == 200 and len(r.json()["team_list"]) == 2
    c2 = running(tree, name="第二届")
    t2 = c2.teams.first()
    r = api.delete(f"/competitions/{c2.pk}/teams/{t2.pk}")
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
