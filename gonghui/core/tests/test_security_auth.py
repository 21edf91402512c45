"""Sign-in protection end to end, filling what the per-app tests leave open (SECURITY.md lists
them all): the lockout and the token rate limit count the real client behind the reverse proxy,
and with REQUIRE_ADMIN_OTP on a superuser without any district role is held at the second factor
on pages, /admin/ and the API token endpoint, while a valid code lets an administrator through.

Elsewhere: lockout on the page (accounts/tests/test_auth_pages.py) and the API
(core/tests/test_api_auth.py), token and per-user API rates (test_api_auth.py,
test_api_schema_errors.py), SMS code limits (portal/tests/test_auth_services.py,
test_auth_api.py), the TOTP pages (accounts/tests/test_otp.py)."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts.models import ApiToken
from gonghui.core.testing.api import ApiClient
from gonghui.core.testing.factories import UserFactory

PASSWORD = "test-pass-2026"
PROXY = "10.0.0.1"  # the reverse proxy: every request arrives from it


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate counters
    yield
    cache.clear()


@pytest.fixture
def behind_one_proxy(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3


def sign_in(username, password, forwarded_for):
    return Client().post(reverse("accounts:login"), {"username": username, "password": password},
                         REMOTE_ADDR=PROXY, headers={"X-Forwarded-For": forwarded_for})


def test_lockout_behind_the_proxy_locks_the_client_not_the_proxy(tree, behind_one_proxy):
    for _attempt in range(3):
        sign_in("town1", "wrong-password", "203.0.113.7")
    assert sign_in("town1", PASSWORD, "203.0.113.7").status_code == 429
    # A forged first hop does not make the locked client someone else.
    assert sign_in("town1", PASSWORD, "6.6.6.6, 203.0.113.7").status_code == 429
    # Another client behind the same proxy signs in: the proxy's address is not what is locked.
    assert sign_in("town1", PASSWORD, "198.51.100.4").status_code == 302


def test_token_rate_limit_counts_each_client_behind_the_proxy(tree, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.API_TOKEN_RATE = "2/min"

    def obtain(forwarded_for):
        return ApiClient(REMOTE_ADDR=PROXY).client.post(
            "/api/v1/auth/token", {"username": "union1", "password": PASSWORD}, content_type="application/json",
            REMOTE_ADDR=PROXY, headers={"X-Forwarded-For": forwarded_for})

    assert [obtain("203.0.113.7").status_code for _ in range(3)] == [200, 200, 429]
    assert obtain("6.6.6.6, 203.0.113.7").status_code == 429  # forging the left part changes nothing
    assert obtain("198.51.100.4").status_code == 200


@pytest.fixture
def superuser(db, settings):
    settings.REQUIRE_ADMIN_OTP = True
    return UserFactory(username="root-admin", is_superuser=True, is_staff=True)


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_a_superuser_without_roles_is_held_at_the_second_factor(tree, superuser):
    client = Client()
    client.force_login(superuser)
    for url in (reverse("core:home"), "/admin/", reverse("accounts:token_list"), reverse("orgs:tree")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:otp_verify")), url
    api = client.get("/api/v1/orgs")
    assert api.status_code == 403 and api.json()["code"] == "otp_required"


def test_a_superuser_gets_no_api_token_without_the_code(tree, superuser):
    refused = ApiClient().post("/auth/token", {"username": "root-admin", "password": PASSWORD})
    assert refused.status_code == 401 and refused.json()["code"] == "otp_required"
    assert not ApiToken.objects.filter(user=superuser).exists()


def test_an_administrator_with_a_valid_code_gets_a_token(tree, superuser):
    device = TOTPDevice.objects.create(user=tree.district_staff, name="phone", confirmed=True)
    response = ApiClient().post("/auth/token", {"username": "district", "password": PASSWORD,
                                                "otp": code_for(device)})
    assert response.status_code == 200, response.content
    assert ApiClient(response.json()["token"]).get("/orgs").status_code == 200


def test_others_are_not_asked_for_a_second_factor(tree, superuser):
    for user in (tree.town1_cadre, tree.union1_chair):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("core:home")).status_code == 200
    assert ApiClient().post("/auth/token", {"username": "town1", "password": PASSWORD}).status_code == 200
