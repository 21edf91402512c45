"""/home-assessments and /home-standards: list (scoped, filtered, fixed query count), detail with
figures, create with specific errors, the workflow end to end, and the standards read."""

import pytest

from gonghui.core.testing.api import api_as
from gonghui.grassroots.models.homes import HomeAssessment, HomeAssessmentStatus
from gonghui.grassroots.services import homes as services
from gonghui.grassroots.testing.homes import assessment, full_scores, published_standard

pytestmark = pytest.mark.django_db


def _scores(a, points=None):
    return {code: {"score": s["score"]} for code, s in full_scores(a, points).items()}


def test_list_is_scoped_filtered_and_its_queries_do_not_grow(tree, django_assert_max_num_queries):
    published_standard(tree.district_staff, pass_mark=30)
    assessment(tree, HomeAssessmentStatus.AWARDED)
    assessment(tree, HomeAssessmentStatus.SUBMITTED, org=tree.union2)
    api = api_as(tree.district_staff)
    api.get("/home-assessments")  # warm the token
    with django_assert_max_num_queries(8) as few:
        body = api.get("/home-assessments").json()
    assert body["count"] == 2
    assessment(tree, HomeAssessmentStatus.DRAFT, org=tree.union1b)
    assessment(tree, HomeAssessmentStatus.DRAFT, org=tree.union1, level="CITY")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/home-assessments").json()["count"] == 4
    assert api.get("/home-assessments", {"status": "AWARDED"}).json()["items"][0]["certificate_no"]
    assert api.get("/home-assessments", {"org": tree.town2.pk}).json()["count"] == 1
    assert api.get("/home-assessments", {"due": "nonsense"}).status_code == 422
    town1 = api_as(tree.town1_cadre).get("/home-assessments").json()
    assert {row["org"]["id"] for row in town1["items"]} == {tree.union1.pk, tree.union1b.pk}
    assert api_as(tree.town1_cadre).get("/home-assessments", {"org": tree.union2.pk}).json()["count"] == 0


def test_the_workflow_through_the_api(tree):
    published_standard(tree.district_staff, pass_mark=30)
    chair = api_as(tree.union1_chair)
    r = chair.post("/home-assessments", {"org": tree.union1.pk, "level": "DISTRICT"})
    assert r.status_code == 201, r.content
    a = r.json()
    assert a["status"] == "DRAFT" and a["actions"]["submit"] is True
    membership = next(i for i in a["items"] if i["code"] == "MEMBERSHIP")
    assert membership["method"] == "AUTO" and "headcount" in membership["auto_figures"]
    r = chair.post("/home-assessments", {"org": tree.union1.pk, "level": "DISTRICT"})
    assert r.status_code == 409 and r.json()["code"] == "already_open"
    r = chair.post(f"/home-assessments/{a['id']}/self-scores", {"scores": {"FINANCE": {"score": 11}}})
    assert r.status_code == 400 and r.json()["code"] == "invalid_score"
    r = chair.post(f"/home-assessments/{a['id']}/self-scores", {"scores": {"FINANCE": {"score": 9, "note": "好"}}})
    assert r.status_code == 200
    assert next(i for i in r.json()["items"] if i["code"] == "FINANCE")["self_score"] == 9
    assert chair.post(f"/home-assessments/{a['id']}/submit", {}).json()["status"] == "SUBMITTED"
    obj = HomeAssessment.objects.get(pk=a["id"])
    town = api_as(tree.town1_cadre)
    r = town.post(f"/home-assessments/{a['id']}/town-review", {"decision": "forward", "scores": {}})
    assert r.status_code == 400 and r.json()["code"] == "score_missing"
    r = town.post(f"/home-assessments/{a['id']}/town-review", {"decision": "forward", "scores": _scores(obj, 8)})
    assert r.status_code == 200 and r.json()["status"] == "FORWARDED"
    r = town.post(f"/home-assessments/{a['id']}/town-review", {"decision": "forward", "scores": _scores(obj, 8)})
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
    district = api_as(tree.district_staff)
    r = district.post(f"/home-assessments/{a['id']}/district-review", {"decision": "award"})
    assert r.status_code == 400 and r.json()["field"] == "certificate_no"
    r = district.post(f"/home-assessments/{a['id']}/district-review",
                      {"decision": "award", "certificate_no": "区职家2026-007"})
    assert r.status_code == 200 and r.json()["status"] == "AWARDED" and r.json()["total_score"] == 40
    assert r.json()["recheck_due_on"] == services.add_years(services.today(), 3).isoformat()
    r = chair.post(f"/home-assessments/{a['id']}/recheck", {})
    assert r.status_code == 201 and r.json()["recheck_of"] == a["id"] and r.json()["kind"] == "RECHECK"


def test_bad_input_is_refused_with_a_field(tree):
    api = api_as(tree.union1_chair)
    r = api.post("/home-assessments", {"org": tree.union2.pk, "level": "DISTRICT"})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    r = api.post("/home-assessments", {"org": tree.union1.pk, "level": "DISTRICT"})
    assert r.status_code == 400 and r.json()["code"] == "no_standard"
    assert api.post("/home-assessments", {"org": tree.union1.pk, "level": "GALACTIC"}).status_code == 422
    assert api.post("/home-assessments", {"org": tree.union1.pk, "level": "DISTRICT", "x": 1}).status_code == 422
    assert HomeAssessment.objects.count() == 0


def test_standards_read(tree, django_assert_max_num_queries):
    s = published_standard(tree.district_staff)
    api = api_as(tree.union1_chair)
    api.get("/home-standards")
    with django_assert_max_num_queries(6):
        body = api.get("/home-standards").json()
    assert body["count"] == 1 and body["items"][0]["status"] == "PUBLISHED"
    detail = api.get(f"/home-standards/{s.pk}").json()
    assert detail["total"] == 100 and len(detail["criteria"]) == 9
    assert api.get("/home-standards/999999").status_code == 404
    assert api_as(tree.outsider).get("/home-standards").json()["count"] == 0


def test_evidence_through_the_api(tree):
    a = assessment(tree)
    chair = api_as(tree.union1_chair)
    client = chair.client
    url = f"/api/v1/home-assessments/{a.pk}/evidence"
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(url, {"item": "FINANCE", "file": SimpleUploadedFile("审计.pdf", b"%PDF-1.4 x")})
    assert r.status_code == 200, r.content
    evidence = next(i for i in r.json()["items"] if i["code"] == "FINANCE")["evidence"]
    assert evidence[0]["name"] == "审计.pdf" and evidence[0]["kind"] == "pdf"
    r = client.post(url, {"item": "FINANCE", "file": SimpleUploadedFile("x.pdf", b"GIF89a....")})
    assert r.status_code == 400 and r.json()["field"] == "file"
    r = client.post(url, {"item": "NOPE", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")})
    assert r.status_code == 400 and r.json()["code"] == "unknown_criterion"
    download = f"/home-assessments/{a.pk}/evidence/{evidence[0]['id']}"
    r = api_as(tree.town1_cadre).get(download)
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 x"
    assert api_as(tree.town2_cadre).get(download).status_code == 404
    r = api_as(tree.town2_cadre).client.post(url, {"item": "FINANCE", "file": SimpleUploadedFile("a.pdf", b"%PDF-1")})
    assert r.status_code == 404
