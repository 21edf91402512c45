"""API authentication: the token endpoint (axes lockout, rate limit, second factor), bearer
tokens (revoked, expired, inactive users), the session cookie with CSRF, and /healthz."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from gonghui.accounts.models import ApiToken
from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import ApiClient, token_for

PASSWORD = "test-pass-2026"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate-limit counters and idempotency keys live in the cache
    yield
    cache.clear()


def obtain(username, password, **extra):
    return ApiClient().post("/auth/token", {"username": username, "password": password, **extra})


def test_token_endpoint_issues_a_working_token(tree):
    response = obtain("union1", PASSWORD)
    assert response.status_code == 200, response.content
    raw = response.json()["token"]
    token = ApiToken.objects.get(user=tree.union1_chair)
    assert token.name == "api"
    assert token.key_hash != raw and raw not in token.key_hash  # only the hash is stored
    assert token.expires_at is not None
    assert ApiClient(raw).get("/orgs").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.token.create", actor=tree.union1_chair).exists()


def test_second_token_gets_another_name(tree):
    assert obtain("union1", PASSWORD).status_code == 200
    assert obtain("union1", PASSWORD).status_code == 200
    names = set(ApiToken.objects.filter(user=tree.union1_chair).values_list("name", flat=True))
    assert len(names) == 2 and "api" in names


@pytest.mark.parametrize("username,password", [("union1", "wrong-password"), ("nobody", PASSWORD)])
def test_wrong_credentials_answer_401(tree, username, password):
    response = obtain(username, password)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "invalid_credentials" and body["message"]
    assert not ApiToken.objects.exists()


def test_inactive_user_gets_no_token(tree):
    tree.union1_chair.is_active = False
    tree.union1_chair.save()
    assert obtain("union1", PASSWORD).status_code == 401


def test_lockout_after_five_failures(tree, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _attempt in range(4):
        assert obtain("union1", "wrong-password").status_code == 401
    fifth = obtain("union1", "wrong-password")
    assert fifth.status_code == 429 and fifth.json()["code"] == "locked_out"
    # Now even the right password is refused, as JSON (not axes' HTML page).
    locked = obtain("union1", PASSWORD)
    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("application/json")
    assert locked.json()["code"] == "locked_out"
    assert not ApiToken.objects.exists()
    # Another account from the same address is not locked (axes locks username + IP).
    assert obtain("union2", PASSWORD).status_code == 200


def test_token_endpoint_is_rate_limited_per_ip(tree, settings):
    settings.API_TOKEN_RATE = "3/min"
    statuses = [obtain("union1", PASSWORD).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = obtain("union1", PASSWORD)
    assert limited.json()["code"] == "rate_limited" and int(limited["Retry-After"]) >= 1


def test_token_endpoint_requires_the_second_factor_of_administrators(tree, settings):
    settings.REQUIRE_ADMIN_OTP = True
    response = obtain("district", PASSWORD)
    assert response.status_code == 401 and response.json()["code"] == "otp_required"
    wrong = obtain("district", PASSWORD, otp="123456")
    assert wrong.status_code == 401 and wrong.json()["field"] == "otp"
    # Non-administrators are not asked.
    assert obtain("union1", PASSWORD).status_code == 200


def test_api_session_of_unverified_administrator_gets_the_error_format(tree, settings):
    settings.REQUIRE_ADMIN_OTP = True
    client = Client()
    client.force_login(tree.district_staff)
    response = client.get("/api/v1/orgs")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "otp_required" and body["message"] and body["errors"] == []


@pytest.mark.parametrize("body", [
    "", "{", "[]", '"x"', "null", '{"username": 1, "password": []}', '{"username": "a"}',
    '{"username": "a\\u0000b", "password": "x"}', '{"username": "' + "a" * 5000 + '", "password": "x"}',
    '{"username": "union1", "password": "x", "extra": 1}',
])
def test_token_endpoint_bad_bodies_are_4xx(tree, body):
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content
    assert "code" in response.json()


def test_revoke_own_token(tree):
    raw = token_for(tree.union1_chair)
    client = ApiClient(raw)
    assert client.delete("/auth/token").status_code == 204
    assert client.get("/orgs").status_code == 401


# --- bearer tokens ---------------------------------------------------------------------------

def test_no_credentials_answer_401_everywhere(tree):
    anonymous = ApiClient()
    for path in ("/orgs", "/enterprises", "/members", "/transfers", f"/orgs/{tree.union1.pk}"):
        response = anonymous.get(path)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["code"] == "unauthenticated"
    assert anonymous.post("/members", {}).status_code == 401  # 401 before any CSRF or body check


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Token abc", "Basic dXNlcjpwYXNz",
                                    "Bearer " + "x" * 5000])
def test_bad_authorization_headers_answer_401(tree, header):
    assert Client(headers={"Authorization": header}).get("/api/v1/orgs").status_code == 401


def test_revoked_token_answers_401(tree):
    raw = token_for(tree.town1_cadre)
    ApiToken.objects.update(revoked_at=timezone.now())
    assert ApiClient(raw).get("/orgs").status_code == 401


def test_expired_token_answers_401(tree):
    raw = token_for(tree.town1_cadre)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert ApiClient(raw).get("/orgs").status_code == 401


def test_token_of_a_disabled_user_answers_401(tree):
    raw = token_for(tree.town1_cadre)
    tree.town1_cadre.is_active = False
    tree.town1_cadre.save()
    assert ApiClient(raw).get("/orgs").status_code == 401


def test_token_use_is_recorded(tree):
    raw = token_for(tree.town1_cadre)
    ApiClient(raw).get("/orgs")
    assert ApiToken.objects.get().last_used_at is not None


# --- session cookie ----------------------------------------------------------------------------

def test_session_cookie_works_and_unsafe_methods_need_csrf(tree):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(tree.union1_chair)
    assert browser.get("/api/v1/orgs").status_code == 200
    body = {"parent": tree.union1.pk, "name": "一组", "level": "GROUP", "code": "G-1"}
    refused = browser.post("/api/v1/orgs", body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    browser.get("/api/v1/docs")  # any page that sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post("/api/v1/orgs", body, content_type="application/json", headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 201, accepted.content


def test_bearer_requests_need_no_csrf(tree):
    raw = token_for(tree.union1_chair, name="csrf")
    strict = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    response = strict.post("/api/v1/orgs", {"parent": tree.union1.pk, "name": "二组", "level": "GROUP",
                                            "code": "G-2"}, content_type="application/json")
    assert response.status_code == 201, response.content


# --- health ----------------------------------------------------------------------------------

def test_healthz_reports_the_database(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_fails(db, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database down")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
