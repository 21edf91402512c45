"""/campaigns, /campaign-applications, /campaign-payments: scoped reads, a union's application,
eligibility refusals with one item per reason, the chain to payment, budget and stage refusals."""

import pytest
from django.utils import timezone

from gonghui.core.testing.api import api_as
from gonghui.welfare.testing.campaigns import CHILD, approved, campaign, reviewed

pytestmark = pytest.mark.django_db


def test_campaigns_list_and_budgets(tree):
    c = campaign(tree)
    approved(tree, c)
    api = api_as(tree.town1_cadre)
    body = api.get("/campaigns", {"kind": "GOLDEN_AUTUMN"}).json()
    assert [x["id"] for x in body["items"]] == [c.pk]
    detail = api.get(f"/campaigns/{c.pk}").json()
    town1 = next(b for b in detail["budgets"] if b["org"]["id"] == tree.town1.pk)
    assert (town1["allocated"], town1["approved"], town1["remaining"]) == ("20000.00", "5000.00", "15000.00")
    assert api_as(tree.outsider).get(f"/campaigns/{c.pk}").status_code == 404
    # Budget lines by role: the district all, a town its own, a union its town's — never another town's.
    lines = {name: {b["org"]["id"] for b in api_as(getattr(tree, name)).get(f"/campaigns/{c.pk}").json()["budgets"]}
             for name in ("district_staff", "town1_cadre", "town2_cadre", "union1_chair")}
    assert lines == {"district_staff": {tree.town1.pk, tree.town2.pk}, "town1_cadre": {tree.town1.pk},
                     "town2_cadre": {tree.town2.pk}, "union1_chair": {tree.town1.pk}}


def test_list_totals_by_role(tree, django_assert_max_num_queries):
    c = campaign(tree, budgets={tree.town1: "20000", tree.town2: "30000"})
    approved(tree, c)
    figures = {}
    for name in ("district_staff", "town1_cadre", "union1_chair"):
        row = next(x for x in api_as(getattr(tree, name)).get("/campaigns").json()["items"] if x["id"] == c.pk)
        figures[name] = (row["allocated"], row["approved"], row["paid"], row["remaining"])
    assert figures == {"district_staff": ("50000.00", "5000.00", "0.00", "45000.00"),
                       "town1_cadre": ("20000.00", "5000.00", "0.00", "15000.00"),
                       "union1_chair": ("20000.00", "5000.00", "0.00", "15000.00")}
    api = api_as(tree.union1_chair)
    with django_assert_max_num_queries(100) as one:
        api.get("/campaigns")
    for _ in range(3):
        campaign(tree)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api.get("/campaigns").json()["items"]) == 4


def test_refusal_lists_every_reason(tree):
    c = campaign(tree, hardship_required=True, migrant_required=True)
    person = tree.member(is_migrant=False).person
    r = api_as(tree.union1_chair).post("/campaign-applications", {"campaign": c.pk, "union": tree.union1.pk,
                                                                  "person": person.pk})
    body = r.json()
    assert r.status_code == 400 and body["code"] == "not_eligible"
    codes = {e["code"] for e in body["errors"]}
    assert {"no_hardship_file", "not_migrant", "required"} <= codes
    bad = api_as(tree.union1_chair).post("/campaign-applications", {"campaign": c.pk, "union": tree.union1.pk,
                                                                    "person": person.pk, "ticket_cost": "-5"})
    assert bad.status_code == 422


def test_chain_to_payment_and_the_ledger(tree):
    c = campaign(tree)
    person = tree.member().person
    union = api_as(tree.union1_chair)
    r = union.post("/campaign-applications", {"campaign": c.pk, "union": tree.union1.pk, "person": person.pk,
                                              **CHILD})
    assert r.status_code == 201
    x = r.json()
    assert (x["status"], x["amount"], x["actions"]["withdraw"]) == ("SUBMITTED", "5000.00", True)
    again = union.post("/campaign-applications", {"campaign": c.pk, "union": tree.union1.pk, "person": person.pk,
                                                  **CHILD})
    assert again.status_code == 400 and again.json()["code"] == "once_a_year"
    assert api_as(tree.district_staff).post(f"/campaign-applications/{x['id']}/approve", {}).status_code == 409
    assert api_as(tree.town1_cadre).post(f"/campaign-applications/{x['id']}/review", {}).json()["status"] \
        == "TOWN_REVIEWED"
    district = api_as(tree.district_staff)
    assert district.post(f"/campaign-applications/{x['id']}/approve", {}).json()["status"] == "APPROVED"
    paid = district.post(f"/campaign-applications/{x['id']}/pay", {"paid_on": timezone.localdate().isoformat(),
                                                                    "method": "BANK", "reference": "ZH-1"}).json()
    assert paid["status"] == "PAID" and paid["payment"]["amount"] == "5000.00"
    ledger = api_as(tree.union1_staff).get("/campaign-payments").json()
    assert [p["application"]["name"] for p in ledger["items"]] == [x["number"]]
    assert api_as(tree.union2_chair).get("/campaign-payments").json()["items"] == []


def test_over_budget_approval_is_400(tree):
    c = campaign(tree, budgets={tree.town1: "5000"})
    approved(tree, c)
    x = reviewed(tree, c)
    r = api_as(tree.district_staff).post(f"/campaign-applications/{x.pk}/approve", {})
    assert r.status_code == 400 and r.json()["code"] == "over_budget"
    lst = api_as(tree.district_staff).get("/campaign-applications", {"status": "TOWN_REVIEWED"}).json()
    assert [i["id"] for i in lst["items"]] == [x.pk]
