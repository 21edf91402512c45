"""POST /api/v1/portal/auth/code and /api/v1/portal/auth/token."""

import pytest
from django.utils import translation

from gonghui.accounts.models import ApiToken
from gonghui.portal import sms
from gonghui.portal.testing.auth import PASSWORD, last_code, new_phone, portal_account, reset_sms_state

pytestmark = pytest.mark.django_db
CODE_URL = "/api/v1/portal/auth/code"
TOKEN_URL = "/api/v1/portal/auth/token"


@pytest.fixture(autouse=True)
def _fresh():
    reset_sms_state()
    yield
    reset_sms_state()


def _post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", **headers)


def test_send_a_code(client):
    phone = new_phone()
    response = _post(client, CODE_URL, {"phone": phone})
    assert response.status_code == 202 and response.json() == {"expires_in": 300, "resend_in": 60}
    assert sms.outbox[-1].purpose == "LOGIN" and last_code(phone)


def test_send_a_code_again_too_soon_is_429_with_retry_after(client):
    phone = new_phone()
    _post(client, CODE_URL, {"phone": phone, "purpose": "SIGNUP"})
    response = _post(client, CODE_URL, {"phone": phone, "purpose": "SIGNUP"})
    assert response.status_code == 429 and response.json()["code"] == "code_cooldown"
    assert 1 <= int(response["Retry-After"]) <= 60


@pytest.mark.parametrize("body, status, code", [
    ({"phone": "123"}, 400, "phone_format"),
    ({"phone": "13900001111", "purpose": "OTHER"}, 422, None),
    ({"phone": "13900001111", "extra": 1}, 422, None),
    ({}, 422, None),
    ({"phone": "1390000\x001111"}, 422, None),
])
def test_bad_code_requests(client, body, status, code):
    response = _post(client, CODE_URL, body)
    assert response.status_code == status
    if code:
        assert response.json()["code"] == code and response.json()["field"] == "phone"
    assert not sms.outbox


def test_bad_input_is_answered_in_chinese(client):
    response = _post(client, CODE_URL, {"phone": "123"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert not response.json()["message"].isascii()


def test_without_a_gateway_503(client, settings):
    settings.SMS_BACKEND = "gonghui.portal.sms.DisabledBackend"
    response = _post(client, CODE_URL, {"phone": new_phone()})
    assert response.status_code == 503 and response.json()["code"] == "sms_unavailable"


def test_token_by_password_works_as_a_bearer_token(client):
    account = portal_account()
    response = _post(client, TOKEN_URL, {"phone": account.phone(), "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.live().filter(user=account).count() == 1
    me = client.delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 204  # the accounts API accepts it: the same kind of token


def test_token_by_code(client):
    account = portal_account()
    _post(client, CODE_URL, {"phone": account.phone()})
    response = _post(client, TOKEN_URL, {"phone": account.phone(), "code": last_code(account.phone())})
    assert response.status_code == 200 and response.json()["token"]
    again = _post(client, TOKEN_URL, {"phone": account.phone(), "code": last_code(account.phone())})
    assert again.status_code == 401 and again.json()["code"] == "code_expired"


def test_token_needs_exactly_one_credential(client):
    account = portal_account()
    both = _post(client, TOKEN_URL, {"phone": account.phone(), "password": PASSWORD, "code": "123456"})
    neither = _post(client, TOKEN_URL, {"phone": account.phone()})
    assert both.status_code == neither.status_code == 400
    assert both.json()["code"] == "credentials_required"


def test_wrong_password_and_unknown_number_answer_alike(client):
    account = portal_account()
    with translation.override("en"):
        wrong = _post(client, TOKEN_URL, {"phone": account.phone(), "password": "nope"})
        unknown = _post(client, TOKEN_URL, {"phone": new_phone(), "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_wrong_code_is_401_and_counted(client):
    account = portal_account()
    _post(client, CODE_URL, {"phone": account.phone()})
    wrong = f"{(int(last_code(account.phone())) + 1) % 10**6:06d}"
    response = _post(client, TOKEN_URL, {"phone": account.phone(), "code": wrong})
    assert response.status_code == 401 and response.json()["code"] == "code_wrong"
    assert response.json()["field"] == "code"


def test_lockout_is_429(client, settings):
    account = portal_account()
    settings.API_TOKEN_RATE = "100/min"
    for _i in range(settings.AXES_FAILURE_LIMIT):
        _post(client, TOKEN_URL, {"phone": account.phone(), "password": "nope"})
    response = _post(client, TOKEN_URL, {"phone": account.phone(), "password": PASSWORD})
    assert response.status_code == 429 and response.json()["code"] == "locked_out"


def test_token_rate_per_address(client, settings):
    settings.API_TOKEN_RATE = "2/min"
    for _i in range(2):
        _post(client, TOKEN_URL, {"phone": new_phone(), "password": "nope"})
    response = _post(client, TOKEN_URL, {"phone": new_phone(), "password": "nope"})
    assert response.status_code == 429 and response["Retry-After"]


def test_password_set_by_someone_else_gets_no_token(client):
    account = portal_account()
    account.must_change_password = True
    account.save()
    response = _post(client, TOKEN_URL, {"phone": account.phone(), "password": PASSWORD})
    assert response.status_code == 403 and response.json()["code"] == "password_change_required"


def test_administrators_need_the_second_factor(client, settings):
    from gonghui.accounts.models import RoleAssignment
    from gonghui.accounts.roles import Role
    from gonghui.core.testing.factories import add_org
    from gonghui.orgs.models import OrgLevel
    from gonghui.portal.testing.auth import give_phone

    settings.REQUIRE_ADMIN_OTP = True
    account = portal_account()
    district = add_org(None, "测试区总工会", OrgLevel.DISTRICT, code="D")
    RoleAssignment.objects.create(user=account, org=district, role=Role.DISTRICT_STAFF)
    give_phone(account, account.phone())
    response = _post(client, TOKEN_URL, {"phone": account.phone(), "password": PASSWORD})
    assert response.status_code == 401 and response.json()["code"] == "otp_required"
    assert not ApiToken.objects.filter(user=account).exists()
