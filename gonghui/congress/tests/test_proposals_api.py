"""/api/v1/proposals: the workflow from draft to archive, refusals with their codes and fields,
409 for steps out of order, filters and keyset pages with a constant query count, idempotency,
and the permission matrix (role × action × in scope / out of scope)."""

import json

import pytest
from django.core.cache import cache

from gonghui.congress.models import Proposal, ProposalStatus
from gonghui.congress.testing import session
from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as

from .test_proposals_builders import body_with_delegates, proposal_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def build_world(tree):
    tree.body, tree.roll = body_with_delegates(tree.union1, tree.enterprise1)
    tree.seated = [d for d in tree.roll if not d.is_substitute]
    tree.body2, tree.roll2 = body_with_delegates(tree.union2, tree.enterprise2, count=5, substitutes=0)
    return tree


# Built once per module with the shared tree (conftest.SharedTree), re-read for each test.
SHARED_WORLD = build_world


@pytest.fixture
def world(tree):
    return tree


def draft_body(world, **overrides):
    body = {"body": world.body.pk, "title": "增设夜班班车", "category": "WELFARE", "reasons": "夜班下班无公交。",
            "suggestions": "开通两条夜班班车线路。", "proposer": world.seated[0].pk,
            "cosigners": [world.seated[1].pk, world.seated[2].pk]}
    body.update(overrides)
    return body


def test_draft_to_archive(world):
    api = api_as(world.union1_chair)
    created = api.post("/proposals", draft_body(world))
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert created.json()["actions"]["submit"] is True
    steps = [
        ("submit", {"submitted_on": "2026-08-01", "one_issue": True}, "SUBMITTED"),
        ("accept", {"reviewed_on": "2026-08-01"}, "ACCEPTED"),
        ("assign", {"department": "行政部", "assigned_on": "2026-08-01"}, "ASSIGNED"),
        ("extend", {"extension_reason": "需与公交公司协商"}, "ASSIGNED"),
        ("reply", {"outcome": "A", "reply": "已开通夜班班车。", "replied_on": "2026-10-20",
                   "benefit_estimated": "30000.00"}, "REPLIED"),
        ("rate", {"satisfaction": "UNSATISFIED", "rated_on": "2026-10-22"}, "ASSIGNED"),
        ("reply", {"outcome": "B", "reply": "增开一条线路列入明年计划。", "replied_on": "2026-11-02"}, "REPLIED"),
        ("rate", {"satisfaction": "SATISFIED", "rated_on": "2026-11-03"}, "ARCHIVED"),
        ("benefit", {"benefit_verified": "28000.50"}, "ARCHIVED"),
    ]
    for path, body, status in steps:
        response = api.post(f"/proposals/{pid}/{path}", body)
        assert response.status_code == 200, (path, response.content)
        assert response.json()["status"] == status, path
    detail = api.get(f"/proposals/{pid}").json()
    assert detail["number"] == "2026-001" and detail["reopen_count"] == 1
    assert detail["benefit_verified"] == "28000.50" and detail["benefit_estimated"] == "30000.00"
    assert [c["id"] for c in detail["cosigners"]] == [world.seated[1].pk, world.seated[2].pk]
    assert AuditEvent.objects.filter(object_id=str(pid), action__startswith="congress.proposal_").count() == 10


def test_extension_dates_in_the_api(world):
    api = api_as(world.union1_chair)
    pid = proposal_at(ProposalStatus.ACCEPTED, actor=world.union1_chair, body=world.body, roll=world.roll).pk
    assert api.post(f"/proposals/{pid}/assign", {"department": "人事部", "assigned_on": "2026-08-01"}
                    ).json()["due_on"] == "2026-10-08"
    assert api.post(f"/proposals/{pid}/extend", {"extension_reason": "调研"}).json()["due_on"] == "2026-11-02"
    second = api.post(f"/proposals/{pid}/extend", {"extension_reason": "再延"})
    assert second.status_code == 409 and second.json()["code"] == "wrong_stage"


def test_one_cosigner_is_a_400_on_cosigners(world):
    api = api_as(world.union1_chair)
    pid = api.post("/proposals", draft_body(world, cosigners=[world.seated[1].pk])).json()["id"]
    response = api.post(f"/proposals/{pid}/submit", {"submitted_on": "2026-08-01", "one_issue": True},
                        **{"Accept-Language": "en"})
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("cosigners_missing", "cosigners")
    assert "1 more" in body["message"]
    assert Proposal.objects.get(pk=pid).status == ProposalStatus.DRAFT


def test_refusals_name_the_field(world):
    api = api_as(world.union1_chair)
    other = world.roll2[0].pk
    assert api.post("/proposals", draft_body(world, cosigners=[world.seated[1].pk, other])).json()["field"] \
        == "cosigners.1"  # a delegate of union2 is not even visible to union1's chair
    response = api_as(world.district_staff).post("/proposals", draft_body(world, cosigners=[world.seated[1].pk, other]))
    assert (response.status_code, response.json()["code"]) == (400, "other_body")
    response = api.post("/proposals", draft_body(world, proposer=world.seated[1].pk))
    assert (response.json()["code"], response.json()["field"]) == ("proposer_cosigns", "cosigners")
    response = api.post("/proposals", draft_body(world, title=""))
    assert (response.status_code, response.json()["field"]) == (400, "title")
    response = api.post("/proposals", draft_body(world, category="NOPE"))
    assert (response.status_code, response.json()["field"]) == (422, "category")
    response = api.post("/proposals", draft_body(world, extra="x"))
    assert response.status_code == 422
    assert not Proposal.objects.exists()


def test_reply_and_benefit_refusals(world):
    api = api_as(world.union1_chair)
    pid = proposal_at(ProposalStatus.ASSIGNED, actor=world.union1_chair, body=world.body, roll=world.roll).pk
    bad = api.post(f"/proposals/{pid}/reply", {"outcome": "A", "reply": "x", "replied_on": "2026-04-01",
                                               "benefit_estimated": "-5"})
    assert (bad.status_code, bad.json()["field"]) == (422, "benefit_estimated")
    bad = api.post(f"/proposals/{pid}/reply", {"outcome": "A", "reply": "x", "replied_on": "2026-04-01",
                                               "benefit_estimated": "1.234"})
    assert bad.status_code == 422
    c_reply = api.post(f"/proposals/{pid}/reply", {"outcome": "C", "reply": " ", "replied_on": "2026-04-01"})
    assert (c_reply.status_code, c_reply.json()["field"]) == (400, "reply")
    ok = api.post(f"/proposals/{pid}/reply", {"outcome": "C", "reply": "资金不足，暂缓。", "replied_on": "2026-04-01"})
    assert ok.status_code == 200 and ok.json()["actions"]["benefit"] is False
    refused = api.post(f"/proposals/{pid}/benefit", {"benefit_verified": "10"})
    assert (refused.status_code, refused.json()["code"]) == (400, "not_adopted")


def test_draft_edit_put_and_patch(world):
    api = api_as(world.union1_staff)
    pid = api.post("/proposals", draft_body(world)).json()["id"]
    patched = api.patch(f"/proposals/{pid}", {"title": "增设夜班班车两条", "cosigners": [world.seated[3].pk,
                                                                                world.seated[4].pk]})
    assert patched.status_code == 200
    assert patched.json()["title"] == "增设夜班班车两条"
    assert {c["id"] for c in patched.json()["cosigners"]} == {world.seated[3].pk, world.seated[4].pk}
    assert api.patch(f"/proposals/{pid}", {"title": None}).status_code == 422
    planned = session(world.body)
    full = draft_body(world, session=planned.pk)
    del full["body"]
    # The API test wrapper has no put(): its Django client (with the bearer token) does.
    put = api.client.put(f"/api/v1/proposals/{pid}", json.dumps(full), content_type="application/json")
    assert put.status_code == 200 and put.json()["session"]["id"] == planned.pk
    api.post(f"/proposals/{pid}/submit", {"submitted_on": "2026-08-01", "one_issue": True})
    late = api.patch(f"/proposals/{pid}", {"title": "改"})
    assert (late.status_code, late.json()["code"]) == (409, "wrong_stage")


def test_idempotent_draft(world):
    api = api_as(world.union1_chair)
    first = api.post("/proposals", draft_body(world), **{"Idempotency-Key": "k-1"})
    again = api.post("/proposals", draft_body(world), **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and first.json()["id"] == again.json()["id"]
    assert Proposal.objects.count() == 1
    other = api.post("/proposals", draft_body(world, title="别的"), **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422


def test_list_filters_and_pages(world, django_assert_max_num_queries):
    api = api_as(world.district_staff)
    own = [proposal_at(ProposalStatus.ASSIGNED, actor=world.union1_chair, body=world.body, roll=world.roll,
                       title=f"甲{i}").pk for i in range(3)]
    theirs = proposal_at(ProposalStatus.DRAFT, actor=world.union2_chair, body=world.body2, roll=world.roll2).pk
    with django_assert_max_num_queries(12):
        page = api.get("/proposals", {"limit": 2}).json()
    assert page["count"] == 4 and len(page["items"]) == 2 and page["next_after"]
    rest = api.get("/proposals", {"limit": 2, "after": page["next_after"]}).json()
    assert {i["id"] for i in page["items"] + rest["items"]} == {*own, theirs}
    assert {i["id"] for i in api.get("/proposals", {"due": "overdue"}).json()["items"]} == set(own)
    assert {i["id"] for i in api.get("/proposals", {"body": world.body2.pk}).json()["items"]} == {theirs}
    assert {i["id"] for i in api.get("/proposals", {"org": world.town2.pk}).json()["items"]} == {theirs}
    assert {i["id"] for i in api.get("/proposals", {"department": "后勤"}).json()["items"]} == set(own)
    # union1's chair cannot see body2: the filter matches nothing (not everything).
    assert api_as(world.union1_chair).get("/proposals", {"body": world.body2.pk}).json()["items"] == []
    with django_assert_max_num_queries(12):
        api.get("/proposals", {"limit": 200})


# --- permission matrix ----------------------------------------------------------------------------------

USERS = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider", None]
UNION1 = {"district_staff": 200, "town1_cadre": 200, "union1_chair": 200, "union1_staff": 200, "*": 404}
UNION2 = {"district_staff": 200, "town2_cadre": 200, "union2_chair": 200, "*": 404}


@pytest.fixture
def matrix_world(world):
    chair1, chair2 = world.union1_chair, world.union2_chair
    world.draft1 = proposal_at(ProposalStatus.DRAFT, actor=chair1, body=world.body, roll=world.roll)
    world.submitted1 = proposal_at(ProposalStatus.SUBMITTED, actor=chair1, body=world.body, roll=world.roll)
    world.accepted2 = proposal_at(ProposalStatus.ACCEPTED, actor=chair2, body=world.body2, roll=world.roll2)
    world.assigned1 = proposal_at(ProposalStatus.ASSIGNED, actor=chair1, body=world.body, roll=world.roll)
    world.replied2 = proposal_at(ProposalStatus.REPLIED, actor=chair2, body=world.body2, roll=world.roll2)
    world.archived1 = proposal_at(ProposalStatus.ARCHIVED, actor=chair1, body=world.body, roll=world.roll)
    return world


def _created(expected):
    return {k: (201 if v == 200 else v) for k, v in expected.items()}


ACTIONS = {
    "list": (lambda t, c: c.get("/proposals"), {"*": 200}),
    "detail_1": (lambda t, c: c.get(f"/proposals/{t.draft1.pk}"), UNION1),
    "detail_2": (lambda t, c: c.get(f"/proposals/{t.accepted2.pk}"), UNION2),
    "create_1": (lambda t, c: c.post("/proposals", draft_body(t)), _created(UNION1) | {"*": 400}),
    "patch_1": (lambda t, c: c.patch(f"/proposals/{t.draft1.pk}", {"title": "改"}), UNION1),
    "submit_1": (lambda t, c: c.post(f"/proposals/{t.draft1.pk}/submit",
                                     {"submitted_on": "2026-08-01", "one_issue": True}), UNION1),
    "accept_1": (lambda t, c: c.post(f"/proposals/{t.submitted1.pk}/accept", {"reviewed_on": "2026-08-01"}), UNION1),
    "reject_1": (lambda t, c: c.post(f"/proposals/{t.submitted1.pk}/reject",
                                     {"reviewed_on": "2026-08-01", "review_reason": "一案多事"}), UNION1),
    "convert_1": (lambda t, c: c.post(f"/proposals/{t.submitted1.pk}/convert",
                                      {"reviewed_on": "2026-08-01", "review_reason": "属建议"}), UNION1),
    "assign_2": (lambda t, c: c.post(f"/proposals/{t.accepted2.pk}/assign",
                                     {"department": "设备部", "assigned_on": "2026-08-01"}), UNION2),
    "extend_1": (lambda t, c: c.post(f"/proposals/{t.assigned1.pk}/extend", {"extension_reason": "调研"}), UNION1),
    "reply_1": (lambda t, c: c.post(f"/proposals/{t.assigned1.pk}/reply",
                                    {"outcome": "A", "reply": "已办", "replied_on": "2026-08-01"}), UNION1),
    "rate_2": (lambda t, c: c.post(f"/proposals/{t.replied2.pk}/rate",
                                   {"satisfaction": "SATISFIED", "rated_on": "2026-08-01"}), UNION2),
    "benefit_1": (lambda t, c: c.post(f"/proposals/{t.archived1.pk}/benefit", {"benefit_verified": "100"}), UNION1),
    # Out of order: 409 for those who see it, the same 404 for everyone else.
    "accept_draft_1": (lambda t, c: c.post(f"/proposals/{t.draft1.pk}/accept", {"reviewed_on": "2026-08-01"}),
                       {k: (409 if v == 200 else v) for k, v in UNION1.items()}),
}


def _state():
    return {p.pk: (p.status, p.updated_at, p.title) for p in Proposal.objects.all()}


def _events():
    return AuditEvent.objects.filter(action__startswith="congress.")  # not the API token's own row


@pytest.mark.parametrize("who", USERS, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(matrix_world, action, who):
    request, expected = ACTIONS[action]
    user = getattr(matrix_world, who) if who else None
    client = api_as(user)
    before, events = _state(), _events().count()
    response = request(matrix_world, client)
    want = 401 if who is None else expected.get(who, expected["*"])
    assert response.status_code == want, (action, who, response.content)
    if want == 404:
        assert response.json() == {"code": "not_found", "message": response.json()["message"], "field": None,
                                   "errors": []}
    if want == 400:
        assert (response.json()["code"], response.json()["field"]) == ("unknown_reference", "body")
    if want >= 400:
        assert _state() == before and _events().count() == events
    elif action not in ("list",) and not action.startswith("detail"):
        assert _events().count() == events + 1
        assert _events().order_by("-id").first().actor_id == user.pk
