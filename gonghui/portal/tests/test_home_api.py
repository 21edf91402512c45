"""GET /api/v1/my/membership: the caller's own membership, masked; nothing of anyone else."""

import pytest

from gonghui.core.testing.api import api_as
from gonghui.members.services import request_transfer
from gonghui.portal.testing.home import former_member, linked_member, worker_login

pytestmark = pytest.mark.django_db


def test_needs_credentials(db):
    assert api_as(None).get("/my/membership").status_code == 401


def test_member_gets_current_period_history_and_transfer(tree):
    person = linked_member(tree, name="王建国")
    live = person.memberships.get()
    request_transfer(actor=tree.union1_chair, membership=live, to_union=tree.union2, effective_on=live.joined_on,
                     reason="工作调动")
    tree.member(tree.union2, name="李四")  # someone else
    r = api_as(tree.member_user).get("/my/membership")
    assert r.status_code == 200
    body = r.json()
    assert body["member"] is True and body["person"]["name"] == "王建国"
    assert "*" in body["person"]["id_number_masked"] and person.id_number() not in r.content.decode()
    assert body["current"]["union_id"] == tree.union1.pk and body["current"]["status"] == "TRANSFER_PENDING"
    assert body["current"]["enterprise_id"] == tree.enterprise1.pk
    assert [p["union_id"] for p in body["periods"]] == [tree.union1.pk]
    assert body["pending_transfer"]["to_union"] == tree.union2.name
    assert body["card_url"] == "/services/my/card/"
    assert "李四" not in r.content.decode()


def test_worker_without_a_person_gets_member_false(tree):
    body = api_as(worker_login()).get("/my/membership").json()
    assert body == {"member": False, "person": None, "current": None, "member_since": None, "periods": [],
                    "pending_transfer": None, "transfers": [], "card_url": None}


def test_former_member_gets_history_without_current(tree):
    former_member(tree)
    body = api_as(tree.member_user).get("/my/membership").json()
    assert body["member"] is False and body["current"] is None and body["card_url"] is None
    assert [p["status"] for p in body["periods"]] == ["LEFT"]


def test_cadre_gets_member_false(tree):
    linked_member(tree)
    body = api_as(tree.union1_chair).get("/my/membership").json()
    assert body["member"] is False and body["person"] is None
