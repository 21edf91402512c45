"""The joins API: the worker's request (201, field errors, Idempotency-Key replay, latest, withdraw),
the enterprise directory, the cadres' list/detail (scope, filters, masking) and decisions (409 when
decided meanwhile), and the member's transfer request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import EnterpriseFactory, add_org
from gonghui.members.models import Person, Transfer
from gonghui.orgs.models import OrgLevel, UnionKind
from gonghui.portal.models.joins import JoinRequest
from gonghui.portal.testing.joins import id_number, join_request, worker

pytestmark = pytest.mark.django_db


def body(tree, **extra):
    data = {"name": "周敏", "id_number": id_number(), "phone": "13655556666", "enterprise": tree.enterprise1.pk,
            "consent": True}
    data.update(extra)
    return data


def test_a_worker_sends_follows_and_withdraws_a_request(tree):
    api = api_as(worker())
    assert api.get("/my/join-request").status_code == 404
    sent = api.post("/my/join-request", body(tree))
    assert sent.status_code == 201, sent.content
    out = sent.json()
    assert out["status"] == "PENDING" and out["org"] == tree.union1.name and out["can_withdraw"]
    assert "*" in out["id_number_masked"]
    assert api.get("/my/join-request").json()["id"] == out["id"]
    again = api.post("/my/join-request", body(tree))
    assert again.status_code == 409 and again.json()["code"] == "already_open"
    withdrawn = api.post("/my/join-request/withdraw", {})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "WITHDRAWN"
    assert api.post("/my/join-request/withdraw", {}).status_code == 404


def test_bad_fields_are_listed_and_nothing_is_saved(tree):
    api = api_as(worker())
    r = api.post("/my/join-request", body(tree, id_number="330109199605010011", enterprise=None, consent=False))
    assert r.status_code == 400
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"id_number", "enterprise_name", "consent"} <= fields
    r = api.post("/my/join-request", body(tree, enterprise=999999))
    assert r.status_code == 400 and r.json()["field"] == "enterprise"
    r = api.post("/my/join-request", {**body(tree), "extra": 1})
    assert r.status_code == 422
    assert not JoinRequest.objects.exists()


def test_idempotency_key_replays_the_first_answer(tree):
    api = api_as(worker())
    payload = body(tree)
    first = api.post("/my/join-request", payload, **{"Idempotency-Key": "k-1"})
    second = api.post("/my/join-request", payload, **{"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true" and first.json() == second.json()
    assert JoinRequest.objects.count() == 1


def test_the_enterprise_directory(tree):
    api = api_as(worker())
    found = api.get("/join-enterprises", {"q": tree.enterprise1.name}).json()
    assert [e["id"] for e in found] == [tree.enterprise1.pk] and found[0]["has_union"] is True
    assert api.get("/join-enterprises", {"q": "x"}).json() == []  # too short
    assert api_as(None).get("/join-enterprises", {"q": "测试"}).status_code == 401


def test_cadres_list_their_subtree_masked(tree):
    j1 = join_request(enterprise=tree.enterprise1, name="甲", phone="13611112222")
    join_request(enterprise=tree.enterprise2, name="乙")
    r = api_as(tree.town1_cadre).get("/join-requests")
    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["id"] for i in items] == [j1.pk]
    assert items[0]["phone_masked"] == "136****2222" and "13611112222" not in r.content.decode()
    assert j1.id_number() not in r.content.decode()
    assert len(api_as(tree.district_staff).get("/join-requests").json()["items"]) == 2
    # a filter org outside the caller's reach matches nothing
    assert api_as(tree.town1_cadre).get("/join-requests", {"org": tree.union2.pk}).json()["items"] == []
    assert api_as(tree.town1_cadre).get("/join-requests", {"status": "APPROVED"}).json()["items"] == []
    assert api_as(tree.town2_cadre).get(f"/join-requests/{j1.pk}").status_code == 404
    assert api_as(tree.member_user).get("/join-requests").status_code == 403


def test_approve_and_reject_through_the_api(tree):
    user = worker()
    j = join_request(account=user, enterprise=tree.enterprise1)
    detail = api_as(tree.union1_chair).get(f"/join-requests/{j.pk}").json()
    assert detail["actions"] == {"approve": True, "reject": True, "choose_union": False}
    r = api_as(tree.union1_chair).post(f"/join-requests/{j.pk}/approve", {})
    assert r.status_code == 200 and r.json()["status"] == "APPROVED" and r.json()["membership_id"]
    assert Person.objects.get(account=user)
    again = api_as(tree.union1_chair).post(f"/join-requests/{j.pk}/reject", {"reason": "重复"})
    assert again.status_code == 409 and again.json()["code"] == "wrong_stage"
    other = join_request(enterprise=tree.enterprise1)
    r = api_as(tree.union1_chair).post(f"/join-requests/{other.pk}/reject", {"reason": ""})
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = api_as(tree.union1_chair).post(f"/join-requests/{other.pk}/reject", {"reason": "非本企业职工"})
    assert r.status_code == 200 and r.json()["status"] == "REJECTED"
    # another union's chair does not see it: 404 like a missing one
    third = join_request(enterprise=tree.enterprise1)
    assert api_as(tree.union2_chair).post(f"/join-requests/{third.pk}/approve", {}).status_code == 404


def test_a_town_routed_approval_names_the_union(tree):
    joint = add_org(tree.town1, "城厢联合工会", OrgLevel.GRASSROOTS, union_kind=UnionKind.JOINT)
    j = join_request(enterprise=EnterpriseFactory(town=tree.town1, union=None))
    api = api_as(tree.town1_cadre)
    detail = api.get(f"/join-requests/{j.pk}").json()
    assert detail["actions"]["choose_union"] and detail["unions"][0]["id"] == joint.pk
    r = api.post(f"/join-requests/{j.pk}/approve", {})
    assert r.status_code == 400 and r.json()["code"] == "union_required"
    r = api.post(f"/join-requests/{j.pk}/approve", {"union": tree.union2.pk})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    r = api.post(f"/join-requests/{j.pk}/approve", {"union": joint.pk})
    assert r.status_code == 200 and r.json()["union"]["id"] == joint.pk


def test_a_member_asks_for_a_transfer(tree):
    m = tree.member(tree.union1)
    user = worker()
    Person.objects.filter(pk=m.person_id).update(account=user)
    api = api_as(user)
    r = api.post("/my/transfer-request", {"enterprise": tree.enterprise2.pk})
    assert r.status_code == 201, r.content
    assert r.json()["to_union"] == tree.union2.name and r.json()["status"] == "PENDING"
    assert Transfer.objects.get().requested_by == user
    r = api.post("/my/transfer-request", {"enterprise": tree.enterprise1.pk})
    assert r.status_code == 409 and r.json()["code"] == "already_open"
    r = api_as(worker()).post("/my/transfer-request", {"enterprise": tree.enterprise2.pk})
    assert r.status_code == 400 and r.json()["code"] == "not_member"


def test_the_list_endpoint_costs_the_same_queries_for_more_rows(tree):
    for _i in range(3):
        join_request(enterprise=tree.enterprise1)
    api = api_as(tree.town1_cadre)
    api.get("/join-requests")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert len(api.get("/join-requests").json()["items"]) == 3
    for _i in range(12):
        join_request(enterprise=EnterpriseFactory(town=tree.town1, union=None))
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/join-requests").json()["items"]) == 15
    assert len(many) == len(few) <= 6
