"""Materials of study sessions through the API: upload with the page's content checks (a bad file
answers 400 on `file` and leaves nothing behind — no row, no stored file, no audit row), the
private download for the users who see the session and for its invitees, removal by the organiser;
out of scope 404 everywhere, a cancelled session 409 `wrong_stage`."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.publicity.models.studies import StudyMaterial
from gonghui.publicity.services import studies as services
from gonghui.publicity.testing.studies import office_upload, pdf_upload, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLICITY_STUDIES_RULES = {"material_max_bytes": 1000, "materials_per_session": 2}
    return tmp_path


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def upload(api, session_id, file=None):
    return api.client.post(f"/api/v1/study-sessions/{session_id}/materials", {"file": file} if file else {})


def bad_files():
    docx = office_upload("docx").read()
    return [
        SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00" + b"x" * 50),  # an executable under a PDF name
        SimpleUploadedFile("页面.pdf", b"<html><script>alert(1)</script></html>"),
        SimpleUploadedFile("空.pdf", b""),
        SimpleUploadedFile("假.docx", b"PK\x03\x04not really a zip"),
        SimpleUploadedFile("宏.docx", docx.replace(b"document.main+xml", b"document.macroEnabled.main+xml")),
        SimpleUploadedFile("改名.pdf", docx),  # a Word file by content, named .pdf
        pdf_upload("大.pdf", size=2000),  # over the 1,000-byte limit set above
    ]


def test_bad_files_answer_400_on_file_and_save_nothing(tree, media):
    s = session(tree)
    api = api_as(tree.town1_cadre)  # (issuing the token is audited)
    audits = AuditEvent.objects.count()
    for f in bad_files():
        r = upload(api, s.pk, f)
        assert r.status_code == 400 and r.json()["field"] == "file", (f.name, r.content)
    r = upload(api, s.pk)  # no file at all
    assert r.status_code == 400 and r.json()["field"] == "file" and r.json()["code"] == "required"
    assert not StudyMaterial.objects.exists() and stored_files(media) == []
    assert AuditEvent.objects.count() == audits


def test_upload_list_download_delete(tree, media):
    s = session(tree)
    api = api_as(tree.town1_cadre)
    r = upload(api, s.pk, pdf_upload("讲义"))  # no extension: the stored name gets the content's
    assert r.status_code == 201, r.content
    r = upload(api, s.pk, office_upload("pptx"))
    assert r.status_code == 201
    materials = r.json()["materials"]
    assert [(m["name"], m["kind"]) for m in materials] == [("讲义.pdf", "pdf"), ("课件.pptx", "pptx")]
    m = materials[0]
    assert m["api_url"] == f"/api/v1/study-sessions/{s.pk}/materials/{m['id']}"
    assert m["url"] == f"/publicity/studies/{s.pk}/materials/{m['id']}/"
    # the count limit (2 here)
    r = upload(api, s.pk, pdf_upload())
    assert r.status_code == 400 and r.json()["code"] == "too_many" and r.json()["field"] == "file"
    assert len(stored_files(media)) == 2
    # the detail lists them
    assert [x["id"] for x in api.get(f"/study-sessions/{s.pk}").json()["materials"]] == [x["id"] for x in materials]
    r = api.get(f"/study-sessions/{s.pk}/materials/{m['id']}")
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF-")
    assert "attachment" in r["Content-Disposition"] and r["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in r["Cache-Control"]
    r = api.delete(f"/study-sessions/{s.pk}/materials/{m['id']}")
    assert r.status_code == 200 and [x["id"] for x in r.json()["materials"]] == [materials[1]["id"]]
    assert api.get(f"/study-sessions/{s.pk}/materials/{m['id']}").status_code == 404
    assert api.delete(f"/study-sessions/{s.pk}/materials/{m['id']}").status_code == 404
    assert len(stored_files(media)) == 1
    assert AuditEvent.objects.filter(action="publicity.study_material_add").count() == 2
    assert AuditEvent.objects.filter(action="publicity.study_material_delete").count() == 1


def test_who_may_download_upload_and_delete(tree, media):
    s = session(tree)  # town1's; town1_cadre, union1_chair and union1's staff invited
    m = services.add_material(actor=tree.town1_cadre, session=s, upload=pdf_upload())
    path = f"/study-sessions/{s.pk}/materials/{m.pk}"
    # in scope: the district and the organiser; an invitee outside the organiser's reach, like the page
    for user in (tree.district_staff, tree.town1_cadre, tree.union1_chair):
        r = api_as(user).get(path)
        assert r.status_code == 200, user
    # neither in scope nor invited: 404, the same as a missing material
    for user in (tree.town2_cadre, tree.union2_chair, tree.member_user):
        assert api_as(user).get(path).status_code == 404, user
        assert upload(api_as(user), s.pk, pdf_upload()).status_code == 404, user
        assert api_as(user).delete(path).status_code == 404, user
    assert api_as(None).get(path).status_code == 401
    # an invitee who does not organise may download but not add or remove
    assert upload(api_as(tree.union1_chair), s.pk, pdf_upload()).status_code == 404
    assert api_as(tree.union1_chair).delete(path).status_code == 404
    # a material id of another session is not found through this one
    other = session(tree)
    assert api_as(tree.town1_cadre).get(f"/study-sessions/{other.pk}/materials/{m.pk}").status_code == 404
    assert api_as(tree.town1_cadre).delete(f"/study-sessions/{other.pk}/materials/{m.pk}").status_code == 404
    assert StudyMaterial.objects.filter(pk=m.pk).exists() and StudyMaterial.objects.count() == 1


def test_cancelled_session_refuses_new_materials(tree, media):
    s = session(tree)
    m = services.add_material(actor=tree.town1_cadre, session=s, upload=pdf_upload())
    services.cancel_session(actor=tree.town1_cadre, session=s, reason="改期")
    api = api_as(tree.town1_cadre)
    r = upload(api, s.pk, pdf_upload())
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
    assert StudyMaterial.objects.count() == 1 and len(stored_files(media)) == 1
    # the page removes materials of a cancelled session too; so does the API
    assert api.get(f"/study-sessions/{s.pk}/materials/{m.pk}").status_code == 200
    assert api.delete(f"/study-sessions/{s.pk}/materials/{m.pk}").status_code == 200
    assert not StudyMaterial.objects.exists()
