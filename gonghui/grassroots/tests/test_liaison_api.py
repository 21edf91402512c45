"""/liaison-visits and /liaison-assignments: list (filters, keyset pages, query counts that do
not grow), detail, create, follow-up actions, bulk assign, end; errors 400/403/404/409/422 with
nothing saved."""

import datetime

import pytest

from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.grassroots.models.liaison import LiaisonAssignment, LiaisonFollowUp, LiaisonVisit
from gonghui.grassroots.services.liaison import today
from gonghui.grassroots.testing.liaison import assignment, follow_up, visit

pytestmark = pytest.mark.django_db
TODAY = today()
DAY = datetime.timedelta(days=1)


def _body(tree, **kw):
    body = {"enterprise": tree.enterprise1.pk, "visited_on": TODAY.isoformat(), "topics": ["CONGRESS", "WAGES"],
            "notes": "走访", "problems": "未开职代会"}
    body.update(kw)
    return body


def test_create_visit_with_follow_ups_and_idempotency(tree):
    api = api_as(tree.town1_cadre)
    body = _body(tree, follow_ups=[{"action": "指导召开职代会", "due_on": (TODAY + 20 * DAY).isoformat(),
                                    "owner": tree.town1_cadre.pk}])
    r = api.post("/liaison-visits", body, **{"Idempotency-Key": "visit-1"})
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["cadre"] == tree.town1_cadre.pk and data["topics"] == ["CONGRESS", "WAGES"]
    assert data["follow_ups"][0]["owner"] == tree.town1_cadre.pk and data["open_follow_ups"] == 1
    assert data["may_liaise"] is True
    again = api.post("/liaison-visits", body, **{"Idempotency-Key": "visit-1"})
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert LiaisonVisit.objects.count() == 1


@pytest.mark.parametrize(("kw", "status", "field"), [
    ({"topics": []}, 422, None),
    ({"topics": ["NOPE"]}, 422, None),
    ({"visited_on": "2026-02-30"}, 422, None),
    ({"topics": ["OTHER"]}, 400, "topic_other"),
    ({"notes": "", "problems": ""}, 400, "notes"),
    ({"enterprise": 10**9}, 400, "enterprise"),
    ({"cadre": 10**9}, 400, "cadre"),
    ({"unknown": 1}, 422, None),
])
def test_bad_visit_bodies_save_nothing(tree, kw, status, field):
    r = api_as(tree.town1_cadre).post("/liaison-visits", _body(tree, **kw))
    assert r.status_code == status, r.content
    if field:
        assert r.json()["field"] == field
    assert not LiaisonVisit.objects.exists()


def test_future_visit_refused_with_code(tree):
    r = api_as(tree.town1_cadre).post("/liaison-visits", _body(tree, visited_on=(TODAY + DAY).isoformat()))
    assert r.status_code == 400 and r.json()["code"] == "date_in_future" and r.json()["field"] == "visited_on"


def test_scope_of_writes(tree):
    # another town's enterprise: not usable (400 on the field); a chair may see but not log (403)
    r = api_as(tree.town2_cadre).post("/liaison-visits", _body(tree))
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    r = api_as(tree.union1_chair).post("/liaison-visits", _body(tree))
    assert r.status_code == 403
    assert api_as(tree.member_user).post("/liaison-visits", _body(tree)).status_code == 400
    assert not LiaisonVisit.objects.exists()


def test_list_filters_and_detail_scope(tree):
    v1 = visit(tree.enterprise1, TODAY - 2 * DAY, topics=("SAFETY",))
    follow_up(v1, TODAY - DAY)
    v2 = visit(tree.enterprise2, TODAY, topics=("WAGES", "CONGRESS"))
    api = api_as(tree.district_staff)
    items = api.get("/liaison-visits").json()["items"]
    assert [i["id"] for i in items] == [v2.pk, v1.pk]
    assert items[1]["overdue_follow_ups"] == 1 and items[0]["topics"] == ["CONGRESS", "WAGES"]
    assert [i["id"] for i in api.get("/liaison-visits", {"topic": "SAFETY"}).json()["items"]] == [v1.pk]
    assert [i["id"] for i in api.get("/liaison-visits", {"org": tree.town2.pk}).json()["items"]] == [v2.pk]
    assert [i["id"] for i in api.get("/liaison-visits", {"open_follow_ups": True}).json()["items"]] == [v1.pk]
    assert [i["id"] for i in api.get("/liaison-visits", {"date_from": TODAY.isoformat()}).json()["items"]] == [v2.pk]
    assert api.get("/liaison-visits", {"topic": "BAD"}).status_code == 422
    chair = api_as(tree.union1_chair)
    assert [i["id"] for i in chair.get("/liaison-visits").json()["items"]] == [v1.pk]
    assert chair.get(f"/liaison-visits/{v1.pk}").json()["may_liaise"] is False
    assert chair.get(f"/liaison-visits/{v2.pk}").status_code == 404
    assert chair.get("/liaison-visits", {"org": tree.town2.pk}).json()["items"] == []
    page = api.get("/liaison-visits", {"limit": 1}).json()
    assert page["count"] == 2 and page["next_after"] == v2.pk
    assert [i["id"] for i in api.get("/liaison-visits", {"limit": 1, "after": v2.pk}).json()["items"]] == [v1.pk]


def test_follow_up_add_and_close(tree):
    v = visit(tree.enterprise1, TODAY - 3 * DAY)
    api = api_as(tree.town1_cadre)
    r = api.post(f"/liaison-visits/{v.pk}/follow-ups", {"action": "复查", "due_on": TODAY.isoformat(),
                                                        "owner_name": "张三"})
    assert r.status_code == 201, r.content
    fid = r.json()["follow_ups"][0]["id"]
    r = api.post(f"/liaison-visits/{v.pk}/follow-ups/{fid}/close", {"note": "已整改"})
    assert r.status_code == 200 and r.json()["follow_ups"][0]["status"] == "CLOSED"
    r = api.post(f"/liaison-visits/{v.pk}/follow-ups/{fid}/close", {"note": "again"})
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
    r = api.post(f"/liaison-visits/{v.pk}/follow-ups", {"action": "复查", "due_on": (TODAY - 4 * DAY).isoformat(),
                                                        "owner_name": "张三"})
    assert r.status_code == 400 and r.json()["field"] == "due_on"
    assert api_as(tree.union1_chair).post(f"/liaison-visits/{v.pk}/follow-ups/{fid}/close",
                                          {"note": "x"}).status_code == 403
    assert api_as(tree.town2_cadre).post(f"/liaison-visits/{v.pk}/follow-ups",
                                         {"action": "a", "due_on": TODAY.isoformat(),
                                          "owner_name": "x"}).status_code == 404
    other = visit(tree.enterprise1, TODAY)
    assert api.post(f"/liaison-visits/{other.pk}/follow-ups/{fid}/close", {"note": "x"}).status_code == 404
    assert LiaisonFollowUp.objects.count() == 1


def test_assignments_bulk_list_end(tree):
    top = EnterpriseFactory(town=tree.town1, top100=True)
    api = api_as(tree.town1_cadre)
    r = api.post("/liaison-assignments", {"cadre": tree.town1_cadre.pk, "starts_on": TODAY.isoformat(),
                                          "enterprises": [tree.enterprise1.pk, top.pk]})
    assert r.status_code == 201, r.content
    assert {i["enterprise"]["id"] for i in r.json()["items"]} == {tree.enterprise1.pk, top.pk}
    r = api.post("/liaison-assignments", {"cadre": tree.town1_cadre.pk, "starts_on": TODAY.isoformat(),
                                          "enterprises": [top.pk]})
    assert r.status_code == 409 and r.json()["code"] == "already_open"
    r = api.post("/liaison-assignments", {"cadre": tree.town1_cadre.pk, "starts_on": TODAY.isoformat(),
                                          "enterprises": [tree.enterprise2.pk]})
    assert r.status_code == 400 and r.json()["field"] == "enterprises"
    r = api.post("/liaison-assignments", {"cadre": tree.town2_cadre.pk, "starts_on": TODAY.isoformat(),
                                          "enterprises": [top.pk]})
    assert r.status_code == 400 and r.json()["field"] == "cadre"  # not a cadre town1 may pick
    listing = api.get("/liaison-assignments", {"top100": True}).json()
    assert [i["enterprise"]["id"] for i in listing["items"]] == [top.pk]
    assert api.get("/liaison-assignments", {"cadre": tree.town1_cadre.pk}).json()["count"] == 2
    aid = listing["items"][0]["id"]
    assert api.get(f"/liaison-assignments/{aid}").json()["status"] == "ACTIVE"
    assert api_as(tree.town2_cadre).get(f"/liaison-assignments/{aid}").status_code == 404
    r = api.post(f"/liaison-assignments/{aid}/end", {"ends_on": (TODAY - 400 * DAY).isoformat()})
    assert r.status_code == 400 and r.json()["field"] == "ends_on"
    r = api.post(f"/liaison-assignments/{aid}/end", {})
    assert r.status_code == 200 and r.json()["status"] == "ENDED" and r.json()["ends_on"] == TODAY.isoformat()
    assert api.get("/liaison-assignments", {"status": "ACTIVE"}).json()["count"] == 1
    chair_assignment = LiaisonAssignment.objects.get(enterprise=tree.enterprise1)
    assert api_as(tree.union1_chair).post(f"/liaison-assignments/{chair_assignment.pk}/end", {}).status_code == 403


@pytest.mark.parametrize("rows", [2, 15])
def test_list_endpoints_query_counts(tree, rows, django_assert_max_num_queries):
    for i in range(rows):
        e = EnterpriseFactory(town=tree.town1)
        v = visit(e, TODAY - i * DAY, topics=("WAGES", "SAFETY"))
        follow_up(v, TODAY)
        assignment(e, cadre=tree.town1_cadre)
    api = api_as(tree.town1_cadre)
    with django_assert_max_num_queries(9):
        assert len(api.get("/liaison-visits").json()["items"]) == rows
    with django_assert_max_num_queries(9):
        assert len(api.get("/liaison-assignments").json()["items"]) == rows
