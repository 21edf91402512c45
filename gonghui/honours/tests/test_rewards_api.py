"""/skill-rewards: list (scope, filters, query count), create (idempotent, errors), workflow
actions (400 with code and field, 404 out of scope, 409 wrong stage), scan, batches, totals."""

import datetime

import pytest

from gonghui.core.testing.api import api_as
from gonghui.honours.models.rewards import RewardClaimStatus, SkillRewardClaim
from gonghui.honours.services import rewards as services
from gonghui.honours.testing.rewards import PDF, claim, worker

pytestmark = pytest.mark.django_db
S = RewardClaimStatus


def test_list_scoped_filtered_and_query_count(tree, django_assert_max_num_queries):
    for status in (S.SUBMITTED, S.APPROVED, S.PAID, S.DRAFT):
        claim(tree, status)
    claim(tree, S.SUBMITTED, org=tree.union2)
    api = api_as(tree.town1_cadre)
    with django_assert_max_num_queries(8) as few:
        r = api.get("/skill-rewards", {"limit": 2})
    assert r.status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):  # a full page of more rows: no query per row
        assert api.get("/skill-rewards").status_code == 200
    body = r.json()
    assert body["count"] == 4 and len(body["items"]) == 2 and body["next_after"]
    assert api.get("/skill-rewards", {"status": "PAID"}).json()["count"] == 1
    assert api.get("/skill-rewards", {"due": "payment"}).json()["count"] == 1
    assert api.get("/skill-rewards", {"org": tree.union2.pk}).json()["count"] == 0
    assert api.get("/skill-rewards", {"level": "LEVEL9"}).status_code == 422


def test_create_idempotent_and_errors(tree):
    person = worker(tree)
    api = api_as(tree.union1_chair)
    body = {"org": tree.union1.pk, "person": person.pk, "level": "LEVEL2", "trade": "钳工",
            "certificate_no": "33012026000123", "certificate_on": services.today().isoformat()}
    first = api.post("/skill-rewards", body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and first.json()["status"] == "DRAFT" and first.json()["amount"] == "3000.00"
    replay = api.post("/skill-rewards", body, **{"Idempotency-Key": "k-1"})
    assert replay.status_code == 201 and replay.json()["id"] == first.json()["id"]
    dup = api.post("/skill-rewards", body)
    assert dup.status_code == 400 and dup.json()["code"] == "duplicate_certificate"
    assert dup.json()["field"] == "certificate_no"
    other = api.post("/skill-rewards", {**body, "certificate_no": "X2026-0002", "person": worker(tree, tree.union2).pk})
    assert other.status_code == 400 and other.json()["field"] == "person"
    extra = api.post("/skill-rewards", {**body, "certificate_no": "X2026-0003", "amount": 99999})
    assert extra.status_code == 422
    assert SkillRewardClaim.objects.count() == 1


def test_workflow_actions_and_scan(tree):
    c = claim(tree, S.DRAFT, with_scan=False)
    union, town, district = api_as(tree.union1_chair), api_as(tree.town1_cadre), api_as(tree.district_staff)
    r = union.post(f"/skill-rewards/{c.pk}/submit", {})
    assert r.status_code == 400 and r.json()["code"] == "scan_missing"
    up = union.client.post(f"/api/v1/skill-rewards/{c.pk}/scan", {"file": _file()})
    assert up.status_code == 200 and up.json()["scan_name"] == "cert.pdf"
    assert union.get(f"/skill-rewards/{c.pk}/scan").status_code == 200
    assert union.post(f"/skill-rewards/{c.pk}/submit", {}).json()["status"] == "SUBMITTED"
    early = district.post(f"/skill-rewards/{c.pk}/district-review", {"decision": "approve"})
    assert early.status_code == 409 and early.json()["code"] == "wrong_stage"
    assert town.post(f"/skill-rewards/{c.pk}/town-review", {"decision": "pass"}).json()["status"] == "TOWN_PASSED"
    assert district.post(f"/skill-rewards/{c.pk}/district-review",
                         {"decision": "approve"}).json()["status"] == "APPROVED"
    paid = district.post("/skill-rewards/batches", {"claims": [c.pk], "paid_on": services.today().isoformat(),
                                                     "reference": "PAY-API-1"})
    assert paid.status_code == 201 and paid.json()["claims_count"] == 1
    batch_id = paid.json()["id"]
    assert district.get(f"/skill-rewards/batches/{batch_id}").status_code == 200
    assert district.get("/skill-rewards/batches").json()["count"] == 1
    assert district.get("/skill-rewards", {"batch": batch_id}).json()["count"] == 1
    assert town.get(f"/skill-rewards/batches/{batch_id}").status_code == 404
    totals = district.get("/skill-rewards/totals", {"year": services.today().year}).json()
    assert totals[0]["paid"] == "2000.00"


def test_edit_and_withdraw(tree):
    c = claim(tree, S.RETURNED)
    api = api_as(tree.union1_chair)
    r = api.post(f"/skill-rewards/{c.pk}/edit", {"level": "LEVEL1", "trade": "电工", "certificate_no": c.certificate_no,
                                                 "certificate_on": (services.today() - datetime.timedelta(days=3))
                                                 .isoformat()})
    assert r.status_code == 200 and r.json()["amount"] == "5000.00"
    assert api.post(f"/skill-rewards/{c.pk}/withdraw", {"reason": "重复申报"}).json()["status"] == "WITHDRAWN"


def _file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("cert.pdf", PDF, content_type="application/pdf")
