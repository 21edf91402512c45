"""Sign-in with lockout, sign-out, password change and the profile page."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from gonghui.core.models import AuditEvent

PASSWORD = "test-pass-2026"  # what UserFactory sets


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       REMOTE_ADDR=ip)


def test_login_page_renders_and_signs_in(client, tree):
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert b'name="username"' in page.content and b'name="password"' in page.content

    response = _login(client, "town1", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


def test_login_next_is_followed_only_on_this_site(client, tree):
    url = reverse("accounts:login")
    ok = client.post(url, {"username": "town1", "password": PASSWORD, "next": "/audit/"})
    assert ok["Location"] == "/audit/"
    client.logout()
    evil = client.post(url, {"username": "town1", "password": PASSWORD, "next": "https://evil.example/"})
    assert evil["Location"] == reverse("core:home")


def test_wrong_password_gives_a_specific_error(client, tree):
    response = _login(client, "town1", "wrong-password")
    assert response.status_code == 200
    text = response.content.decode()
    assert "username or password is wrong" in text
    assert "5 failed attempts" in text


def test_five_failures_lock_username_and_ip(client, tree, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert _login(client, "town1", "wrong-password").status_code == 200
    fifth = _login(client, "town1", "wrong-password")
    assert fifth.status_code == 429
    # Even the right password is refused now, with the lockout page in plain words.
    locked = _login(client, "town1", PASSWORD)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Account locked" in text
    assert "locked for 30 minutes" in text
    assert AccessAttempt.objects.filter(username="town1", ip_address="10.0.0.1").exists()

    # The lock is on the pair (username, IP): the same user elsewhere, or another user here, may sign in.
    assert _login(client, "town1", PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert _login(client, "town2", PASSWORD, ip="10.0.0.1").status_code == 302


def test_success_before_the_limit_resets_the_count(client, tree):
    for _ in range(4):
        _login(client, "town1", "wrong-password")
    assert _login(client, "town1", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _login(client, "town1", "wrong-password").status_code == 200


def test_logout_is_post_only(client, tree):
    client.force_login(tree.town1_cadre)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302  # back to the login page


@pytest.mark.parametrize("url_name", ["accounts:profile", "accounts:password_change", "accounts:token_list"])
def test_account_pages_need_sign_in(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_password_change(client, tree):
    user = tree.town1_cadre
    client.force_login(user)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200

    wrong_old = client.post(url, {"old_password": "nope", "new_password1": "Kx7-long-enough-pw",
                                  "new_password2": "Kx7-long-enough-pw"})
    assert wrong_old.status_code == 200
    assert "old password was entered incorrectly" in wrong_old.content.decode()

    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    text = weak.content.decode()
    assert weak.status_code == 200
    assert "too short" in text and "entirely numeric" in text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    ok = client.post(url, {"old_password": PASSWORD, "new_password1": "Kx7-long-enough-pw",
                           "new_password2": "Kx7-long-enough-pw"})
    assert ok.status_code == 302 and ok["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.check_password("Kx7-long-enough-pw")
    # Still signed in (session hash updated), and the change is on the trail without the password.
    assert client.get(reverse("accounts:profile")).status_code == 200
    event = AuditEvent.objects.get(action="accounts.password.change")
    assert event.actor == user and event.org == tree.town1
    assert "password" not in str(event.before) + str(event.after)


def test_profile_lists_role_assignments(client, tree):
    from gonghui.accounts.models import RoleAssignment
    from gonghui.accounts.roles import Role

    RoleAssignment.objects.create(user=tree.town1_cadre, org=tree.union2, role=Role.UNION_STAFF)
    client.force_login(tree.town1_cadre)
    text = client.get(reverse("accounts:profile")).content.decode()
    assert "Town federation cadre" in text and tree.town1.name in text
    assert "Union staff" in text and tree.union2.name in text
    assert reverse("accounts:role_list") in text  # a manager gets the link


def test_profile_of_member_has_no_management_link(client, tree):
    client.force_login(tree.member_user)
    text = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:role_list") not in text
    assert reverse("accounts:otp_setup") not in text
