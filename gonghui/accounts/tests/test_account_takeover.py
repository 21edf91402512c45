"""Ways around the reach rule of cadre-managed accounts stay closed: placing a role-less account
into one's own area, getting a compromised account's sessions or tokens back by enabling it,
and using an API token before a one-time password is replaced."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.accounts import services
from gonghui.accounts.models import ApiToken, RoleAssignment
from gonghui.accounts.roles import Role
from gonghui.core.errors import DomainError
from gonghui.core.testing.api import ApiClient, token_for
from gonghui.core.testing.factories import UserFactory, user_with_role

PASSWORD = "test-pass-2026"


def test_a_cadre_cannot_place_a_role_less_account_and_then_reset_it(tree):
    loose = UserFactory(username="loose")
    with pytest.raises(DomainError) as refused:
        services.assign_role(actor=tree.town1_cadre, user=loose, org=tree.union1, role=Role.MEMBER)
    assert refused.value.code == "account_no_roles"
    assert not RoleAssignment.objects.filter(user=loose).exists()
    # a system administrator places it; from then on the town cadre looks after it
    admin = UserFactory(username="root", is_superuser=True)
    services.assign_role(actor=admin, user=loose, org=tree.union1, role=Role.MEMBER)
    assert services.reset_password(actor=tree.town1_cadre, user=loose)


def test_giving_a_second_role_to_an_account_from_elsewhere_is_still_allowed(tree):
    services.assign_role(actor=tree.town1_cadre, user=tree.union2_chair, org=tree.union1, role=Role.MEMBER)
    with pytest.raises(PermissionDenied):  # but it stays out of the town1 cadre's reach for a reset
        services.reset_password(actor=tree.town1_cadre, user=tree.union2_chair)


def test_disabling_revokes_tokens_and_enabling_gives_a_new_password(tree):
    chair = user_with_role(tree.union1, Role.UNION_STAFF, username="staff.two")
    raw = token_for(chair)
    browser = Client()
    browser.force_login(chair)
    assert services.set_account_active(actor=tree.town1_cadre, user=chair, active=False) is None
    assert not ApiToken.objects.live().filter(user=chair).exists()

    password = services.set_account_active(actor=tree.town1_cadre, user=chair, active=True)
    chair.refresh_from_db()
    assert chair.is_active and chair.must_change_password and chair.check_password(password)
    assert not chair.check_password(PASSWORD)
    assert ApiClient(raw).get("/members").status_code == 401  # the old token stays dead
    response = browser.get(reverse("core:home"))  # so does the session from before
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_enable_page_shows_the_new_password_once(tree, client):
    chair = user_with_role(tree.union1, Role.UNION_STAFF, username="staff.three")
    services.set_account_active(actor=tree.town1_cadre, user=chair, active=False)
    client.force_login(tree.town1_cadre)
    response = client.post(reverse("accounts:account_enable", args=[chair.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["password"]
    chair.refresh_from_db()
    assert chair.check_password(password) and response.context["enabled"]


def test_api_token_of_an_account_with_a_one_time_password_is_refused(tree):
    raw = token_for(tree.union1_staff)
    tree.union1_staff.must_change_password = True
    tree.union1_staff.save(update_fields=["must_change_password"])
    response = ApiClient(raw).get("/members")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"
