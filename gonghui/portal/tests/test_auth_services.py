"""The SMS code rules and the phone sign-in, sign-up and reset services."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone

from gonghui.accounts.models import ApiToken
from gonghui.core.context import current_ip
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.portal import sms
from gonghui.portal.models.auth import CodePurpose, SmsCode
from gonghui.portal.services import auth as services
from gonghui.portal.testing.auth import PASSWORD, last_code, new_phone, portal_account, reset_sms_state

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "Hongshan-river-2027"


@pytest.fixture(autouse=True)
def _fresh():
    reset_sms_state()
    yield
    reset_sms_state()


def _age_codes(phone, seconds):
    """Pretend the codes of `phone` were sent `seconds` earlier (past the cooldown)."""
    for row in SmsCode.objects.filter(phone_hash=services.selectors.phone_hash(phone)):
        SmsCode.objects.filter(pk=row.pk).update(created_at=row.created_at - datetime.timedelta(seconds=seconds),
                                                 expires_at=row.expires_at - datetime.timedelta(seconds=seconds))
    from django.core.cache import cache

    cache.delete(f"portal-sms-send:{services.selectors.phone_hash(phone)}")


def _refusal(fn, **kwargs):
    with pytest.raises(DomainError) as info:
        fn(**kwargs)
    return info.value


# --- sending ---------------------------------------------------------------------------------
def test_a_code_is_sent_and_stored_only_as_a_hash():
    phone = new_phone()
    sent = services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    assert (sent.expires_in, sent.resend_in) == (300, 60)
    code = last_code(phone)
    assert code is not None and len(code) == 6 and code.isdigit()
    row = SmsCode.objects.get()
    assert code not in row.code_hash and phone not in row.phone_hash
    assert row.expires_at - row.created_at == datetime.timedelta(seconds=300)
    assert code in sms.outbox[-1].text


def test_the_number_is_checked():
    error = _refusal(services.request_code, phone="12345", purpose=CodePurpose.LOGIN)
    assert (error.code, error.field) == ("phone_format", "phone")
    assert _refusal(services.request_code, phone="", purpose=CodePurpose.LOGIN).code == "phone_required"
    assert _refusal(services.request_code, phone=new_phone(), purpose="NOPE").code == "purpose_invalid"
    assert not SmsCode.objects.exists() and not sms.outbox


def test_the_number_may_be_typed_with_spaces_and_country_code():
    services.request_code(phone="+86 139 0000 1234", purpose=CodePurpose.LOGIN)
    assert sms.outbox[-1].phone == "13900001234"


def test_one_code_a_minute_per_number():
    phone = new_phone()
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    error = _refusal(services.request_code, phone=phone, purpose=CodePurpose.SIGNUP)
    assert error.code == "code_cooldown" and 1 <= error.retry_after <= 60
    assert len(sms.outbox) == 1
    _age_codes(phone, 61)
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    assert len(sms.outbox) == 2


def test_cooldown_holds_even_when_the_cache_was_emptied():
    phone = new_phone()
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    from django.core.cache import cache

    cache.clear()
    assert _refusal(services.request_code, phone=phone, purpose=CodePurpose.LOGIN).code == "code_cooldown"


def test_hourly_and_daily_caps_per_number(settings):
    settings.PORTAL_AUTH_RULES = {"codes_per_phone_per_hour": 3, "codes_per_phone_per_day": 4}
    phone = new_phone()
    for _i in range(3):
        services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
        _age_codes(phone, 61)
    error = _refusal(services.request_code, phone=phone, purpose=CodePurpose.LOGIN)
    assert error.code == "code_phone_limit" and error.retry_after > 3000
    _age_codes(phone, 3600)
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    _age_codes(phone, 61)
    assert _refusal(services.request_code, phone=phone, purpose=CodePurpose.LOGIN).code == "code_phone_daily_limit"
    assert len(sms.outbox) == 4


def test_cap_per_client_address(settings):
    settings.PORTAL_AUTH_RULES = {"codes_per_ip_per_hour": 2}
    token = current_ip.set("203.0.113.9")
    try:
        services.request_code(phone=new_phone(), purpose=CodePurpose.LOGIN)
        services.request_code(phone=new_phone(), purpose=CodePurpose.SIGNUP)
        assert _refusal(services.request_code, phone=new_phone(), purpose=CodePurpose.LOGIN).code == "code_ip_limit"
    finally:
        current_ip.reset(token)
    other = current_ip.set("203.0.113.10")
    try:
        services.request_code(phone=new_phone(), purpose=CodePurpose.LOGIN)
    finally:
        current_ip.reset(other)
    assert len(sms.outbox) == 3


def test_a_gateway_failure_leaves_no_code_and_no_cooldown(settings, monkeypatch):
    phone = new_phone()

    def refuse(message):
        raise sms.SmsSendError("gateway down")

    monkeypatch.setattr(sms.LocmemBackend, "send", lambda self, message: refuse(message))
    assert _refusal(services.request_code, phone=phone, purpose=CodePurpose.LOGIN).code == "sms_failed"
    assert not SmsCode.objects.exists()
    monkeypatch.undo()
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    assert last_code(phone)


def test_no_gateway_configured(settings):
    settings.SMS_BACKEND = "gonghui.portal.sms.DisabledBackend"
    assert not sms.is_available()
    assert _refusal(services.request_code, phone=new_phone(), purpose=CodePurpose.LOGIN).code == "sms_unavailable"
    assert not SmsCode.objects.exists()


def test_same_answer_whether_or_not_the_number_has_an_account():
    known = portal_account().phone()
    unknown = new_phone()
    assert services.request_code(phone=known, purpose=CodePurpose.LOGIN) == \
        services.request_code(phone=unknown, purpose=CodePurpose.LOGIN)
    assert last_code(known) and last_code(unknown)


# --- checking codes ----------------------------------------------------------------------------
def test_code_sign_in_works_once():
    account = portal_account(verified=False)
    phone = account.phone()
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    code = last_code(phone)
    assert services.sign_in_with_code(phone=phone, code=code) == account
    account.refresh_from_db()
    assert account.phone_verified_at is not None
    assert AuditEvent.objects.filter(action="portal.account.code_login", object_id=str(account.pk)).count() == 1
    assert _refusal(services.sign_in_with_code, phone=phone, code=code).code == "code_expired"


def test_a_code_is_bound_to_its_purpose_and_number():
    account = portal_account()
    phone = account.phone()
    services.request_code(phone=phone, purpose=CodePurpose.RESET)
    assert _refusal(services.sign_in_with_code, phone=phone, code=last_code(phone)).code == "code_expired"
    other = portal_account()
    _refusal(services.sign_in_with_code, phone=other.phone(), code=last_code(phone))


def test_five_wrong_guesses_spend_the_code():
    phone = portal_account().phone()
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    code = last_code(phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    codes = [_refusal(services.sign_in_with_code, phone=phone, code=wrong).code for _i in range(5)]
    assert codes == ["code_wrong"] * 4 + ["code_attempts"]
    assert SmsCode.objects.get().attempts == 5
    # even the right code is refused now
    assert _refusal(services.sign_in_with_code, phone=phone, code=code).code == "code_attempts"


def test_an_expired_code_is_refused():
    phone = portal_account().phone()
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    SmsCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1),
                           created_at=timezone.now() - datetime.timedelta(seconds=301))
    assert _refusal(services.sign_in_with_code, phone=phone, code=last_code(phone)).code == "code_expired"


def test_only_the_newest_code_counts():
    phone = portal_account().phone()
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    first = last_code(phone)
    _age_codes(phone, 61)
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    second = last_code(phone)
    if first != second:
        assert _refusal(services.sign_in_with_code, phone=phone, code=first).code == "code_wrong"
    assert services.sign_in_with_code(phone=phone, code=second)


def test_code_sign_in_of_a_number_without_account_or_disabled():
    phone = new_phone()
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    assert _refusal(services.sign_in_with_code, phone=phone, code=last_code(phone)).code == "no_account"
    account = portal_account()
    account.is_active = False
    account.save()
    services.request_code(phone=account.phone(), purpose=CodePurpose.LOGIN)
    error = _refusal(services.sign_in_with_code, phone=account.phone(), code=last_code(account.phone()))
    assert error.code == "account_disabled"


# --- password sign-in --------------------------------------------------------------------------
def _request():
    return RequestFactory().post("/m/login/", REMOTE_ADDR="198.51.100.7")


def test_password_sign_in_by_phone():
    account = portal_account()
    user = services.authenticate_phone_password(request=_request(), phone=account.phone(), password=PASSWORD)
    assert user == account
    error = _refusal(services.authenticate_phone_password, request=_request(), phone=account.phone(),
                     password="wrong-password")
    assert error.code == "invalid_credentials"
    # an unknown number gets the same answer
    error2 = _refusal(services.authenticate_phone_password, request=_request(), phone=new_phone(),
                      password="wrong-password")
    assert error2.code == "invalid_credentials" and error2.messages == error.messages


def test_password_sign_in_locks_after_the_axes_limit(settings):
    account = portal_account()
    for _i in range(settings.AXES_FAILURE_LIMIT):
        _refusal(services.authenticate_phone_password, request=_request(), phone=account.phone(), password="nope")
    error = _refusal(services.authenticate_phone_password, request=_request(), phone=account.phone(),
                     password=PASSWORD)
    assert error.code == "locked_out"


# --- sign-up -----------------------------------------------------------------------------------
def test_sign_up_makes_an_account_without_roles():
    phone = new_phone()
    services.request_code(phone=phone, purpose=CodePurpose.SIGNUP)
    user = services.sign_up(phone=phone, code=last_code(phone), name=" 李 四 ", password=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.display_name == "李 四" and user.phone() == phone
    assert user.phone_masked == phone[:3] + "****" + phone[-4:]
    assert user.phone_verified_at is not None and user.check_password(NEW_PASSWORD)
    assert user.username.startswith("m-") and phone not in user.username
    assert not user.role_assignments.exists() and not user.is_staff and not user.is_superuser
    event = AuditEvent.objects.get(action="portal.account.signup")
    assert event.actor == user and phone not in str(event.after)


def test_sign_up_checks_name_and_password_before_spending_the_code():
    phone = new_phone()
    services.request_code(phone=phone, purpose=CodePurpose.SIGNUP)
    code = last_code(phone)
    assert _refusal(services.sign_up, phone=phone, code=code, name="", password=NEW_PASSWORD).field == "name"
    error = _refusal(services.sign_up, phone=phone, code=code, name="李四", password="12345678")
    assert (error.code, error.field) == ("password_invalid", "password1")
    assert _refusal(services.sign_up, phone=phone, code=code, name="李\x00四", password=NEW_PASSWORD).code == \
        "name_invalid"
    assert not User.objects.filter(display_name="李四").exists()
    assert SmsCode.objects.get().attempts == 0
    services.sign_up(phone=phone, code=code, name="李四", password=NEW_PASSWORD)


def test_sign_up_of_a_registered_number_says_sign_in_instead():
    account = portal_account()
    phone = account.phone()
    services.request_code(phone=phone, purpose=CodePurpose.SIGNUP)
    error = _refusal(services.sign_up, phone=phone, code=last_code(phone), name="李四", password=NEW_PASSWORD)
    assert (error.code, error.field) == ("phone_registered", "phone")
    assert User.objects.filter(phone_hash=account.phone_hash).count() == 1


def test_sign_up_needs_the_right_code():
    phone = new_phone()
    services.request_code(phone=phone, purpose=CodePurpose.SIGNUP)
    wrong = f"{(int(last_code(phone)) + 1) % 10**6:06d}"
    assert _refusal(services.sign_up, phone=phone, code=wrong, name="李四", password=NEW_PASSWORD).code == "code_wrong"
    assert _refusal(services.sign_up, phone=phone, code="", name="李四", password=NEW_PASSWORD).code == "code_required"
    assert not User.objects.filter(display_name="李四").exists()


def test_one_account_per_number_in_the_database():
    from django.db import IntegrityError, transaction

    account = portal_account()
    twin = User(username="twin", phone_hash=account.phone_hash)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    # accounts without a number do not collide
    User.objects.create(username="nophone1")
    User.objects.create(username="nophone2")


# --- password reset ----------------------------------------------------------------------------
def test_reset_sets_the_password_revokes_tokens_and_lifts_the_lockout(settings):
    from gonghui.accounts.services import create_api_token

    account = portal_account()
    account.must_change_password = True
    account.save()
    token, _raw = create_api_token(actor=account, name="app")
    phone = account.phone()
    for _i in range(settings.AXES_FAILURE_LIMIT):
        _refusal(services.authenticate_phone_password, request=_request(), phone=phone, password="nope")
    services.request_code(phone=phone, purpose=CodePurpose.RESET)
    user = services.reset_password(phone=phone, code=last_code(phone), new_password=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.must_change_password
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    event = AuditEvent.objects.get(action="portal.account.password_reset")
    assert event.after == {"tokens_revoked": 1}
    assert services.authenticate_phone_password(request=_request(), phone=phone, password=NEW_PASSWORD) == account


def test_reset_refuses_a_weak_password_and_keeps_the_code():
    account = portal_account()
    phone = account.phone()
    services.request_code(phone=phone, purpose=CodePurpose.RESET)
    code = last_code(phone)
    error = _refusal(services.reset_password, phone=phone, code=code, new_password="password")
    assert (error.code, error.field) == ("password_invalid", "new_password1")
    services.reset_password(phone=phone, code=code, new_password=NEW_PASSWORD)


def test_reset_of_an_unknown_number():
    phone = new_phone()
    services.request_code(phone=phone, purpose=CodePurpose.RESET)
    assert _refusal(services.reset_password, phone=phone, code=last_code(phone),
                    new_password=NEW_PASSWORD).code == "no_account"


# --- housekeeping -------------------------------------------------------------------------------
def test_purge_deletes_old_codes_only():
    phone = new_phone()
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    old = SmsCode.objects.create(phone_hash="x", purpose=CodePurpose.LOGIN, code_hash="y",
                                 created_at=timezone.now() - datetime.timedelta(days=8),
                                 expires_at=timezone.now() - datetime.timedelta(days=8) + datetime.timedelta(minutes=5))
    from gonghui.portal.tasks.auth import purge_sms_codes_task

    assert purge_sms_codes_task.delay().get() == 1
    assert not SmsCode.objects.filter(pk=old.pk).exists() and SmsCode.objects.count() == 1


def test_create_account_refuses_a_taken_number():
    from django.db import transaction

    account = portal_account()
    with pytest.raises(DomainError) as info, transaction.atomic():
        services.create_portal_account(phone=account.phone(), name="李四", password=NEW_PASSWORD)
    assert info.value.code == "phone_registered"
