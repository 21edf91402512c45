"""Second factor for administrators (REQUIRE_ADMIN_OTP): redirect, set-up, verification."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts import services
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent


def code_for(device, offset=0):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


@pytest.fixture
def otp_on(settings):
    settings.REQUIRE_ADMIN_OTP = True


def test_district_staff_is_sent_to_verify_and_passes_with_a_valid_code(client, tree, otp_on):
    device = TOTPDevice.objects.create(user=tree.district_staff, name="phone", confirmed=True)
    client.force_login(tree.district_staff)

    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    # Tokens and role management are not a way around the second factor.
    for name in ("accounts:token_list", "accounts:role_list", "accounts:password_change", "core:audit_list"):
        assert client.get(reverse(name)).status_code == 302, name

    page = client.get(response["Location"])
    assert page.status_code == 200 and b'name="code"' in page.content

    wrong = client.post(reverse("accounts:otp_verify"), {"code": "000000" if code_for(device) != "000000"
                                                         else "111111", "next": "/"})
    assert wrong.status_code == 200 and "code is not right" in wrong.content.decode()
    malformed = client.post(reverse("accounts:otp_verify"), {"code": "12ab"})
    assert "Enter the 6 digits" in malformed.content.decode()

    device.refresh_from_db()
    device.throttle_reset()  # the wrong code above started the throttle
    ok = client.post(reverse("accounts:otp_verify"), {"code": code_for(device), "next": "/audit/"})
    assert ok.status_code == 302 and ok["Location"] == "/audit/"
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("accounts:token_list")).status_code == 200


def test_a_used_code_cannot_be_replayed(client, tree, otp_on):
    device = TOTPDevice.objects.create(user=tree.district_staff, name="phone", confirmed=True)
    code = code_for(device)
    assert services.verify_second_factor(actor=tree.district_staff, token=code) is not None
    with pytest.raises(DomainError) as err:
        services.verify_second_factor(actor=tree.district_staff, token=code)
    assert err.value.code in ("otp_wrong_code", "otp_throttled")


def test_repeated_wrong_codes_are_throttled(tree):
    device = TOTPDevice.objects.create(user=tree.district_staff, name="phone", confirmed=True)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    with pytest.raises(DomainError) as first:
        services.verify_second_factor(actor=tree.district_staff, token=wrong)
    assert first.value.code == "otp_wrong_code"
    with pytest.raises(DomainError) as second:
        services.verify_second_factor(actor=tree.district_staff, token=code_for(device))
    assert second.value.code == "otp_throttled"
    assert "Wait" in second.value.text


def test_cadres_are_not_asked_for_a_second_factor(client, tree, otp_on):
    client.force_login(tree.town1_cadre)
    assert client.get(reverse("core:home")).status_code == 200


def test_administrator_sets_up_an_authenticator(client, tree, otp_on):
    admin = tree.district_staff
    client.force_login(admin)
    verify = client.get(reverse("accounts:otp_verify") + "?next=/audit/")
    assert reverse("accounts:otp_setup") in verify.content.decode()

    setup = reverse("accounts:otp_setup")
    page = client.get(setup)
    assert page.status_code == 200 and not TOTPDevice.objects.exists()  # GET creates nothing
    started = client.post(setup, {"next": "/audit/"})
    assert started.status_code == 302
    device = TOTPDevice.objects.get(user=admin)
    assert not device.confirmed

    page = client.get(started["Location"])
    text = page.content.decode()
    assert "otpauth://totp/" in text and "no-store" in page.get("Cache-Control", "")
    assert page.context["config_url"] == device.config_url

    bad = client.post(reverse("accounts:otp_setup_confirm"), {"code": "12"})
    assert bad.status_code == 200 and "Enter the 6 digits" in bad.content.decode()

    ok = client.post(reverse("accounts:otp_setup_confirm"), {"code": code_for(device), "next": "/audit/"})
    assert ok.status_code == 302 and ok["Location"] == "/audit/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("core:home")).status_code == 200  # this session is verified
    assert AuditEvent.objects.filter(action="accounts.otp.enable", actor=admin).exists()

    # Once on, the page says so and a second set-up is refused.
    assert "is on" in client.get(setup).content.decode()
    client.post(setup)
    assert TOTPDevice.objects.filter(user=admin).count() == 1


def test_only_administrators_set_up_a_second_factor(client, tree):
    client.force_login(tree.town1_cadre)
    assert client.get(reverse("accounts:otp_setup")).status_code == 403
    assert client.post(reverse("accounts:otp_setup")).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_verify_page_needs_sign_in(client, db):
    response = client.get(reverse("accounts:otp_verify"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
