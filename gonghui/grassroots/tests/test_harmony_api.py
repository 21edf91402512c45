"""/harmony-assessments and /harmony-indicator-sets: list (keyset, filters, queries that do not
grow), detail, create, workflow actions; 404 out of scope, 403 visible but not allowed, 409 wrong
stage, 400 with the rule's code and field."""

import pytest

from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.grassroots.models.harmony import HarmonyAssessment, HarmonyStatus
from gonghui.grassroots.services import harmony as services
from gonghui.grassroots.testing.harmony import SELF_SCORES, assessment, published_set

pytestmark = pytest.mark.django_db
TODAY = services.today()
YEAR = TODAY.year


@pytest.fixture
def ready(tree):
    published_set(actor=tree.district_staff)
    return tree


def test_indicator_sets_are_readable_by_every_role_holder(ready):
    body = api_as(ready.union1_chair).get(f"/harmony-indicator-sets/{YEAR}").json()
    assert body["year"] == YEAR and sum(i["max_score"] for i in body["indicators"]) == 100
    assert len(api_as(ready.town2_cadre).get("/harmony-indicator-sets").json()) == 1
    assert api_as(ready.union1_chair).get("/harmony-indicator-sets/2099").status_code == 404
    assert api_as(ready.union1_chair).get("/harmony-indicator-sets/99999999999999999999").status_code in (404, 422)
    assert api_as(ready.outsider).get("/harmony-indicator-sets").status_code == 403


def test_the_whole_workflow_through_the_api(ready):
    chair, cadre, district = api_as(ready.union1_chair), api_as(ready.town1_cadre), api_as(ready.district_staff)
    created = chair.post("/harmony-assessments", {"enterprise": ready.enterprise1.pk, "year": YEAR})
    assert created.status_code == 201, created.content
    a = created.json()
    assert a["status"] == "DRAFT" and a["actions"]["submit"] is True
    assert {s["code"]: s["self_score"] for s in a["scores"]}["congress"] == 0
    again = chair.post("/harmony-assessments", {"enterprise": ready.enterprise1.pk, "year": YEAR})
    assert again.status_code == 409 and again.json()["code"] == "already_open"
    early = chair.post(f"/harmony-assessments/{a['id']}/submit", {"submitted_on": TODAY.isoformat()})
    assert early.status_code == 400 and early.json()["code"] == "scores_missing"
    bad = chair.post(f"/harmony-assessments/{a['id']}/scores", {"scores": {"wages": {"score": 16}}})
    assert bad.status_code in (400, 422)
    ok = chair.post(f"/harmony-assessments/{a['id']}/scores",
                    {"scores": {k: {"score": v, "note": "有台账"} for k, v in SELF_SCORES.items()}, "note": "总体良好"})
    assert ok.status_code == 200 and ok.json()["self_note"] == "总体良好"
    assert chair.post(f"/harmony-assessments/{a['id']}/submit",
                      {"submitted_on": TODAY.isoformat()}).json()["status"] == "SUBMITTED"
    assert chair.post(f"/harmony-assessments/{a['id']}/forward",
                      {"reviewed_on": TODAY.isoformat()}).status_code == 403
    assert api_as(ready.town2_cadre).post(f"/harmony-assessments/{a['id']}/forward",
                                          {"reviewed_on": TODAY.isoformat()}).status_code == 404
    fwd = cadre.post(f"/harmony-assessments/{a['id']}/forward", {"reviewed_on": TODAY.isoformat(),
                                                                 "scores": {"congress": {"score": 15}}})
    assert fwd.status_code == 400 and fwd.json()["field"] == "note_congress"
    fwd = cadre.post(f"/harmony-assessments/{a['id']}/forward", {
        "reviewed_on": TODAY.isoformat(), "scores": {"congress": {"score": 15, "note": "已召开，记录未录入"}}})
    assert fwd.status_code == 200 and fwd.json()["review_total"] == sum(SELF_SCORES.values()) + 15
    assert cadre.post(f"/harmony-assessments/{a['id']}/rate", {"rated_on": TODAY.isoformat()}).status_code == 403
    rated = district.post(f"/harmony-assessments/{a['id']}/rate", {"rated_on": TODAY.isoformat()})
    assert rated.status_code == 200 and rated.json()["rating"] == "PASS"  # 71 + 15 = 86
    stale = district.post(f"/harmony-assessments/{a['id']}/rate", {"rated_on": TODAY.isoformat()})
    assert stale.status_code == 409 and stale.json()["code"] == "wrong_stage"


def test_create_out_of_scope_and_bad_bodies(ready):
    chair = api_as(ready.union2_chair)
    assert chair.post("/harmony-assessments", {"enterprise": ready.enterprise1.pk, "year": YEAR}).status_code == 404
    assert chair.post("/harmony-assessments", {"enterprise": ready.enterprise2.pk, "year": 1800}).status_code == 422
    assert chair.post("/harmony-assessments", {"enterprise": ready.enterprise2.pk, "year": YEAR,
                                               "extra": 1}).status_code == 422
    assert not HarmonyAssessment.objects.exists()
    assert api_as(ready.union2_chair).get("/harmony-assessments/999999").status_code == 404


def test_list_is_scoped_filtered_and_its_queries_do_not_grow(ready, django_assert_max_num_queries):
    assessment(actor=ready.union2_chair, enterprise=ready.enterprise2)
    for _ in range(2):
        assessment(actor=ready.union1_chair, enterprise=EnterpriseFactory(town=ready.town1, union=ready.union1))
    client = api_as(ready.town1_cadre)
    with django_assert_max_num_queries(15) as few:
        body = client.get("/harmony-assessments", {"year": YEAR}).json()
    assert body["count"] == 2
    for _ in range(5):
        assessment(actor=ready.union1_chair, enterprise=EnterpriseFactory(town=ready.town1, union=ready.union1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/harmony-assessments", {"limit": 3}).json()
    assert body["count"] == 7 and len(body["items"]) == 3 and body["next_after"]
    rest = client.get("/harmony-assessments", {"limit": 3, "after": body["next_after"]}).json()
    assert len(rest["items"]) == 3
    assert client.get("/harmony-assessments", {"status": "RATED"}).json()["count"] == 0
    assert client.get("/harmony-assessments", {"org": ready.town2.pk}).status_code == 404
    assert api_as(ready.district_staff).get("/harmony-assessments", {"org": ready.town2.pk}).json()["count"] == 1
    assert client.get("/harmony-assessments", {"status": "NOPE"}).status_code == 422
    assert api_as(ready.member_user).get("/harmony-assessments").json()["count"] == 0


def test_detail_shows_actions_for_the_caller(ready):
    a = assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, status=HarmonyStatus.SUBMITTED)
    assert api_as(ready.town1_cadre).get(f"/harmony-assessments/{a.pk}").json()["actions"] == {
        "edit": False, "submit": False, "review": True, "rate": False}
    assert api_as(ready.union1_chair).get(f"/harmony-assessments/{a.pk}").json()["actions"]["review"] is False
