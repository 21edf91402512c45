"""/api/v1/elections: list (scope, filters, keyset, query count), detail, create (with candidates,
all or nothing; one open election per union → 409), every workflow action from plan to approved
result, errors with codes and fields (400 rules, 409 stage, 422 shape)."""

import pytest
from django.core.cache import cache

from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import add_org
from gonghui.grassroots.models import Committee, Election, ElectionStatus
from gonghui.grassroots.testing.elections import DAY, add_members, election_at
from gonghui.orgs.models import OrgLevel

pytestmark = pytest.mark.django_db
S = ElectionStatus
D = DAY.isoformat()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _body(union, **extra):
    body = {"union": union.pk, "electorate": "MEMBERS", "seats": 3, "term_years": 5, "planned_meeting_on": D,
            "candidates": [{"name": "李强", "proposed_position": "CHAIR"}, {"name": "王芳"}, {"name": "赵敏"},
                           {"name": "陈刚"}]}
    body.update(extra)
    return body


def test_create_with_candidates_and_walk_to_the_approved_result(tree):
    add_members(tree.union1, 20)
    chair, cadre = api_as(tree.union1_chair), api_as(tree.town1_cadre)
    response = chair.post("/elections", _body(tree.union1))
    assert response.status_code == 201, response.content
    e = response.json()
    assert e["status"] == "DRAFT" and e["candidate_count"] == 4 and e["problems"] == []
    assert e["rules"] == {"seat_min": 3, "seat_max": 3, "min_candidates": 4, "quorum_needed": 14,
                          "majority_needed": 11}
    assert e["actions"]["submit_plan"] and not e["actions"]["approve_plan"]
    path = f"/elections/{e['id']}"
    assert chair.post(f"{path}/submit-plan", {"submitted_on": D}).status_code == 200
    assert chair.post(f"{path}/approve-plan", {"approved_on": D}).json()["code"] == "forbidden"
    r = cadre.post(f"{path}/approve-plan", {"approved_on": D, "approval_no": "批1"})
    assert r.json()["status"] == "PLAN_APPROVED"
    r = chair.post(f"{path}/meeting", {"held_on": D, "present": 13})
    assert r.status_code == 200 and r.json()["meetings"][0]["valid"] is False
    assert r.json()["status"] == "PLAN_APPROVED"
    r = chair.post(f"{path}/meeting", {"held_on": D, "present": 20}).json()
    assert r["status"] == "VOTING" and r["rounds"][0]["seats"] == 3
    ids = {c["name"]: c["id"] for c in r["candidates"]}
    votes = {ids["李强"]: 18, ids["王芳"]: 15, ids["赵敏"]: 10, ids["陈刚"]: 10}  # 10 of 20 is not > half
    r = chair.post(f"{path}/ballots", {"ballots_issued": 20, "ballots_returned": 20, "ballots_valid": 20,
                                       "votes": votes}).json()
    assert r["status"] == "VOTING" and [x["seats"] for x in r["rounds"]] == [3, 1]
    assert {v["name"] for v in r["rounds"][1]["votes"]} == {"赵敏", "陈刚"}
    r = chair.post(f"{path}/ballots", {"ballots_issued": 20, "ballots_returned": 20, "ballots_valid": 20,
                                       "votes": {ids["赵敏"]: 12, ids["陈刚"]: 8}}).json()
    assert r["status"] == "ELECTED"
    r = chair.post(f"{path}/officers", {"first_meeting_on": D, "chair": ids["李强"], "vice_chairs": [ids["王芳"]]})
    assert r.status_code == 200
    assert chair.post(f"{path}/submit-result", {"submitted_on": D}).json()["status"] == "RESULT_SUBMITTED"
    r = cadre.post(f"{path}/approve-result", {"approved_on": D}).json()
    assert r["status"] == "APPROVED" and r["committee"] == Committee.objects.get(org=tree.union1).pk


def test_create_is_all_or_nothing_and_one_open_election(tree):
    add_members(tree.union1, 20)
    chair = api_as(tree.union1_chair)
    bad = _body(tree.union1, candidates=[{"name": "李强", "proposed_position": "CHAIR", "relative_of_manager": True}])
    r = chair.post("/elections", bad)
    assert r.status_code == 400 and r.json()["code"] == "relative_barred"
    assert r.json()["field"] == "candidates.0.proposed_position"
    assert not Election.objects.exists()
    r = chair.post("/elections", _body(tree.union1, seats=5))
    assert r.status_code == 400 and r.json()["code"] == "seats_out_of_range" and r.json()["field"] == "seats"
    assert chair.post("/elections", _body(tree.union1)).status_code == 201
    r = chair.post("/elections", _body(tree.union1))
    assert r.status_code == 409 and r.json()["code"] == "already_open"
    r = chair.post("/elections", _body(tree.union2))
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    r = chair.post("/elections", {**_body(tree.union1), "extra": 1})
    assert r.status_code == 422


def test_steps_out_of_order_and_bad_ballots(tree):
    election = election_at(S.DRAFT, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    chair = api_as(tree.union1_chair)
    r = chair.post(f"/elections/{election.pk}/meeting", {"held_on": D, "present": 5})
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
    election = election_at(S.VOTING, actor=tree.union2_chair, approver=tree.town2_cadre, union=tree.union2)
    other = api_as(tree.union2_chair)
    ids = list(election.candidates.values_list("pk", flat=True))
    r = other.post(f"/elections/{election.pk}/ballots", {"ballots_issued": 20, "ballots_returned": 20,
                                                         "ballots_valid": 20, "votes": {ids[0]: 21}})
    assert r.status_code == 400 and r.json()["code"] in ("votes_over_valid", "votes_missing")
    r = other.post(f"/elections/{election.pk}/ballots", {"ballots_issued": "x"})
    assert r.status_code == 422
    assert other.post(f"/elections/{election.pk}/candidates/{ids[0]}/remove", {}).status_code == 409


def test_list_filters_scope_and_queries(tree, django_assert_max_num_queries):
    election_at(S.DRAFT, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    election_at(S.PLAN_SUBMITTED, actor=tree.union2_chair, approver=tree.town2_cadre, union=tree.union2)
    cadre = api_as(tree.town1_cadre)
    with django_assert_max_num_queries(12) as few:
        r = cadre.get("/elections")
    assert r.status_code == 200 and [i["org"]["id"] for i in r.json()["items"]] == [tree.union1.pk]
    for i in range(5):
        union = add_org(tree.town1, f"扩展工会{i}", OrgLevel.GRASSROOTS)
        election_at(S.PLAN_SUBMITTED, actor=tree.town1_cadre, approver=tree.town1_cadre, union=union)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = cadre.get("/elections", {"limit": 3})
    page = r.json()
    assert page["count"] == 6 and len(page["items"]) == 3 and page["next_after"]
    assert len(cadre.get("/elections", {"limit": 3, "after": page["next_after"]}).json()["items"]) == 3
    assert cadre.get("/elections", {"status": "awaiting"}).json()["count"] == 5
    assert cadre.get("/elections", {"org": tree.union2.pk}).json()["count"] == 0
    district = api_as(tree.district_staff).get("/elections", {"org": tree.town2.pk}).json()
    assert district["count"] == 1
    assert cadre.get("/elections", {"status": "NOPE"}).status_code == 422


@pytest.mark.parametrize(("suffix", "body"), [
    ("/meeting", {"held_on": "0001-01-01", "present": 5}),
    ("/meeting", {"held_on": "9999-12-31", "present": 5}),
    ("/meeting", {"held_on": D, "present": -1}),
    ("/ballots", {"ballots_issued": 1, "ballots_returned": 1, "ballots_valid": 1, "votes": {"x": 1}}),
    ("/ballots", {"ballots_issued": 1, "ballots_returned": 1, "ballots_valid": 1, "votes": {"99999999999": 1}}),
    ("/officers", {"first_meeting_on": D, "chair": 2**62}),
    ("/submit-plan", {"submitted_on": "2026-02-30"}),
    ("/return-plan", {"returned_on": D, "reason": "\x00"}),
    ("/cancel", {"cancelled_on": D, "reason": "x" * 401}),
    ("/candidates", {"name": "", "person": None}),
    ("/plan", {"electorate": "DELEGATES", "seats": 3, "term_years": 5, "planned_meeting_on": D}),
])
def test_odd_input_never_500(tree, suffix, body):
    election = election_at(S.DRAFT, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    response = api_as(tree.union1_chair).post(f"/elections/{election.pk}{suffix}", body)
    assert 400 <= response.status_code < 500, (suffix, response.content)
    assert response.json()["code"]


def test_ballots_retried_for_a_counted_round_are_refused(tree):
    add_members(tree.union1, 20)
    election = election_at(S.VOTING, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1, seats=3)
    chair = api_as(tree.union1_chair)
    ids = list(election.candidates.values_list("pk", flat=True))
    body = {"ballots_issued": 20, "ballots_returned": 20, "ballots_valid": 20, "votes": {pk: 5 for pk in ids},
            "round": 1}
    assert chair.post(f"/elections/{election.pk}/ballots", body).status_code == 200
    r = chair.post(f"/elections/{election.pk}/ballots", body)
    assert r.status_code == 400 and r.json()["code"] == "stale_round"
    assert election.rounds.count() == 2 and election.rounds.get(number=2).status == "OPEN"
