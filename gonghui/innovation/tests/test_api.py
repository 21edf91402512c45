"""/api/v1/suggestions and /api/v1/tech-projects: create (with Idempotency-Key), the whole
workflow, refusals (400 with code and field, 409 wrong_stage, 422 shape), filters, keyset
pages and query counts."""

import datetime

import pytest
from django.core.cache import cache

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.innovation import services
from gonghui.innovation.models import ProjectStatus, Suggestion, SuggestionStatus, TechProject
from gonghui.innovation.testing import SCORES, days_ago, project, suggestion

pytestmark = pytest.mark.django_db
TODAY = services.today()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def iso(day):
    return day.isoformat()


def new_suggestion(tree, **extra):
    return {"org": tree.union1.pk, "enterprise": tree.enterprise1.pk, "kind": "MODIFICATION",
            "title": "包装线改造", "problem": "人工搬运多", "proposal": "加装输送带", "expected_benefit": "省两人",
            "submitted_on": iso(days_ago(10)), "submitter_name": "孙师傅", "co_authors": ["周工"], **extra}


def test_whole_suggestion_workflow(tree):
    api = api_as(tree.union1_chair)
    person = tree.member(tree.union1, name="陈建国").person
    response = api.post("/suggestions", new_suggestion(tree, submitter_person=person.pk, submitter_name=""))
    assert response.status_code == 201, response.content
    body = response.json()
    sid = body["id"]
    assert (body["status"], body["submitter_name"], body["submitter_person"]) == ("SUBMITTED", "陈建国", person.pk)
    assert body["actions"]["evaluate"] and not body["actions"]["adopt"]

    response = api.post(f"/suggestions/{sid}/adopt", {"decided_on": iso(TODAY)})
    assert response.status_code == 409 and response.json()["code"] == "wrong_stage"

    response = api.post(f"/suggestions/{sid}/evaluate", {"scores": SCORES, "evaluated_on": iso(days_ago(5)),
                                                         "evaluators": ["张评委", "钱评委"], "comments": "可行"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["total_score"], body["grade"]) == ("EVALUATED", 81, "B")
    assert [s["points"] for s in body["scores"]] == [25, 24, 20, 12]

    response = api.post(f"/suggestions/{sid}/reward", {"amount": "100.00", "paid_on": iso(TODAY)})
    assert response.status_code == 409

    assert api.post(f"/suggestions/{sid}/adopt", {"decided_on": iso(days_ago(4))}).status_code == 200
    response = api.post(f"/suggestions/{sid}/implement", {"implemented_on": iso(days_ago(3)),
                                                          "benefit_yuan": "-1.00", "measured_on": iso(TODAY)})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("negative_amount", "benefit_yuan")
    response = api.post(f"/suggestions/{sid}/implement", {"implemented_on": iso(days_ago(3)),
                                                          "benefit_yuan": "23500.50", "measured_on": iso(TODAY)})
    assert response.status_code == 200 and response.json()["benefit_yuan"] == "23500.50"
    response = api.post(f"/suggestions/{sid}/reward", {"amount": "1200.00", "paid_on": iso(TODAY),
                                                       "recipients": ["陈建国", "周工"]})
    body = response.json()
    assert response.status_code == 200, body
    assert (body["status"], body["reward_yuan"], body["reward_recipients"]) == ("IMPLEMENTED", "1200.00",
                                                                                 "陈建国、周工")
    actions = set(AuditEvent.objects.filter(object_id=str(sid), object_type="innovation.Suggestion")
                  .values_list("action", flat=True))
    assert actions == {"innovation.submit", "innovation.evaluate", "innovation.adopt", "innovation.implement",
                       "innovation.reward"}


def test_create_refusals(tree):
    api = api_as(tree.union1_chair)
    response = api.post("/suggestions", new_suggestion(tree, kind="BIG", extra="x"))
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"kind", "extra"}
    outsider_person = tree.member(tree.union2, name="外人").person
    response = api.post("/suggestions", new_suggestion(tree, submitter_person=outsider_person.pk))
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("unknown_reference", "submitter_person")
    response = api.post("/suggestions", new_suggestion(tree, enterprise=tree.enterprise2.pk))
    assert (response.status_code, response.json()["field"]) == (400, "enterprise")
    response = api.post("/suggestions", new_suggestion(tree, submitted_on=iso(TODAY + datetime.timedelta(days=2))))
    assert (response.status_code, response.json()["code"]) == (400, "date_in_future")
    assert not Suggestion.objects.exists()


def test_idempotent_create(tree):
    api = api_as(tree.union1_chair)
    first = api.post("/suggestions", new_suggestion(tree), **{"Idempotency-Key": "k-1"})
    again = api.post("/suggestions", new_suggestion(tree), **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Suggestion.objects.count() == 1
    other = api.post("/suggestions", new_suggestion(tree, title="别的"), **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422


def test_evaluate_score_out_of_range_is_400_on_the_criterion(tree):
    s = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    response = api_as(tree.union1_chair).post(f"/suggestions/{s.pk}/evaluate", {
        "scores": {**SCORES, "safety": 16}, "evaluated_on": iso(TODAY), "evaluators": ["张"]})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("score_range", "scores.safety")


def test_decline_and_withdraw(tree):
    api = api_as(tree.union1_staff)
    a = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    b = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, title="二")
    response = api.post(f"/suggestions/{a.pk}/decline", {"decided_on": iso(TODAY), "reason": ""})
    assert (response.status_code, response.json()["field"]) == (400, "reason")
    assert api.post(f"/suggestions/{a.pk}/decline", {"decided_on": iso(TODAY), "reason": "成本高"}).json()[
        "status"] == "NOT_ADOPTED"
    assert api.post(f"/suggestions/{b.pk}/withdraw", {"withdrawn_on": iso(TODAY)}).json()["status"] == "WITHDRAWN"
    assert api.post(f"/suggestions/{b.pk}/withdraw", {"withdrawn_on": iso(TODAY)}).status_code == 409


def test_list_filters_and_keyset(tree):
    for n in range(5):
        suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, title=f"建议{n}")
    suggestion(actor=tree.union2_chair, org=tree.union2, enterprise=tree.enterprise2, title="北干建议",
               kind="DESIGN", status=SuggestionStatus.ADOPTED)
    api = api_as(tree.district_staff)
    page = api.get("/suggestions", {"limit": 2}).json()
    assert page["count"] == 6 and len(page["items"]) == 2 and page["next_after"]
    rest = api.get("/suggestions", {"limit": 10, "after": page["next_after"]}).json()
    assert len(rest["items"]) == 4
    assert {i["id"] for i in page["items"]}.isdisjoint({i["id"] for i in rest["items"]})
    assert [i["title"] for i in api.get("/suggestions", {"kind": "DESIGN"}).json()["items"]] == ["北干建议"]
    assert api.get("/suggestions", {"status": "ADOPTED"}).json()["count"] == 1
    assert api.get("/suggestions", {"org": tree.town1.pk}).json()["count"] == 5
    assert api.get("/suggestions", {"q": "北干"}).json()["count"] == 1
    assert api.get("/suggestions", {"year": TODAY.year + 1}).json()["count"] == 0
    # union2's chair: an org filter outside their reach matches nothing
    assert api_as(tree.union2_chair).get("/suggestions", {"org": tree.town1.pk}).json()["count"] == 0


def test_list_query_count_does_not_grow(tree, django_assert_max_num_queries):
    for n in range(12):
        suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, title=f"建议{n}",
                   status=SuggestionStatus.EVALUATED if n % 2 else SuggestionStatus.SUBMITTED)
    api = api_as(tree.town1_cadre)
    api.get("/suggestions")  # token, sessions warmed
    with django_assert_max_num_queries(8):
        response = api.get("/suggestions", {"limit": 50})
    assert len(response.json()["items"]) == 12
    with django_assert_max_num_queries(8):
        api.get("/tech-projects")


def test_tech_project_api(tree):
    api = api_as(tree.town1_cadre)
    body = {"org": tree.union1.pk, "enterprise": tree.enterprise1.pk, "title": "降低能耗攻关", "goal": "单耗降10%",
            "started_on": iso(days_ago(30)), "planned_end_on": iso(TODAY + datetime.timedelta(days=60)),
            "team": [{"name": "周组长", "is_leader": True, "role": "工程师"}, {"name": "吴师傅"}]}
    response = api.post("/tech-projects", {**body, "team": [{"name": "甲"}]})
    assert (response.status_code, response.json()["code"]) == (400, "one_leader")
    response = api.post("/tech-projects", body)
    assert response.status_code == 201, response.content
    pid = response.json()["id"]
    assert response.json()["status"] == "IN_PROGRESS"
    response = api.post(f"/tech-projects/{pid}/milestones", {"title": "方案", "due_on": iso(days_ago(40))})
    assert (response.status_code, response.json()["field"]) == (400, "due_on")
    response = api.post(f"/tech-projects/{pid}/milestones", {"title": "方案", "due_on": iso(days_ago(2))})
    body = response.json()
    assert body["overdue"] and body["milestone_list"][0]["overdue"]
    mid = body["milestone_list"][0]["id"]
    response = api.post(f"/tech-projects/{pid}/complete", {"completed_on": iso(TODAY), "result": "达成",
                                                           "benefit_yuan": "1000"})
    assert (response.status_code, response.json()["code"]) == (400, "milestones_open")
    assert api.post(f"/tech-projects/{pid}/milestones/999999/done", {"done_on": iso(TODAY)}).status_code == 404
    response = api.post(f"/tech-projects/{pid}/milestones/{mid}/done", {"done_on": iso(TODAY)})
    assert response.status_code == 200 and not response.json()["overdue"]
    response = api.post(f"/tech-projects/{pid}/complete", {"completed_on": iso(TODAY), "result": "单耗降12%",
                                                           "benefit_yuan": "88000.00"})
    assert response.json()["status"] == "COMPLETED"
    assert api.post(f"/tech-projects/{pid}/complete", {"completed_on": iso(TODAY), "result": "x",
                                                       "benefit_yuan": "1"}).status_code == 409
    listed = api.get("/tech-projects", {"status": "COMPLETED"}).json()
    assert [i["id"] for i in listed["items"]] == [pid]
    assert listed["items"][0]["milestones"] == listed["items"][0]["milestones_done"] == 1


def test_overdue_filter(tree):
    late = project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                   milestones=[("试制", days_ago(3), None)])
    project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, title="按期",
            milestones=[("试制", days_ago(3), days_ago(4))])
    items = api_as(tree.union1_chair).get("/tech-projects", {"overdue": "true"}).json()["items"]
    assert [i["id"] for i in items] == [late.pk]
    assert TechProject.objects.filter(status=ProjectStatus.IN_PROGRESS).count() == 2


def test_scoring_form(tree):
    body = api_as(tree.union1_staff).get("/suggestions/scoring-form").json()
    assert [c["max_points"] for c in body["criteria"]] == [30, 30, 25, 15]
    assert body["grades"][0] == ["A", 85]
