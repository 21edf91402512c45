"""Files of appeals through the API: `POST /appeals/{id}/attachments` (a PDF, JPG or PNG by its
content, within UPLOAD_MAX_BYTES, on an open appeal, `voice.change` on its holder; a refused file
leaves nothing behind — no row, no event, no stored file, no audit row) and
`GET /appeals/{id}/attachments/{file_id}` (private, scoped: 404 outside, and for members)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.voice.models.appeals import AppealAttachment, AppealEvent
from gonghui.voice.selectors.intake import public_attachments
from gonghui.voice.testing.appeals import appeal, closed

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64

BAD = [
    ("gif.png", b"GIF89a" + b"\x00" * 40, "wrong_type"),  # another image type under a PNG name
    ("page.pdf", b"<html><script>alert(1)</script></html>", "wrong_type"),  # HTML under a PDF name
    ("tool.jpg", b"MZ\x90\x00" + b"\x00" * 40, "wrong_type"),  # a program under a JPG name
    ("empty.pdf", b"", None),
    ("big.pdf", PDF + b"\x00" * 2000, "too_large"),  # over the 1,000-byte limit set below
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 1000
    return tmp_path


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def doc(name="scan.pdf", data=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def upload(api, appeal_id, file=None, **data):
    body = {**data, **({"file": file} if file is not None else {})}
    return api.client.post(f"/api/v1/appeals/{appeal_id}/attachments", body)


def download(api, appeal_id, file_id):
    return api.get(f"/appeals/{appeal_id}/attachments/{file_id}")


def test_upload_internal_by_default_and_download(tree, media):
    a = appeal(tree)
    api = api_as(tree.union1_chair)
    assert api.get(f"/appeals/{a.pk}").json()["actions"]["attach"] is True
    r = upload(api, a.pk, doc("劳动合同.pdf"), note="企业提供的合同扫描件")
    assert r.status_code == 201, r.content
    body = r.json()
    [f] = body["attachments"]
    assert f["name"] == "劳动合同.pdf" and f["size"] == len(PDF) and f["content_type"] == "application/pdf"
    assert f["public"] is False and f["api_url"] == f"/api/v1/appeals/{a.pk}/attachments/{f['id']}"
    assert f["url"] == f"/voice/appeals/{a.pk}/files/{f['id']}/"
    last = body["events"][-1]
    assert (last["kind"], last["public"], last["text"], last["attachments"]) == (
        "NOTE", False, "企业提供的合同扫描件", ["劳动合同.pdf"])
    assert f["event_id"] == last["id"]
    stored = AppealAttachment.objects.get()
    assert "劳动合同" not in stored.file.name and stored.file.name.endswith(".pdf")  # stored under a random name
    assert not public_attachments(a).exists()  # internal: the worker does not get it
    audit = AuditEvent.objects.get(action="voice.appeal_attachment_add")
    assert audit.after["attachment"] == f["id"] and audit.after["public"] is False
    r = download(api, a.pk, f["id"])
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert "attachment" in r["Content-Disposition"] and r["X-Content-Type-Options"] == "nosniff"
    assert "no-cache" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]


def test_public_file_is_a_reply_the_worker_sees(tree, media):
    a = appeal(tree)
    api = api_as(tree.town1_cadre)
    # the type is read from the content: a JPEG sent as "photo.png" with a PNG content type
    r = upload(api, a.pk, doc("photo.png", JPEG, "image/png"), public="true")
    assert r.status_code == 201, r.content
    [f] = r.json()["attachments"]
    assert f["public"] is True and f["content_type"] == "image/jpeg"
    last = r.json()["events"][-1]
    assert (last["kind"], last["public"]) == ("REPLY", True) and "photo.png" in last["text"]
    assert list(public_attachments(a).values_list("pk", flat=True)) == [f["id"]]


def test_bad_files_save_nothing(tree, media):
    a = appeal(tree)
    api = api_as(tree.union1_chair)
    events, audits = AppealEvent.objects.count(), AuditEvent.objects.count()
    for name, data, code in BAD:
        r = upload(api, a.pk, doc(name, data), note="x")
        assert r.status_code == 400 and r.json()["field"] == "file", (name, r.content)
        if code:
            assert r.json()["code"] == code, name
    r = upload(api, a.pk, note="没有文件")
    assert r.status_code == 400 and r.json()["field"] == "file" and r.json()["code"] == "required"
    assert not AppealAttachment.objects.exists() and stored_files(media) == []
    assert AppealEvent.objects.count() == events and AuditEvent.objects.count() == audits


def test_oversize_is_refused_at_the_configured_limit(tree, media, settings):
    a = appeal(tree)
    api = api_as(tree.union1_chair)
    r = upload(api, a.pk, doc("big.png", PNG + b"\x00" * 1000, "image/png"))
    assert r.status_code == 400 and r.json()["code"] == "too_large" and r.json()["field"] == "file"
    settings.UPLOAD_MAX_BYTES = 4000
    assert upload(api, a.pk, doc("big.png", PNG + b"\x00" * 1000, "image/png")).status_code == 201
    assert AppealAttachment.objects.count() == 1 and len(stored_files(media)) == 1


def test_out_of_scope_is_404_and_stores_nothing(tree, media):
    a = appeal(tree)
    f_id = upload(api_as(tree.union1_chair), a.pk, doc()).json()["attachments"][0]["id"]
    for user in (tree.union2_chair, tree.town2_cadre, tree.member_user, tree.outsider):
        api = api_as(user)
        assert upload(api, a.pk, doc()).status_code == 404, user
        assert download(api, a.pk, f_id).status_code == 404, user
    assert AppealAttachment.objects.count() == 1 and len(stored_files(media)) == 1
    assert api_as(None).get(f"/appeals/{a.pk}/attachments/{f_id}").status_code == 401


def test_download_is_scoped_to_the_appeal(tree, media):
    a, b = appeal(tree), appeal(tree, org=tree.union2)
    f_a = upload(api_as(tree.union1_chair), a.pk, doc()).json()["attachments"][0]["id"]
    f_b = upload(api_as(tree.union2_chair), b.pk, doc()).json()["attachments"][0]["id"]
    union1 = api_as(tree.union1_chair)
    assert download(union1, a.pk, f_a).status_code == 200
    assert download(union1, a.pk, f_b).status_code == 404  # another appeal's file through this one
    assert download(union1, b.pk, f_b).status_code == 404  # out of reach
    assert download(union1, a.pk, 999999).status_code == 404
    district = api_as(tree.district_staff)
    assert download(district, a.pk, f_a).status_code == 200 and download(district, b.pk, f_b).status_code == 200


def test_closed_appeal_refuses_a_file_but_keeps_its_own(tree, media):
    a = closed(tree)
    api = api_as(tree.union1_chair)
    assert api.get(f"/appeals/{a.pk}").json()["actions"]["attach"] is False
    r = upload(api, a.pk, doc())
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
    assert not AppealAttachment.objects.exists() and stored_files(media) == []


def test_member_cannot_use_it(tree, media):
    """A member with their own appeal (they submitted it) still has no cadre API on it."""
    a = appeal(tree, submitted_by=tree.member_user)
    f_id = upload(api_as(tree.union1_chair), a.pk, doc(), public="true").json()["attachments"][0]["id"]
    member = api_as(tree.member_user)
    assert upload(member, a.pk, doc()).status_code == 404
    assert download(member, a.pk, f_id).status_code == 404
    assert AppealAttachment.objects.count() == 1
