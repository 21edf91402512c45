"""/api/v1/foundings: list (scoped, filtered, keyset, fixed queries), detail, create with
specific 400s, workflow actions (409 wrong stage, 403 not allowed, 404 out of scope)."""

import pytest

from gonghui.core.testing.api import api_as
from gonghui.grassroots.models import FoundingApplication, FoundingStatus
from gonghui.grassroots.testing.foundings import TODAY, application, bare_enterprise, joint_union
from gonghui.orgs.models import Enterprise, Org

pytestmark = pytest.mark.django_db


def _body(ent, **overrides):
    body = {"enterprise": ent.pk, "applicant_kind": "WORKERS", "contact_name": "王联络", "contact_phone": "13912345678",
            "members_count": 30, "form": "COMMITTEE", "meeting_on": TODAY.isoformat(), "term_years": 3,
            "chair_name": "李主席", "vice_chairs": ["赵副"], "committee_members": ["钱一"]}
    body.update(overrides)
    return body


def test_create_and_walk_the_workflow(tree):
    ent = bare_enterprise(tree.town1)
    cadre, district = api_as(tree.town1_cadre), api_as(tree.district_staff)
    response = cadre.post("/foundings", _body(ent, submit_on=TODAY.isoformat()), **{"Idempotency-Key": "k1"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "SUBMITTED" and data["contact_phone"] == "139****5678"
    assert data["actions"]["review"] and data["actions"]["return_to_applicant"]
    assert not data["actions"]["register_union"]
    replay = cadre.post("/foundings", _body(ent, submit_on=TODAY.isoformat()), **{"Idempotency-Key": "k1"})
    assert replay.json()["id"] == data["id"] and FoundingApplication.objects.count() == 1
    pk, day = data["id"], TODAY.isoformat()
    assert cadre.post(f"/foundings/{pk}/review", {"reviewed_on": day}).json()["status"] == "REVIEWED"
    approve = {"approved_on": day, "decision_no": "萧工复〔2026〕5号"}
    assert cadre.post(f"/foundings/{pk}/approve", approve).status_code == 200
    assert cadre.post(f"/foundings/{pk}/register", {"registered_on": day, "legal_cert_no": "X1"}).status_code == 403
    response = district.post(f"/foundings/{pk}/register", {"registered_on": day, "legal_cert_no": "工法证字第5号"})
    assert response.status_code == 200, response.content
    union = Org.objects.get(pk=response.json()["union"]["id"])
    assert Enterprise.objects.get(pk=ent.pk).union_id == union.pk
    assert district.post(f"/foundings/{pk}/withdraw", {"withdrawn_on": day}).json()["code"] == "wrong_stage"


def test_create_refusals_are_specific(tree):
    cadre = api_as(tree.town1_cadre)
    ent = bare_enterprise(tree.town1, headcount=80)
    response = cadre.post("/foundings", _body(ent, members_count=20))
    assert response.status_code == 400 and (response.json()["code"], response.json()["field"]) == ("form_mismatch",
                                                                                                   "form")
    response = cadre.post("/foundings", _body(bare_enterprise(tree.town2)))
    assert response.status_code == 400 and response.json()["code"] == "unknown_reference"
    assert response.json()["field"] == "enterprise"
    response = cadre.post("/foundings", _body(ent, members_count=10, form="JOINT",
                                              joint_union=joint_union(tree.town2).pk, meeting_on=None,
                                              term_years=None, chair_name="", vice_chairs=[], committee_members=[]))
    assert response.status_code == 400 and response.json()["field"] == "joint_union"
    assert cadre.post("/foundings", _body(ent, term_years=4)).status_code == 422
    assert cadre.post("/foundings", _body(ent, extra="x")).status_code == 422
    assert cadre.post("/foundings", _body(ent, contact_phone="1\x00")).status_code == 422
    assert not FoundingApplication.objects.exists()


def test_detail_and_actions_are_scoped(tree):
    a = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED)
    assert api_as(tree.town2_cadre).get(f"/foundings/{a.pk}").status_code == 404
    assert api_as(tree.union1_chair).get(f"/foundings/{a.pk}").status_code == 404
    assert api_as(tree.town2_cadre).post(f"/foundings/{a.pk}/review",
                                         {"reviewed_on": TODAY.isoformat()}).status_code == 404
    assert api_as(tree.town1_cadre).get(f"/foundings/{a.pk}").json()["vice_chairs"] == ["赵副"]
    assert api_as(tree.town1_cadre).get("/foundings/99999999").status_code == 404
    response = api_as(tree.town1_cadre).post(f"/foundings/{a.pk}/return", {"returned_on": TODAY.isoformat(),
                                                                          "reason": ""})
    assert response.status_code == 400 and response.json()["field"] == "reason"
    assert FoundingApplication.objects.get(pk=a.pk).status == FoundingStatus.SUBMITTED


@pytest.mark.parametrize("rows", [2, 10])
def test_list_is_scoped_filtered_and_its_queries_do_not_grow(tree, rows, django_assert_max_num_queries):
    for n in range(rows):
        application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED if n % 2 else
                    FoundingStatus.DRAFT)
        bare_enterprise(tree.town2)
    application(tree.town2_cadre, bare_enterprise(tree.town2), FoundingStatus.SUBMITTED)
    client = api_as(tree.town1_cadre)
    with django_assert_max_num_queries(16):
        data = client.get("/foundings", {"limit": 5}).json()
    assert data["count"] == rows and len(data["items"]) == min(5, rows)
    assert {i["town"]["id"] for i in data["items"]} == {tree.town1.pk}
    assert client.get("/foundings", {"status": "SUBMITTED"}).json()["count"] == rows // 2
    assert client.get("/foundings", {"org": tree.town2.pk}).json()["count"] == 0
    if data["next_after"]:
        assert client.get("/foundings", {"limit": 5, "after": data["next_after"]}).json()["items"]
    with django_assert_max_num_queries(16):
        unorganised = api_as(tree.district_staff).get("/foundings/unorganised-enterprises", {"limit": 50}).json()
    assert unorganised["count"] == 2 * rows + 1  # town1's with a draft or submitted application, town2's
    assert sum(1 for i in unorganised["items"] if i["open_application"]) == rows + 1


def test_no_token_is_401(tree):
    assert api_as(None).get("/foundings").status_code == 401


def test_edit_a_returned_application(tree):
    a = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.RETURNED)
    body = _body(a.enterprise, members_count=55)
    del body["enterprise"]
    response = api_as(tree.town1_cadre).post(f"/foundings/{a.pk}/edit", body)
    assert response.status_code == 200, response.content
    assert response.json()["members_count"] == 55 and response.json()["status"] == "RETURNED"
    refused = api_as(tree.town1_cadre).post(f"/foundings/{a.pk}/edit", {**body, "members_count": 5})
    assert (refused.status_code, refused.json()["field"]) == (400, "form")
    submitted = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED)
    response = api_as(tree.town1_cadre).post(f"/foundings/{submitted.pk}/edit", body)
    assert (response.status_code, response.json()["code"]) == (409, "wrong_stage")
