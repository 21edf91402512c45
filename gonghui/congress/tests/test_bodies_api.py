"""/api/v1/congresses and /api/v1/congress-sessions: shapes, rule refusals (400 with field),
conflicts (409), scope (404), idempotency, and a permission matrix role × action × scope."""

import datetime

import pytest
from django.core.cache import cache

from gonghui.congress.models import AgendaItem, CongressBody, Delegate, Session, SessionStatus
from gonghui.congress.testing import congress_body, delegates, session
from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import EnterpriseFactory

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def build_world(tree):
    tree.body1 = congress_body(org=tree.union1, headcount=150)
    delegates(tree.body1, count=30, managers=6, substitutes=2)
    tree.body2 = congress_body(org=tree.union2, headcount=150)
    delegates(tree.body2, count=30)
    tree.session1 = session(tree.body1, planned_on=D(2026, 3, 20), papers_sent_on=D(2026, 3, 13))
    tree.item1 = AgendaItem.objects.create(session=tree.session1, position=1, kind="WORK_REPORT", title="报告")
    tree.session2 = session(tree.body2, planned_on=D(2026, 3, 20), papers_sent_on=D(2026, 3, 13))
    tree.enterprise1b = EnterpriseFactory(town=tree.town1, union=tree.union1b, headcount=3001)
    return tree


# Built once per module with the shared tree (conftest.SharedTree), re-read for each test.
SHARED_WORLD = build_world


@pytest.fixture
def world(tree):
    return tree


def test_detail_has_counts_and_quota(world):
    body = api_as(world.union1_chair).get(f"/congresses/{world.body1.pk}").json()
    assert (body["delegate_quota"], body["delegates"], body["substitutes"], body["managers"],
            body["managers_allowed"], body["quota_gap"]) == (30, 30, 2, 6, 6, 0)
    assert {c["category"]: c["count"] for c in body["by_category"]}["MANAGER"] == 6
    assert len(body["roll"]) == 32 and body["sessions"][0]["id"] == world.session1.pk


def test_list_is_scoped_and_paged(world):
    client = api_as(world.district_staff)
    first = client.get("/congresses", {"limit": 1}).json()
    assert first["count"] == 2 and len(first["items"]) == 1 and first["next_after"]
    second = client.get("/congresses", {"limit": 1, "after": first["next_after"]}).json()
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {world.body1.pk, world.body2.pk}
    assert [i["id"] for i in api_as(world.town1_cadre).get("/congresses").json()["items"]] == [world.body1.pk]
    # An org outside the caller's reach matches nothing.
    assert api_as(world.town1_cadre).get("/congresses", {"org": world.town2.pk}).json()["count"] == 0


def test_constitute_with_idempotency_and_conflict(world):
    client = api_as(world.town1_cadre)
    payload = {"enterprise": world.enterprise1b.pk, "term_starts_on": "2026-01-05", "term_years": 5}
    first = client.post("/congresses", payload, **{"Idempotency-Key": "k1"})
    assert first.status_code == 201
    assert (first.json()["kind"], first.json()["delegate_quota"]) == ("CONGRESS", 175)
    replay = client.post("/congresses", payload, **{"Idempotency-Key": "k1"})
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert CongressBody.objects.filter(enterprise=world.enterprise1b).count() == 1
    again = client.post("/congresses", {**payload, "term_starts_on": "2026-02-05"})
    assert again.status_code == 409 and again.json()["code"] == "already_open"


@pytest.mark.parametrize(("patch", "status", "code", "field"), [
    ({"term_years": 6}, 400, "term_years", "term_years"),
    ({"term_years": 2}, 400, "term_years", "term_years"),
    ({"kind": "ALL_STAFF"}, 400, "wrong_form", "kind"),
    ({"headcount": 0}, 422, "invalid", "headcount"),
    ({"surprise": 1}, 422, "invalid", "surprise"),
])
def test_constitute_refusals(world, patch, status, code, field):
    payload = {"enterprise": world.enterprise1b.pk, "term_starts_on": "2026-01-05", "term_years": 3, **patch}
    response = api_as(world.town1_cadre).post("/congresses", payload)
    assert response.status_code == status, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not CongressBody.objects.filter(enterprise=world.enterprise1b).exists()


def test_add_delegate_share_refused(world):
    client = api_as(world.union1_chair)
    response = client.post(f"/congresses/{world.body1.pk}/delegates",
                           {"name": "经理", "category": "MANAGER", "elected_on": "2025-02-01"})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("manager_share", "category")
    ok = client.post(f"/congresses/{world.body1.pk}/delegates",
                     {"name": "工人", "category": "FRONT_LINE", "elected_on": "2025-02-01", "group": "一团"})
    assert ok.status_code == 201 and ok.json()["name"] == "工人"
    other = world.member(union=world.union2)
    response = client.post(f"/congresses/{world.body1.pk}/delegates",
                           {"person": other.person_id, "category": "FRONT_LINE", "elected_on": "2025-02-01"})
    assert (response.status_code, response.json()["field"]) == (400, "person")


def test_session_workflow(world):
    client = api_as(world.union1_chair)
    created = client.post("/congress-sessions", {
        "congress": world.body1.pk, "title": "二次会议", "planned_on": "2026-06-20",
        "agenda": [{"kind": "RULES", "title": "考勤制度"}, {"title": "通报", "requires_vote": False}]})
    assert created.status_code == 201, created.content
    sid = created.json()["id"]
    assert created.json()["number"] == 2 and [i["position"] for i in created.json()["agenda"]] == [1, 2]
    late = client.post(f"/congress-sessions/{sid}/held", {"held_on": "2026-06-20", "present": 25})
    assert (late.status_code, late.json()["code"], late.json()["field"]) == (400, "papers_late", "papers_late_reason")
    client.post(f"/congress-sessions/{sid}/papers", {"papers_sent_on": "2026-06-13"})
    short = client.post(f"/congress-sessions/{sid}/held", {"held_on": "2026-06-20", "present": 19})
    assert (short.status_code, short.json()["code"]) == (400, "no_quorum")
    held = client.post(f"/congress-sessions/{sid}/held", {"held_on": "2026-06-20", "present": 20})
    assert held.status_code == 200 and held.json()["status"] == "HELD" and held.json()["quorum_needed"] == 20
    item = held.json()["agenda"][0]["id"]
    voted = client.post(f"/congress-sessions/{sid}/votes",
                        {"votes": [{"item": item, "votes_for": 16, "votes_against": 4, "abstentions": 0}]})
    assert voted.json()["agenda"][0]["passed"] is True
    again = client.post(f"/congress-sessions/{sid}/held", {"held_on": "2026-06-20", "present": 20})
    assert (again.status_code, again.json()["code"]) == (409, "wrong_stage")
    done = client.post(f"/congress-sessions/{sid}/reported", {"reported_on": "2026-06-24"})
    assert done.json()["status"] == "REPORTED"
    listed = client.get("/congress-sessions", {"congress": world.body1.pk, "status": "REPORTED"}).json()
    assert [s["id"] for s in listed["items"]] == [sid]


# --- permission matrix --------------------------------------------------------------------------

USERS = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider", None]
IN1 = {"district_staff": 200, "town1_cadre": 200, "union1_chair": 200, "union1_staff": 200, "*": 404}
IN2 = {"district_staff": 200, "town2_cadre": 200, "union2_chair": 200, "*": 404}


def created(expected):
    return {k: (201 if v == 200 else v) for k, v in expected.items()}


ACTIONS = {
    "list": (lambda t, c: c.get("/congresses"), {"*": 200}),
    "list_sessions": (lambda t, c: c.get("/congress-sessions"), {"*": 200}),
    "detail1": (lambda t, c: c.get(f"/congresses/{t.body1.pk}"), IN1),
    "detail2": (lambda t, c: c.get(f"/congresses/{t.body2.pk}"), IN2),
    "session_detail1": (lambda t, c: c.get(f"/congress-sessions/{t.session1.pk}"), IN1),
    "delegate1": (lambda t, c: c.post(f"/congresses/{t.body1.pk}/delegates",
                                      {"name": "甲", "category": "FRONT_LINE", "elected_on": "2025-02-01"}),
                  created(IN1)),
    "delegate2": (lambda t, c: c.post(f"/congresses/{t.body2.pk}/delegates",
                                      {"name": "乙", "category": "FRONT_LINE", "elected_on": "2025-02-01"}),
                  created(IN2)),
    "held1": (lambda t, c: c.post(f"/congress-sessions/{t.session1.pk}/held",
                                  {"held_on": "2026-03-20", "present": 25}), IN1),
    "cancel2": (lambda t, c: c.post(f"/congress-sessions/{t.session2.pk}/cancel", {"reason": "停"}), IN2),
    "papers1": (lambda t, c: c.post(f"/congress-sessions/{t.session1.pk}/papers",
                                    {"papers_sent_on": "2026-03-12"}), IN1),
    # A congress or enterprise the caller cannot reach is an unknown reference in the body: 400.
    "plan1": (lambda t, c: c.post("/congress-sessions", {"congress": t.body1.pk, "title": "临时会议",
                                                         "planned_on": "2026-05-20"}),
              {"district_staff": 201, "town1_cadre": 201, "union1_chair": 201, "union1_staff": 201, "*": 400}),
    "constitute1b": (lambda t, c: c.post("/congresses", {"enterprise": t.enterprise1b.pk,
                                                         "term_starts_on": "2026-01-05", "term_years": 3}),
                     {"district_staff": 201, "town1_cadre": 201, "*": 400}),
}


@pytest.mark.parametrize("who", USERS, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(world, action, who):
    request, expected = ACTIONS[action]
    user = getattr(world, who) if who else None
    before = (CongressBody.objects.count(), Delegate.objects.count(),
              {s.pk: (s.status, s.updated_at) for s in Session.objects.all()})
    response = request(world, api_as(user))
    want = 401 if who is None else expected.get(who, expected["*"])
    assert response.status_code == want, (action, who, response.content)
    body = response.json()
    if want == 404:
        assert body == {"code": "not_found", "message": body["message"], "field": None, "errors": []}
    if want == 400:
        assert body["code"] == "unknown_reference"
    if want >= 400:
        after = (CongressBody.objects.count(), Delegate.objects.count(),
                 {s.pk: (s.status, s.updated_at) for s in Session.objects.all()})
        assert after == before
    if action == "held1" and want == 200:
        assert Session.objects.get(pk=world.session1.pk).status == SessionStatus.HELD
