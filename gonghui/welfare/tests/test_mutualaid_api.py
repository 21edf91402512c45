"""/mutual-aid-plans, /mutual-aid-enrolments, /mutual-aid-claims: scoped lists with a fixed query
count, create with specific 400s (duplicates, caps), the workflow actions (409 on a wrong stage),
404 out of scope, the diagnosis masked in lists."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.testing.api import api_as
from gonghui.welfare.models.mutualaid import MutualAidEnrolment
from gonghui.welfare.services import mutualaid as services
from gonghui.welfare.testing.mutualaid import claim, covered, pdf, plan

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_plans_read_by_every_role_written_by_the_district(tree):
    p = plan(tree, open_=False)
    assert api_as(tree.union1_staff).get("/mutual-aid-plans").json()["items"][0]["id"] == p.pk
    assert api_as(tree.member_user).get(f"/mutual-aid-plans/{p.pk}").status_code == 404
    assert api_as(tree.town1_cadre).post(f"/mutual-aid-plans/{p.pk}/open", {}).status_code == 403
    r = api_as(tree.district_staff).post(f"/mutual-aid-plans/{p.pk}/open", {})
    assert r.status_code == 200 and r.json()["status"] == "OPEN"
    assert api_as(tree.district_staff).post(f"/mutual-aid-plans/{p.pk}/open", {}).status_code == 409
    body = {k: str(v) if not isinstance(v, int) else v for k, v in r.json().items() if k not in ("id", "status")}
    r = api_as(tree.district_staff).post("/mutual-aid-plans", {**body, "year": p.year})
    assert r.status_code == 400 and r.json()["code"] == "plan_exists"
    r = api_as(tree.district_staff).post("/mutual-aid-plans", {**body, "year": p.year + 1,
                                                               "coverage_starts": f"{p.year + 1}-01-01",
                                                               "coverage_ends": f"{p.year + 1}-12-31"})
    assert r.status_code == 201, r.content


def test_enrol_and_pay(tree):
    p = plan(tree)
    a, b = tree.member().person, tree.member().person
    outsider = tree.member(union=tree.union2).person
    api = api_as(tree.union1_chair)
    r = api.post("/mutual-aid-enrolments", {"plan": p.pk, "union": tree.union1.pk, "people": [a.pk, outsider.pk]})
    assert r.status_code == 400 and r.json()["code"] == "not_a_member"
    assert api.post("/mutual-aid-enrolments", {"plan": p.pk, "union": tree.union2.pk}).status_code == 400
    r = api.post("/mutual-aid-enrolments", {"plan": p.pk, "union": tree.union1.pk})
    assert r.status_code == 201 and r.json()["people"] == 2 and r.json()["amount_due"] == "60.00"
    e = MutualAidEnrolment.objects.get()
    assert {c["person"] for c in r.json()["coverages"]} == {a.pk, b.pk}
    assert api.post(f"/mutual-aid-enrolments/{e.pk}/pay", {"paid_on": "2026-01-01", "reference": "x"}).status_code \
        == 403
    town = api_as(tree.town1_cadre)
    r = town.post(f"/mutual-aid-enrolments/{e.pk}/pay", {"paid_on": services.today().isoformat(),
                                                         "reference": "ZH1", "amount": "50.00"})
    assert r.status_code == 400 and r.json()["code"] == "amount_mismatch"
    r = town.post(f"/mutual-aid-enrolments/{e.pk}/pay", {"paid_on": services.today().isoformat(), "reference": "ZH1"})
    assert r.status_code == 200 and r.json()["status"] == "PAID"
    assert api_as(tree.town2_cadre).get(f"/mutual-aid-enrolments/{e.pk}").status_code == 404
    assert [x["id"] for x in api_as(tree.town2_cadre).get("/mutual-aid-enrolments").json()["items"]] == []


def test_claims_list_scoped_masked_and_queries_do_not_grow(tree, django_assert_max_num_queries):
    p = plan(tree)
    (a,) = covered(tree, p)
    (b,) = covered(tree, p, union=tree.union2)
    ca, cb = claim(tree, a), claim(tree, b)
    api = api_as(tree.district_staff)
    api.get("/mutual-aid-claims")
    with django_assert_max_num_queries(12) as few:
        r = api.get("/mutual-aid-claims")
    items = r.json()["items"]
    assert {x["id"] for x in items} == {ca.pk, cb.pk}
    assert all(x["diagnosis_masked"] != "急性阑尾炎" and "diagnosis" not in x for x in items)
    for _ in range(3):
        (x,) = covered(tree, p, union=tree.union1b)
        claim(tree, x)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/mutual-aid-claims").json()["items"]) == 5
    assert [x["id"] for x in api_as(tree.town2_cadre).get("/mutual-aid-claims").json()["items"]] == [cb.pk]
    assert api.get("/mutual-aid-claims", {"due": "bogus"}).status_code in (400, 422)
    assert api_as(tree.town2_cadre).get(f"/mutual-aid-claims/{ca.pk}").status_code == 404


def test_claim_create_duplicates_and_workflow(tree):
    p = plan(tree)
    (cov,) = covered(tree, p)
    api = api_as(tree.union1_staff)
    t = services.today()
    body = {"coverage": cov.pk, "kind": "HOSPITAL", "hospital": "萧山医院", "admitted_on": (t - 9 * DAY).isoformat(),
            "discharged_on": (t - 4 * DAY).isoformat(), "diagnosis": "骨折", "invoice_numbers": ["B0001"],
            "total_cost": "9000.00", "eligible_cost": "6500.00"}
    r = api.post("/mutual-aid-claims", {**body, "eligible_cost": "9500.00"})
    assert r.status_code == 400 and r.json()["code"] == "eligible_above_total"
    r = api.post("/mutual-aid-claims", body)
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["diagnosis"] == "骨折" and d["actions"]["submit"] and d["remaining_cap"] == "20000.00"
    r = api.post("/mutual-aid-claims", {**body, "admitted_on": (t - 5 * DAY).isoformat(), "invoice_numbers": ["C0009"]})
    assert r.status_code == 400 and r.json()["code"] == "duplicate_stay"
    r = api.post("/mutual-aid-claims", {**body, "admitted_on": (t - 3 * DAY).isoformat(),
                                        "discharged_on": (t - 2 * DAY).isoformat()})
    assert r.status_code == 400 and r.json()["code"] == "duplicate_invoice" and d["number"] in r.json()["message"]
    assert api_as(tree.union2_chair).post("/mutual-aid-claims", body).status_code == 400  # coverage out of scope
    cid = d["id"]
    assert api.post(f"/mutual-aid-claims/{cid}/submit", {}).json()["code"] == "documents_missing"
    url = f"/api/v1/mutual-aid-claims/{cid}/documents"
    r = api.client.post(url, {"file": SimpleUploadedFile("x.pdf", b"GIF89a....")})
    assert r.status_code == 400 and r.json()["field"] == "file"
    assert api_as(tree.union2_chair).client.post(url, {"file": pdf()}).status_code == 404
    r = api.client.post(url, {"file": pdf()})
    assert r.status_code == 200 and r.json()["documents"][0]["kind"] == "pdf"
    download = f"/mutual-aid-claims/{cid}/documents/{r.json()['documents'][0]['id']}"
    r = api_as(tree.town1_cadre).get(download)
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert api_as(tree.town2_cadre).get(download).status_code == 404
    assert api.post(f"/mutual-aid-claims/{cid}/submit", {}).status_code == 200
    assert api.post(f"/mutual-aid-claims/{cid}/review", {}).status_code == 403
    assert api_as(tree.town1_cadre).post(f"/mutual-aid-claims/{cid}/review", {"note": "ok"}).status_code == 200
    assert api_as(tree.town1_cadre).post(f"/mutual-aid-claims/{cid}/approve", {}).status_code == 403
    district = api_as(tree.district_staff)
    r = district.post(f"/mutual-aid-claims/{cid}/approve", {})
    assert r.status_code == 200 and r.json()["approved_amount"] == "3000.00"
    r = district.post(f"/mutual-aid-claims/{cid}/pay", {"paid_on": t.isoformat(), "reference": "PAY-2"})
    assert r.status_code == 200 and r.json()["payout"]["amount"] == "3000.00"
    assert district.post(f"/mutual-aid-claims/{cid}/pay", {"paid_on": t.isoformat(), "reference": "x"}).status_code \
        == 409
