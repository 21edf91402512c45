"""The public side without a login: the form's spam protection (honeypot, fill time, per-IP
limit), the tracking page (code + mobile's last 4 digits; anonymous: the code alone), and the
public API (rate limit, Idempotency-Key replay, status)."""

import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import ApiClient
from gonghui.voice.forms.intake import FILL_SALT
from gonghui.voice.models.appeals import Appeal, AppealStatus
from gonghui.voice.testing.intake import close_now, internal_note, png, public_appeal

pytestmark = pytest.mark.django_db
NOTE = "内部备注：约谈企业"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def stamp(age=60):
    return signing.dumps({"t": time.time() - age}, salt=FILL_SALT)


def form_data(tree, **extra):
    data = {"category": "WAGES_OWED", "title": "拖欠工资", "content": "公司拖欠两个月工资", "contact_name": "王师傅",
            "contact_phone": "138 1234 5678", "enterprise_name": tree.enterprise1.name, "website": "",
            "started": stamp()}
    data.update(extra)
    return data


def test_the_form_page_draws_without_login(tree):
    r = Client().get(reverse("voice:public_submit"))
    body = r.content.decode()
    assert r.status_code == 200 and 'name="website"' in body and 'name="started"' in body
    assert "csrfmiddlewaretoken" in body


def test_a_good_submission_shows_number_and_code(tree):
    c = Client()
    r = c.post(reverse("voice:public_submit"), form_data(tree, attachments=[png()]))
    assert r.status_code == 302 and r["Location"] == reverse("voice:public_done")
    a = Appeal.objects.get()
    assert (a.org, a.channel, a.contact_phone_masked, a.attachments.count()) == (tree.union1, "WEB", "138****5678", 1)
    done = c.get(reverse("voice:public_done")).content.decode()
    assert a.number in done and a.tracking_code in done
    assert Client().get(reverse("voice:public_done")).status_code == 302  # another browser sees nothing


def test_csrf_is_on(tree):
    r = Client(enforce_csrf_checks=True).post(reverse("voice:public_submit"), form_data(tree))
    assert r.status_code == 403 and Appeal.objects.count() == 0


def test_honeypot_refused(tree):
    r = Client().post(reverse("voice:public_submit"), form_data(tree, website="http://spam.example"))
    assert r.status_code == 400 and Appeal.objects.count() == 0


@pytest.mark.parametrize("started", [lambda: stamp(age=1), lambda: "", lambda: "forged:value",
                                     lambda: stamp(age=13 * 3600)])
def test_too_fast_forged_or_stale_refused(tree, started):
    r = Client().post(reverse("voice:public_submit"), form_data(tree, started=started()))
    assert r.status_code == 400 and Appeal.objects.count() == 0


def test_named_submission_needs_name_and_mobile(tree):
    r = Client().post(reverse("voice:public_submit"), form_data(tree, contact_name="", contact_phone="123"))
    errors = r.context["form"].errors
    assert r.status_code == 400 and set(errors) == {"contact_name", "contact_phone"}


def test_anonymous_by_category(tree):
    c = Client()
    r = c.post(reverse("voice:public_submit"), form_data(tree, anonymous="on", contact_name="", contact_phone=""))
    assert r.status_code == 400 and Appeal.objects.count() == 0
    r = c.post(reverse("voice:public_submit"), form_data(tree, category="OTHER", anonymous="on", contact_name="",
                                                         contact_phone=""))
    assert r.status_code == 302 and Appeal.objects.get().anonymous


def test_rate_limit_per_ip(tree, settings):
    settings.VOICE_INTAKE_RULES = {"public_submit_rate": "2/hour"}
    c = Client()
    for _i in range(2):
        assert c.post(reverse("voice:public_submit"), form_data(tree)).status_code == 302
    r = c.post(reverse("voice:public_submit"), form_data(tree))
    assert r.status_code == 429 and int(r["Retry-After"]) > 0 and Appeal.objects.count() == 2
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post(reverse("voice:public_submit"), form_data(tree)).status_code == 302


def test_track_by_code_and_phone(tree):
    a = public_appeal(enterprise_name=tree.enterprise1.name)
    internal_note(a, NOTE, actor=tree.union1_chair)
    c = Client()
    wrong = c.post(reverse("voice:public_track"), {"action": "lookup", "code": a.tracking_code, "phone4": "0000"})
    assert wrong.status_code == 400 and a.title not in wrong.content.decode()
    for code in (a.tracking_code.lower(), a.number):
        c = Client()
        r = c.post(reverse("voice:public_track"), {"action": "lookup", "code": code, "phone4": "5678"})
        assert r.status_code == 302
        body = c.get(reverse("voice:public_track")).content.decode()
        assert a.title in body and tree.union1.name in body and NOTE not in body
        assert tree.union1_chair.username not in body


def test_anonymous_is_tracked_by_code_only(tree):
    a = public_appeal(category="OTHER", anonymous=True)
    c = Client()
    assert c.post(reverse("voice:public_track"), {"action": "lookup", "code": a.number}).status_code == 400
    assert c.post(reverse("voice:public_track"), {"action": "lookup", "code": a.tracking_code}).status_code == 302
    assert a.title in c.get(reverse("voice:public_track")).content.decode()


def test_track_rate_limited(tree, settings):
    settings.VOICE_INTAKE_RULES = {"public_track_rate": "3/hour"}
    c = Client()
    for _i in range(3):
        assert c.post(reverse("voice:public_track"), {"action": "lookup", "code": "AAAAAAAAAA"}).status_code == 400
    r = c.post(reverse("voice:public_track"), {"action": "lookup", "code": "AAAAAAAAAA"})
    assert r.status_code == 429 and "Retry-After" in r


def test_rate_and_reopen_from_the_tracking_page(tree):
    a = close_now(public_appeal())
    c = Client()
    c.post(reverse("voice:public_track"), {"action": "lookup", "code": a.tracking_code, "phone4": "5678"})
    r = c.post(reverse("voice:public_track"), {"action": "rate", "appeal": a.pk, "rate-score": "2"})
    assert r.status_code == 302
    r = c.post(reverse("voice:public_track"), {"action": "reopen", "appeal": a.pk, "reopen-reason": "仍未发工资"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert (a.satisfaction, a.status, a.reopen_count) == (2, AppealStatus.HANDLING, 1)
    # a browser that did not look it up cannot act on it
    other = public_appeal()
    r = c.post(reverse("voice:public_track"), {"action": "withdraw", "appeal": other.pk})
    assert r.status_code == 404 and Appeal.objects.get(pk=other.pk).status == AppealStatus.NEW


# --- API ---------------------------------------------------------------------------------------------

BODY = {"category": "WAGES_OWED", "title": "拖欠工资", "content": "公司拖欠两个月工资", "name": "王师傅",
        "mobile": "13812345678"}


def test_api_public_submit_without_login(tree):
    r = ApiClient().post("/public/appeals", {**BODY, "enterprise": tree.enterprise2.name})
    assert r.status_code == 201, r.content
    data = r.json()
    a = Appeal.objects.get()
    assert data["number"] == a.number and data["tracking_code"] == a.tracking_code
    assert (a.org, a.channel, data["handled_by"]) == (tree.union2, "API", tree.union2.name)


def test_api_public_submit_is_idempotent(tree):
    api = ApiClient()
    first = api.post("/public/appeals", BODY, **{"Idempotency-Key": "abc-123"})
    again = api.post("/public/appeals", BODY, **{"Idempotency-Key": "abc-123"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true" and Appeal.objects.count() == 1
    changed = api.post("/public/appeals", {**BODY, "title": "别的"}, **{"Idempotency-Key": "abc-123"})
    assert changed.status_code == 422 and Appeal.objects.count() == 1
    other_ip = ApiClient(REMOTE_ADDR="10.1.2.3")
    assert other_ip.client.post("/api/v1/public/appeals", BODY, content_type="application/json",
                                headers={"Idempotency-Key": "abc-123"}, REMOTE_ADDR="10.1.2.3").status_code == 201
    assert Appeal.objects.count() == 2


def test_api_public_submit_rate_limited(tree, settings):
    settings.VOICE_INTAKE_RULES = {"public_submit_rate": "2/hour"}
    api = ApiClient()
    assert [api.post("/public/appeals", BODY).status_code for _i in range(3)] == [201, 201, 429]
    r = api.post("/public/appeals", BODY)
    assert r.json()["code"] == "rate_limited" and int(r["Retry-After"]) > 0 and Appeal.objects.count() == 2


@pytest.mark.parametrize("body, field", [
    ({**BODY, "anonymous": True, "name": "", "mobile": ""}, "anonymous"),
    ({**BODY, "mobile": "12345"}, "contact_phone"),
    ({**BODY, "category": "NOPE"}, "category"),
    ({**BODY, "title": "x" * 121}, "title"),
    ({**BODY, "extra": 1}, "extra"),
])
def test_api_public_submit_bad_input(tree, body, field):
    r = ApiClient().post("/public/appeals", body)
    assert r.status_code in (400, 422) and r.json()["field"] == field and Appeal.objects.count() == 0


def test_api_public_status(tree):
    a = public_appeal()
    internal_note(a, NOTE)
    api = ApiClient()
    ok = api.get(f"/public/appeals/{a.number}", {"phone4": "5678"})
    assert ok.status_code == 200 and ok.json()["status"] == "NEW" and NOTE not in ok.content.decode()
    assert api.get(f"/public/appeals/{a.tracking_code}", {"phone4": "5678"}).status_code == 200
    assert api.get(f"/public/appeals/{a.number}", {"code": a.tracking_code, "phone4": "5678"}).status_code == 200
    assert api.get(f"/public/appeals/{a.number}", {"phone4": "1111"}).status_code == 404
    assert api.get("/public/appeals/SQ1999-000001", {"phone4": "5678"}).status_code == 404
    anon = public_appeal(category="OTHER", anonymous=True)
    assert api.get(f"/public/appeals/{anon.number}").status_code == 404
    assert api.get(f"/public/appeals/{anon.tracking_code}").status_code == 200
