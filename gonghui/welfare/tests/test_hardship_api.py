"""/hardship-files: masked reads, the audited reveal (403 for union staff), create and workflow
actions with error codes, help records, out of scope = 404."""

import pytest

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.welfare.models.hardship import HardshipFile, HardshipStatus
from gonghui.welfare.services import hardship as services
from gonghui.welfare.testing.hardship import active, draft

pytestmark = pytest.mark.django_db


def test_list_and_detail_are_masked(tree):
    f = active(tree)
    draft(tree, union=tree.union2)
    api = api_as(tree.town1_cadre)
    body = api.get("/hardship-files", {"status": "ACTIVE"}).json()
    assert [x["id"] for x in body["items"]] == [f.pk]
    assert "reason" not in body["items"][0] and "annual_income" not in body["items"][0]
    d = api.get(f"/hardship-files/{f.pk}").json()
    assert d["masked"] is True and d["category"] == "DEEP" and "30000" not in str(d)
    assert api.get("/hardship-files", {"org": tree.union2.pk}).json()["items"] == []


def test_reveal(tree):
    f = draft(tree)
    r = api_as(tree.union1_chair).post(f"/hardship-files/{f.pk}/reveal")
    assert r.status_code == 200
    body = r.json()
    assert body["household_size"] == 3 and body["annual_income"] == "30000.00" and len(body["household"]) == 3
    assert AuditEvent.objects.filter(action="welfare.hardship_reveal").count() == 1
    assert api_as(tree.union1_staff).post(f"/hardship-files/{f.pk}/reveal").status_code == 403
    lines = api_as(tree.union1_staff).get(f"/hardship-files/{f.pk}").json()["lines"]  # what staff entered, masked
    assert [(x["part"], x["kind"]) for x in lines][-2:] == [("income", "WAGES"), ("cost", "MEDICAL")]
    assert "30000" not in str(lines) and "家属" not in str(lines)
    assert api_as(tree.union2_chair).post(f"/hardship-files/{f.pk}/reveal").status_code == 404


def test_create_and_workflow(tree):
    person = tree.member().person
    chair, cadre = api_as(tree.union1_chair), api_as(tree.town1_cadre)
    r = chair.post("/hardship-files", {"org": tree.union1.pk, "person": person.pk, "reason": "因病致困"})
    assert r.status_code == 201, r.json()
    fid = r.json()["id"]
    r = chair.post(f"/hardship-files/{fid}/incomes", {"kind": "WAGES", "annual_amount": "90000"})
    assert r.status_code == 200
    r = chair.post(f"/hardship-files/{fid}/submit", {})
    assert r.status_code == 400 and r.json()["code"] == "not_eligible"
    r = chair.post(f"/hardship-files/{fid}/household", {"name": "李四", "relation": "SPOUSE", "birth_year": 1980})
    assert r.status_code == 200
    r = chair.post(f"/hardship-files/{fid}/costs", {"kind": "MEDICAL", "annual_amount": "70000"})
    assert r.json()["computed_category"] == "DEEP"
    assert chair.post(f"/hardship-files/{fid}/submit", {}).status_code == 200
    r = chair.post(f"/hardship-files/{fid}/review", {"decision": "ACCEPTED"})
    assert r.status_code == 403
    r = cadre.post(f"/hardship-files/{fid}/review", {"decision": "ACCEPTED"})
    assert r.status_code == 200 and r.json()["status"] == "ACTIVE"
    r = cadre.post(f"/hardship-files/{fid}/help-records", {"kind": "VISIT", "given_on": services.today().isoformat(),
                                                           "amount": "200.00", "note": "走访"})
    assert r.status_code == 200 and len(r.json()["help_records"]) == 1
    assert len(cadre.get(f"/hardship-files/{fid}/help-records").json()) == 1
    r = cadre.post(f"/hardship-files/{fid}/yearly-review", {})
    assert r.status_code == 200 and r.json()["status"] == "ACTIVE"
    r = cadre.post(f"/hardship-files/{fid}/exit", {"kind": "OWN_REQUEST"})
    assert r.json()["status"] == "EXITED"


def test_bad_input(tree):
    f = draft(tree)
    api = api_as(tree.union1_chair)
    r = api.post(f"/hardship-files/{f.pk}/incomes", {"kind": "WAGES", "annual_amount": "-1"})
    assert r.status_code == 422
    r = api.post("/hardship-files", {"org": tree.union2.pk, "person": tree.member().person.pk, "reason": "x"})
    assert r.status_code == 400 and r.json()["field"] == "org"
    r = api.post("/hardship-files", {"org": tree.union1.pk, "person": f.person.pk, "reason": "x"})
    assert r.status_code == 400 and r.json()["code"] == "open_file_exists"
    r = api.post(f"/hardship-files/{f.pk}/review", {"decision": "ACCEPTED"})
    assert r.status_code == 403
    assert HardshipFile.objects.get(pk=f.pk).status == HardshipStatus.DRAFT
