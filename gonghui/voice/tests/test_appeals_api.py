"""/appeals: list with filters and keyset pages, detail with the whole history (internal lines
included for cadres), the workflow actions, refusals with codes, scope (404 outside)."""

import pytest

from gonghui.core.testing.api import api_as
from gonghui.voice.models.appeals import Appeal
from gonghui.voice.testing.appeals import appeal

pytestmark = pytest.mark.django_db


def test_list_detail_and_actions(tree):
    a = appeal(tree, phone="13912345678")
    for _ in range(3):
        appeal(tree)
    appeal(tree, org=tree.union2)
    api = api_as(tree.town1_cadre)
    r = api.get("/appeals", {"limit": 2})
    body = r.json()
    assert r.status_code == 200 and body["count"] == 4 and len(body["items"]) == 2 and body["next_after"]
    assert api.get("/appeals", {"q": a.number}).json()["items"][0]["phone_masked"] == "139****5678"
    assert api.get("/appeals", {"town": tree.town2.pk}).json()["count"] == 0
    assert api.post(f"/appeals/{a.pk}/accept", {}).status_code == 200
    assert api.post(f"/appeals/{a.pk}/accept", {}).status_code == 409
    assert api.post(f"/appeals/{a.pk}/note", {"text": "内部记录"}).status_code == 200
    r = api.post(f"/appeals/{a.pk}/reply", {"text": "已受理"})
    events = r.json()["events"]
    assert [(e["kind"], e["public"]) for e in events][-2:] == [("NOTE", False), ("REPLY", True)]
    r = api.post(f"/appeals/{a.pk}/transfer", {"to_org": tree.union2.pk, "reason": "x"})
    assert r.status_code == 400
    r = api.post(f"/appeals/{a.pk}/transfer", {"to_org": tree.union1b.pk, "reason": ""})
    assert r.status_code == 400
    r = api.post(f"/appeals/{a.pk}/close", {"result": "RESOLVED", "result_text": "已补发工资"})
    assert r.status_code == 200 and r.json()["status"] == "CLOSED" and r.json()["closed_on_time"] is True


def test_transfer_up_and_dispatch(tree):
    a = appeal(tree)
    api = api_as(tree.union1_chair)
    r = api.post(f"/appeals/{a.pk}/transfer", {"to_org": tree.town1.pk, "reason": "需街道协调"})
    assert r.status_code == 200 and Appeal.objects.get(pk=a.pk).org == tree.town1
    assert api.get(f"/appeals/{a.pk}").status_code == 404  # now above the union
    town = api_as(tree.town1_cadre)
    r = town.post(f"/appeals/{a.pk}/dispatch", {"to_org": tree.union1b.pk, "note": "请处理"})
    assert r.status_code == 200 and r.json()["org"]["id"] == tree.union1b.pk
    r = town.post(f"/appeals/{a.pk}/dispatch", {"to_org": tree.union2.pk})
    assert r.status_code in (400, 404)


def test_out_of_scope_is_404(tree):
    a = appeal(tree)
    api = api_as(tree.union2_chair)
    assert api.get(f"/appeals/{a.pk}").status_code == 404
    assert api.post(f"/appeals/{a.pk}/accept", {}).status_code == 404
