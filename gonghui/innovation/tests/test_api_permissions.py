"""/api/v1/suggestions and /tech-projects permission matrix: role × action × in / out of scope.

s1 and p1 belong to union1 (town1), s2 and p2 to union2 (town2). Out of scope always answers
the one 404, anonymous 401; members and outsiders see nothing; a union or enterprise the caller
cannot use in a body is 400 `unknown_reference`."""

import pytest
from django.core.cache import cache

from gonghui.core.testing.api import api_as
from gonghui.innovation import services
from gonghui.innovation.models import Suggestion, SuggestionStatus, TechProject
from gonghui.innovation.testing import SCORES, days_ago, project, suggestion

pytestmark = pytest.mark.django_db
TODAY = services.today().isoformat()
USERS = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider", None]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def build_world(tree):
    tree.s1 = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    tree.e1 = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, title="已评",
                         status=SuggestionStatus.EVALUATED)
    tree.a1 = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, title="已采纳",
                         status=SuggestionStatus.ADOPTED)
    tree.s2 = suggestion(actor=tree.union2_chair, org=tree.union2, enterprise=tree.enterprise2)
    tree.a2 = suggestion(actor=tree.union2_chair, org=tree.union2, enterprise=tree.enterprise2, title="丙采纳",
                         status=SuggestionStatus.ADOPTED)
    tree.p1 = project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    tree.p2 = project(actor=tree.union2_chair, org=tree.union2, enterprise=tree.enterprise2)
    return tree


# Built once per module with the shared tree (conftest.SharedTree), re-read for each test.
SHARED_WORLD = build_world


@pytest.fixture
def world(tree):
    return tree


IN1 = {"district_staff": 200, "town1_cadre": 200, "union1_chair": 200, "union1_staff": 200, "*": 404}
IN2 = {"district_staff": 200, "town2_cadre": 200, "union2_chair": 200, "*": 404}


def created(expected):
    return {k: 201 if v == 200 else v for k, v in expected.items()}


def body(org, enterprise):
    return {"org": org.pk, "enterprise": enterprise.pk, "kind": "INVENTION", "title": "小发明", "problem": "p",
            "proposal": "q", "submitted_on": TODAY, "submitter_name": "甲"}


def project_body(org, enterprise):
    return {"org": org.pk, "enterprise": enterprise.pk, "title": "攻关", "goal": "g", "started_on": TODAY,
            "planned_end_on": TODAY, "team": [{"name": "甲", "is_leader": True}]}


EVAL = {"scores": SCORES, "evaluated_on": TODAY, "evaluators": ["张"]}
ACTIONS = {
    "list": (lambda t, c: c.get("/suggestions"), {"*": 200}),
    "detail_s1": (lambda t, c: c.get(f"/suggestions/{t.s1.pk}"), IN1),
    "detail_s2": (lambda t, c: c.get(f"/suggestions/{t.s2.pk}"), IN2),
    "evaluate_s1": (lambda t, c: c.post(f"/suggestions/{t.s1.pk}/evaluate", EVAL), IN1),
    "evaluate_s2": (lambda t, c: c.post(f"/suggestions/{t.s2.pk}/evaluate", EVAL), IN2),
    "adopt_e1": (lambda t, c: c.post(f"/suggestions/{t.e1.pk}/adopt", {"decided_on": TODAY}), IN1),
    "decline_s2": (lambda t, c: c.post(f"/suggestions/{t.s2.pk}/decline", {"decided_on": TODAY, "reason": "否"}),
                   IN2),
    "implement_a1": (lambda t, c: c.post(f"/suggestions/{t.a1.pk}/implement", {
        "implemented_on": TODAY, "benefit_yuan": "10.00", "measured_on": TODAY}), IN1),
    "reward_a2": (lambda t, c: c.post(f"/suggestions/{t.a2.pk}/reward", {"amount": "100", "paid_on": TODAY}), IN2),
    "withdraw_s1": (lambda t, c: c.post(f"/suggestions/{t.s1.pk}/withdraw", {"withdrawn_on": TODAY}), IN1),
    "create_in_union1": (lambda t, c: c.post("/suggestions", body(t.union1, t.enterprise1)),
                         {**created(IN1), "*": 400}),
    "create_in_union2": (lambda t, c: c.post("/suggestions", body(t.union2, t.enterprise2)),
                         {**created(IN2), "*": 400}),
    "projects": (lambda t, c: c.get("/tech-projects"), {"*": 200}),
    "project_p1": (lambda t, c: c.get(f"/tech-projects/{t.p1.pk}"), IN1),
    "milestone_p2": (lambda t, c: c.post(f"/tech-projects/{t.p2.pk}/milestones",
                                         {"title": "m", "due_on": days_ago(0).isoformat()}), IN2),
    "complete_p1": (lambda t, c: c.post(f"/tech-projects/{t.p1.pk}/complete",
                                        {"completed_on": TODAY, "result": "r", "benefit_yuan": "0"}), IN1),
    "create_project_union2": (lambda t, c: c.post("/tech-projects", project_body(t.union2, t.enterprise2)),
                              {**created(IN2), "*": 400}),
}


def _state():
    return ({s.pk: (s.status, s.updated_at) for s in Suggestion.objects.all()},
            {p.pk: (p.status, p.updated_at, p.milestones.count()) for p in TechProject.objects.all()})


@pytest.mark.parametrize("who", USERS, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(world, action, who):
    request, expected = ACTIONS[action]
    user = getattr(world, who) if who else None
    before = _state()
    response = request(world, api_as(user))
    want = 401 if who is None else expected.get(who, expected["*"])
    assert response.status_code == want, (action, who, response.content)
    data = response.json()
    if want == 404:
        assert data == {"code": "not_found", "message": data["message"], "field": None, "errors": []}
    if want == 400:
        assert (data["code"], data["field"]) == ("unknown_reference", "org")
    if want >= 400:
        assert _state() == before
    if action == "list" and who in ("member_user", "outsider"):
        assert data["count"] == 0
    if action == "list" and who == "union2_chair":
        assert {i["id"] for i in data["items"]} == {world.s2.pk, world.a2.pk}
