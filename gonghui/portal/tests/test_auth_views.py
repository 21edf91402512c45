"""The phone pages: /m/login/ (password and SMS code), /m/signup/, /m/password/reset/, /m/logout/.
Plain form posts as a phone without JavaScript sends them."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from gonghui.core.testing.factories import UserFactory
from gonghui.portal import sms
from gonghui.portal.models.auth import SmsCode
from gonghui.portal.testing.auth import PASSWORD, last_code, new_phone, portal_account, reset_sms_state
from gonghui.portal.views.auth import portal_home_url

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "Hongshan-river-2027"


@pytest.fixture(autouse=True)
def _fresh():
    reset_sms_state()
    yield
    reset_sms_state()


def _errors(response):
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def _send(client, url, phone, **extra):
    return client.post(url, {"action": "send", "phone": phone, **extra})


# --- pages render ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["portal:login", "portal:signup", "portal:password_reset"])
def test_pages_render_for_visitors(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert 'name="phone"' in body and 'type="tel"' in body
    assert reverse("accounts:login") in body  # the way to the cadres' page


def test_code_mode_shows_the_send_button_first(client):
    body = client.get(reverse("portal:login") + "?mode=code").content.decode()
    assert 'value="send"' in body and 'name="code"' not in body


def test_signed_in_users_go_to_the_portal(client):
    client.force_login(portal_account())
    for name in ("portal:login", "portal:signup"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == portal_home_url()


def test_cadre_sign_in_page_links_to_the_phone_sign_in(client):
    assert reverse("portal:login") in client.get(reverse("accounts:login")).content.decode()


# --- password sign-in --------------------------------------------------------------------------
def test_password_sign_in(client):
    account = portal_account()
    response = client.post(reverse("portal:login"), {"mode": "password", "phone": account.phone(),
                                                     "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == portal_home_url()
    assert int(client.session["_auth_user_id"]) == account.pk


def test_password_sign_in_follows_a_safe_next_only(client):
    account = portal_account()
    data = {"mode": "password", "phone": account.phone(), "password": PASSWORD}
    response = client.post(reverse("portal:login"), {**data, "next": "/voice/my/appeals/"})
    assert response["Location"] == "/voice/my/appeals/"
    client.logout()
    response = client.post(reverse("portal:login"), {**data, "next": "https://evil.example/"})
    assert response["Location"] == portal_home_url()


def test_wrong_password_keeps_the_number_and_says_why(client):
    account = portal_account()
    with translation.override("zh-hans"):
        response = client.post(reverse("portal:login"), {"mode": "password", "phone": account.phone(),
                                                         "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert f'value="{account.phone()}"' in response.content.decode()
    assert response.context["form"].non_field_errors()


def test_bad_number_on_the_field(client):
    response = client.post(reverse("portal:login"), {"mode": "password", "phone": "123", "password": "x"})
    assert response.status_code == 200 and "phone" in _errors(response)


def test_lockout_is_shown_on_the_form_not_the_cadre_page(client, settings):
    account = portal_account()
    data = {"mode": "password", "phone": account.phone(), "password": "wrong"}
    for _i in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("portal:login"), data)
    response = client.post(reverse("portal:login"), {**data, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "portal/auth/login.html" in [t.name for t in response.templates]


# --- code sign-in ------------------------------------------------------------------------------
def test_code_sign_in_two_steps(client):
    account = portal_account()
    url = reverse("portal:login")
    response = _send(client, url, account.phone(), mode="code")
    assert response.status_code == 200 and response.context["step"] == 2
    body = response.content.decode()
    assert 'name="code"' in body and account.phone_masked in body and 'name="step" value="2"' in body
    response = client.post(url, {"mode": "code", "step": "2", "action": "submit", "phone": account.phone(),
                                 "code": last_code(account.phone())})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == account.pk


def test_code_sign_in_wrong_code_stays_on_step_two(client):
    account = portal_account()
    url = reverse("portal:login")
    _send(client, url, account.phone(), mode="code")
    wrong = f"{(int(last_code(account.phone())) + 1) % 10**6:06d}"
    response = client.post(url, {"mode": "code", "step": "2", "action": "submit", "phone": account.phone(),
                                 "code": wrong})
    assert response.status_code == 200 and response.context["step"] == 2 and "code" in _errors(response)
    assert SmsCode.objects.get().attempts == 1


def test_resend_too_soon_stays_on_step_two_and_says_how_long(client):
    phone = new_phone()
    url = reverse("portal:login")
    _send(client, url, phone, mode="code")
    response = _send(client, url, phone, mode="code")  # e.g. back on step 1 after sending
    assert response.context["step"] == 2 and response.context["notice"] and not response.context["form"].errors
    assert 'name="code"' in response.content.decode()
    assert len(sms.outbox) == 1


def test_send_with_a_bad_number_stays_on_step_one(client):
    response = _send(client, reverse("portal:signup"), "12345")
    assert response.context["step"] == 1 and "phone" in _errors(response)
    response = _send(client, reverse("portal:signup"), "1" * 30)
    assert response.context["step"] == 1 and "phone" in _errors(response)
    assert not sms.outbox


def test_hourly_cap_is_an_error_on_the_number(client, settings):
    settings.PORTAL_AUTH_RULES = {"codes_per_phone_per_hour": 1}
    from gonghui.portal.testing.auth import allow_resend

    phone = new_phone()
    url = reverse("portal:password_reset")
    _send(client, url, phone)
    allow_resend(phone)
    response = _send(client, url, phone, step="2")
    assert response.context["step"] == 2 and "phone" in _errors(response)


def test_without_a_gateway_the_code_mode_is_hidden(client, settings):
    settings.SMS_BACKEND = "gonghui.portal.sms.DisabledBackend"
    body = client.get(reverse("portal:login") + "?mode=code").content.decode()
    assert 'name="password"' in body and "mode=code" not in body
    assert reverse("portal:password_reset") not in body
    signup = client.get(reverse("portal:signup"))
    assert 'name="phone"' not in signup.content.decode()


# --- sign-up -----------------------------------------------------------------------------------
def test_sign_up_then_signed_in_without_roles(client):
    phone = new_phone()
    url = reverse("portal:signup")
    response = _send(client, url, phone)
    assert response.context["step"] == 2
    response = client.post(url, {"step": "2", "action": "submit", "phone": phone, "code": last_code(phone),
                                 "name": "王小明", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == portal_home_url()
    user = User.objects.get(pk=client.session["_auth_user_id"])
    assert user.display_name == "王小明" and user.phone() == phone and not user.role_assignments.exists()


def test_sign_up_keeps_what_was_typed_on_errors(client):
    phone = new_phone()
    url = reverse("portal:signup")
    _send(client, url, phone)
    response = client.post(url, {"step": "2", "action": "submit", "phone": phone, "code": last_code(phone),
                                 "name": "王小明", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert response.status_code == 200 and "password2" in _errors(response)
    body = response.content.decode()
    assert 'value="王小明"' in body and f'value="{phone}"' in body
    response = client.post(url, {"step": "2", "action": "submit", "phone": phone, "code": last_code(phone),
                                 "name": "王小明", "password1": "123", "password2": "123"})
    assert "password1" in _errors(response)
    assert not User.objects.filter(display_name="王小明").exists()


def test_sign_up_of_a_registered_number(client):
    account = portal_account()
    url = reverse("portal:signup")
    response = _send(client, url, account.phone())
    assert response.context["step"] == 2  # the same answer as for a new number
    response = client.post(url, {"step": "2", "action": "submit", "phone": account.phone(),
                                 "code": last_code(account.phone()), "name": "王小明", "password1": NEW_PASSWORD,
                                 "password2": NEW_PASSWORD})
    assert response.status_code == 200 and "phone" in _errors(response)
    body = response.content.decode()
    assert reverse("portal:login") in body and reverse("portal:password_reset") in body


# --- reset -------------------------------------------------------------------------------------
def test_password_reset_then_signed_in(client):
    account = portal_account()
    phone = account.phone()
    url = reverse("portal:password_reset")
    _send(client, url, phone)
    response = client.post(url, {"step": "2", "action": "submit", "phone": phone, "code": last_code(phone),
                                 "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == account.pk
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)


def test_reset_of_a_cadre_with_a_number_signs_out_their_other_sessions(client):
    from gonghui.portal.testing.auth import give_phone

    cadre = give_phone(UserFactory(username="cadre-with-phone"))
    other = type(client)()
    other.force_login(cadre)
    url = reverse("portal:password_reset")
    _send(client, url, cadre.phone())
    client.post(url, {"step": "2", "action": "submit", "phone": cadre.phone(), "code": last_code(cadre.phone()),
                      "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = other.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- sign out ----------------------------------------------------------------------------------
def test_sign_out_goes_back_to_the_phone_sign_in(client):
    client.force_login(portal_account())
    assert client.get(reverse("portal:logout")).status_code == 405
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:login")
    assert "_auth_user_id" not in client.session
