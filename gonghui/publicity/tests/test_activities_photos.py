"""Photos of theme activities, through the pages and the API: the type is found by content (the
name and the declared type do not count), the size and count limits hold, and a refused file leaves
nothing behind — no row, no file in the media store, no audit row. Upload, download and removal are
scoped (404 outside) and only while the activity is a draft or returned."""

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.publicity.models.activities import ActivityPhoto
from gonghui.publicity.testing.activities import JPEG, PNG, draft, png, submitted

pytestmark = pytest.mark.django_db

BAD = [
    ("gif.png", b"GIF89a" + b"\x00" * 40),  # another image type under a PNG name
    ("page.jpg", b"<html><script>alert(1)</script></html>"),  # HTML under a JPG name
    ("doc.png", b"%PDF-1.4\n" + b"\x00" * 40),  # a PDF: a document, not a photo
    ("empty.png", b""),
    ("big.png", PNG + b"\x00" * 2000),  # over the 1,000-byte limit set below
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLICITY_ACTIVITIES_RULES = {"photo_max_bytes": 1000, "photos_per_activity": 2}
    return tmp_path


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def upload(api, activity_id, file, **data):
    return api.client.post(f"/api/v1/theme-activities/{activity_id}/photos", {"file": file, **data})


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_bad_files_save_nothing_through_the_page(tree, media):
    a = draft(tree)
    audits = AuditEvent.objects.count()
    c = client(tree.union1_chair)
    url = reverse("publicity:activity_photo_add", args=[a.pk])
    for name, data in BAD:
        r = c.post(url, {"photo-image": png(name, data)})
        assert r.status_code == 400 and "image" in r.context["photo_form"].errors, name
    assert c.post(url, {"photo-caption": "无文件"}).status_code == 400
    assert not ActivityPhoto.objects.exists() and stored_files(media) == []
    assert AuditEvent.objects.count() == audits


def test_type_by_content_whatever_the_name(tree, media):
    a = draft(tree)
    c = client(tree.union1_chair)
    url = reverse("publicity:activity_photo_add", args=[a.pk])
    assert c.post(url, {"photo-image": png("really-a-jpeg.png", JPEG)}).status_code == 302
    p = ActivityPhoto.objects.get()
    assert p.kind == "jpeg" and p.image.name.endswith(".jpg") and "really" not in p.image.name
    r = c.get(reverse("publicity:activity_photo", args=[a.pk, p.pk]))
    assert r["Content-Type"] == "image/jpeg" and "attachment" in r["Content-Disposition"]


def test_count_limit_and_frozen_after_submit(tree, media):
    a = draft(tree)
    c = client(tree.union1_chair)
    url = reverse("publicity:activity_photo_add", args=[a.pk])
    assert c.post(url, {"photo-image": png()}).status_code == 302
    assert c.post(url, {"photo-image": png()}).status_code == 302
    r = c.post(url, {"photo-image": png()})
    assert r.status_code == 400 and "image" in r.context["photo_form"].errors
    assert ActivityPhoto.objects.count() == 2 and len(stored_files(media)) == 2
    s = submitted(tree)
    assert c.post(reverse("publicity:activity_photo_add", args=[s.pk]), {"photo-image": png()}).status_code == 400
    assert not ActivityPhoto.objects.filter(activity=s).exists()


def test_a_body_over_the_limit_is_refused_before_it_is_read(tree, media):
    a = draft(tree)
    c = client(tree.union1_chair)
    r = c.post(reverse("publicity:activity_photo_add", args=[a.pk]), {"photo-image": png("huge.png", PNG * 3000)})
    assert r.status_code == 413 and not ActivityPhoto.objects.exists() and stored_files(media) == []


def test_photos_through_the_api(tree, media):
    a = draft(tree)
    api = api_as(tree.union1_chair)
    for name, data in BAD:
        r = upload(api, a.pk, png(name, data))
        assert r.status_code == 400 and r.json()["field"] == "image", (name, r.content)
    assert not ActivityPhoto.objects.exists() and stored_files(media) == []
    r = upload(api, a.pk, png(), caption="合影")
    assert r.status_code == 201, r.content
    photo = r.json()["photos"][0]
    assert photo["caption"] == "合影"
    r = api.get(f"/theme-activities/{a.pk}/photos/{photo['id']}")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PNG and r["X-Content-Type-Options"] == "nosniff"
    # out of scope: 404 for the file, the upload and the removal; nothing stored
    other = api_as(tree.union2_chair)
    assert other.get(f"/theme-activities/{a.pk}/photos/{photo['id']}").status_code == 404
    assert upload(other, a.pk, png()).status_code == 404
    assert other.delete(f"/theme-activities/{a.pk}/photos/{photo['id']}").status_code == 404
    assert api_as(tree.member_user).get(f"/theme-activities/{a.pk}/photos/{photo['id']}").status_code == 404
    assert ActivityPhoto.objects.count() == 1
    # a photo id of another activity is not found through this one
    b = draft(tree)
    assert api.get(f"/theme-activities/{b.pk}/photos/{photo['id']}").status_code == 404
    r = api.delete(f"/theme-activities/{a.pk}/photos/{photo['id']}")
    assert r.status_code == 200 and r.json()["photos"] == [] and not ActivityPhoto.objects.exists()
    assert AuditEvent.objects.filter(action="publicity.activity_photo_delete").count() == 1
    s = submitted(tree)
    r = upload(api, s.pk, png())
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"


def test_a_browser_upload_with_its_csrf_token_works(tree, media):
    """Like a browser: the CSRF token in the multipart body. The size limit is installed before the
    CSRF check reads the body (`upload_limit_then_csrf`); without it, every real upload was a 500."""
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    a = draft(tree)
    c = Client(enforce_csrf_checks=True)
    c.force_login(tree.union1_chair)
    token = get_token(RequestFactory().get("/"))
    c.cookies["csrftoken"] = token
    url = reverse("publicity:activity_photo_add", args=[a.pk])
    assert c.post(url, {"csrfmiddlewaretoken": token, "photo-image": png()}).status_code == 302
    assert c.post(url, {"csrfmiddlewaretoken": "x" * 64, "photo-image": png()}).status_code == 403
    assert ActivityPhoto.objects.count() == 1
