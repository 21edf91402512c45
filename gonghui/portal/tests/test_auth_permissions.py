"""Who may sign in by phone, and what they can reach afterwards: account kind × way in (page with
password, page with code, API with password, API with code). Sign-up gives no role, so a new
account sees no org's records (scope fails closed); the pages cost a fixed number of queries."""

import pytest
from django.urls import reverse

from gonghui.accounts.models import RoleAssignment
from gonghui.accounts.roles import Role
from gonghui.members.models import Membership
from gonghui.portal.testing.auth import (
    PASSWORD,
    give_phone,
    last_code,
    new_phone,
    portal_account,
    reset_sms_state,
)
from gonghui.portal.views.auth import portal_home_url

pytestmark = pytest.mark.django_db

OK, REFUSED, OTP, CHANGE_PASSWORD = "ok", "refused", "otp", "change-password"
WAYS = ("page-password", "page-code", "api-password", "api-code")


@pytest.fixture(autouse=True)
def _fresh():
    reset_sms_state()
    yield
    reset_sms_state()


def _account(kind, tree):
    if kind == "worker":
        return portal_account()
    if kind == "member":
        return give_phone(tree.member_user)
    if kind == "union_chair":
        return give_phone(tree.union1_chair)
    if kind == "town_cadre":
        return give_phone(tree.town1_cadre)
    if kind == "district_staff":
        return give_phone(tree.district_staff)
    if kind == "disabled":
        user = portal_account()
        user.is_active = False
        user.save()
        return user
    if kind == "password_set_by_cadre":
        user = portal_account()
        user.must_change_password = True
        user.save()
        return user
    raise AssertionError(kind)


def _page(client, user, way):
    """Sign in on the page; OK when signed in and the portal home opens; else where it sends."""
    url = reverse("portal:login")
    phone = user.phone()
    if way == "page-password":
        client.post(url, {"mode": "password", "phone": phone, "password": PASSWORD})
    else:
        client.post(url, {"mode": "code", "action": "send", "phone": phone})
        client.post(url, {"mode": "code", "step": "2", "action": "submit", "phone": phone, "code": last_code(phone)})
    if "_auth_user_id" not in client.session:
        return REFUSED
    response = client.get(portal_home_url())
    if response.status_code == 200:
        return OK
    location = response.get("Location", "")
    if location.startswith(reverse("accounts:otp_verify")):
        return OTP
    if location.startswith(reverse("accounts:password_change")):
        return CHANGE_PASSWORD
    return f"{response.status_code} {location}"


def _api(client, user, way):
    phone = user.phone()
    body = {"phone": phone}
    if way == "api-password":
        body["password"] = PASSWORD
    else:
        client.post("/api/v1/portal/auth/code", {"phone": phone}, content_type="application/json")
        body["code"] = last_code(phone)
    response = client.post("/api/v1/portal/auth/token", body, content_type="application/json")
    if response.status_code == 200:
        return OK
    code = response.json()["code"]
    return {"otp_required": OTP, "password_change_required": CHANGE_PASSWORD}.get(code, REFUSED)


EXPECTED = {
    "worker": (OK, OK, OK, OK),
    "member": (OK, OK, OK, OK),
    "union_chair": (OK, OK, OK, OK),
    "town_cadre": (OK, OK, OK, OK),
    # district staff are administrators: with REQUIRE_ADMIN_OTP on, the second factor comes next
    "district_staff": (OTP, OTP, OTP, OTP),
    "disabled": (REFUSED, REFUSED, REFUSED, REFUSED),
    "password_set_by_cadre": (CHANGE_PASSWORD, CHANGE_PASSWORD, CHANGE_PASSWORD, CHANGE_PASSWORD),
}


@pytest.mark.parametrize("kind", list(EXPECTED))
@pytest.mark.parametrize("way", WAYS)
def test_sign_in_matrix(client, tree, settings, kind, way):
    settings.REQUIRE_ADMIN_OTP = True
    user = _account(kind, tree)
    outcome = _page(client, user, way) if way.startswith("page") else _api(client, user, way)
    assert outcome == EXPECTED[kind][WAYS.index(way)]


def test_a_signed_up_account_reaches_no_org_records(client, tree):
    tree.member(tree.union1)
    phone = new_phone()
    url = reverse("portal:signup")
    client.post(url, {"action": "send", "phone": phone})
    client.post(url, {"step": "2", "action": "submit", "phone": phone, "code": last_code(phone), "name": "王小明",
                      "password1": "Hongshan-river-2027", "password2": "Hongshan-river-2027"})
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert not Membership.objects.visible_to(user).exists()
    assert not user.can("members.view") and not user.can("portal.view")
    assert client.get(reverse("members:list")).status_code in (403, 404)


def test_the_signed_in_user_cannot_reset_someone_else_without_their_code(client):
    mine, theirs = portal_account(), portal_account()
    client.force_login(mine)
    url = reverse("portal:password_reset")
    client.post(url, {"action": "send", "phone": mine.phone()})
    response = client.post(url, {"step": "2", "action": "submit", "phone": theirs.phone(),
                                 "code": last_code(mine.phone()), "new_password1": "Hongshan-river-2027",
                                 "new_password2": "Hongshan-river-2027"})
    assert response.status_code == 200 and "code" in response.context["form"].errors
    theirs.refresh_from_db()
    assert theirs.check_password(PASSWORD)


def test_add_role_then_phone_sign_in_keeps_the_role_scope(client, tree):
    """A cadre who signs in by phone gets exactly the scope of their roles."""
    cadre = give_phone(tree.town1_cadre)
    client.post(reverse("portal:login"), {"mode": "password", "phone": cadre.phone(), "password": PASSWORD})
    assert client.get(reverse("members:list")).status_code == 200
    assert RoleAssignment.objects.filter(user=cadre, role=Role.TOWN_CADRE).count() == 1


# --- query counts ------------------------------------------------------------------------------
def test_pages_cost_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    account = portal_account()
    for name in ("portal:login", "portal:signup", "portal:password_reset"):
        with django_assert_max_num_queries(3):
            assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(7):  # limits (last, hour, day, address), insert, savepoint
        client.post(reverse("portal:login"), {"mode": "code", "action": "send", "phone": account.phone()})
    with django_assert_max_num_queries(20):  # code check, account, consume, audit, session, axes log
        response = client.post(reverse("portal:login"), {"mode": "code", "step": "2", "action": "submit",
                                                         "phone": account.phone(),
                                                         "code": last_code(account.phone())})
    assert response.status_code == 302
