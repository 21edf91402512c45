"""Accounts opened and looked after by cadres: create with a one-time password, reset, disable,
enable — each only inside the manager's reach — and the forced password change that follows."""

import json
import re

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.accounts import services
from gonghui.accounts.models import ApiToken, RoleAssignment, User
from gonghui.accounts.roles import Role
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import ApiClient, token_for
from gonghui.core.testing.factories import UserFactory, user_with_role

PASSWORD = "test-pass-2026"  # what UserFactory sets
NEW_PASSWORD = "my-own-secret-2026"


def create_url(org):
    return reverse("accounts:account_create", args=[org.pk])


def new_account_post(username, role=Role.UNION_STAFF, display_name="王小明", email=""):
    return {"new-username": username, "new-display_name": display_name, "new-email": email, "new-role": role}


def audit_text():
    rows = AuditEvent.objects.values("action", "object_repr", "before", "after")
    return json.dumps(list(rows), ensure_ascii=False, default=str)


# --- one-time passwords ---------------------------------------------------------------------------
def test_one_time_passwords_are_long_readable_and_accepted_by_the_validators():
    seen = set()
    for _ in range(200):
        value = services.generate_one_time_password()
        assert len(value) >= 12
        assert not set(value) & set("0O1lI"), value
        assert re.search(r"\d", value) and re.search(r"[a-z]", value)
        password_validation.validate_password(value)
        seen.add(value)
    assert len(seen) == 200


# --- services -------------------------------------------------------------------------------------
def test_town_cadre_opens_an_account_with_a_role_in_their_town(tree):
    user, password = services.create_account(actor=tree.town1_cadre, org=tree.union1b, role=Role.UNION_CHAIR,
                                             username="zhang.chair", display_name="张主席", email="z@example.com")
    assert user.must_change_password and user.is_active
    assert user.check_password(password)
    assert user.display_name == "张主席" and user.email == "z@example.com"
    assert RoleAssignment.objects.get(user=user).org == tree.union1b
    assert user.can("members.view", tree.union1b) and not user.can("members.view", tree.union1)

    created = AuditEvent.objects.get(action="accounts.user.create")
    assert created.actor == tree.town1_cadre and created.org == tree.union1b
    assert created.after == {"username": "zhang.chair", "display_name": "张主席", "email": "z@example.com",
                             "is_active": True, "must_change_password": True}
    assert AuditEvent.objects.filter(action="accounts.role.assign", org=tree.union1b).exists()
    assert password not in audit_text() and user.password not in audit_text()


@pytest.mark.parametrize(("username", "code"), [
    ("UNION1", "username_taken"),  # "union1" exists: upper and lower case are the same letter
    ("Union1", "username_taken"),
    ("wang wei", "username_invalid"),
    ("wang/wei", "username_invalid"),
    ("wang<script>", "username_invalid"),
    ("   ", "username_required"),
    ("x" * 151, "username_too_long"),
])
def test_usernames_are_checked(tree, username, code):
    with pytest.raises(DomainError) as err:
        services.create_account(actor=tree.town1_cadre, org=tree.union1, role=Role.MEMBER, username=username,
                                display_name="王五")
    assert err.value.code == code and err.value.field == "username"
    assert not User.objects.filter(display_name="王五").exists()
    assert not AuditEvent.objects.exists()


def test_a_case_variant_cannot_slip_past_the_check(tree):
    """The database refuses it too (two requests at once both pass the look-up)."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="Town1")


def test_chinese_usernames_and_other_fields(tree):
    user, _pw = services.create_account(actor=tree.town1_cadre, org=tree.union1, role=Role.MEMBER,
                                        username="王小明", display_name="王小明")
    assert user.username == "王小明"
    with pytest.raises(DomainError) as err:
        services.create_account(actor=tree.town1_cadre, org=tree.union1, role=Role.MEMBER,
                                username="li", display_name=" ")
    assert (err.value.code, err.value.field) == ("display_name_required", "display_name")
    with pytest.raises(DomainError) as err:
        services.create_account(actor=tree.town1_cadre, org=tree.union1, role=Role.MEMBER,
                                username="li", display_name="李四", email="not-an-address")
    assert (err.value.code, err.value.field) == ("email_invalid", "email")


def test_the_role_rules_of_assign_role_apply(tree):
    for role, code in [(Role.DISTRICT_STAFF, "role_above_own"), (Role.TOWN_CADRE, "role_level_mismatch"),
                       ("KING", "role_unknown")]:
        with pytest.raises(DomainError) as err:
            services.create_account(actor=tree.town1_cadre, org=tree.union1, role=role, username="zhao",
                                    display_name="赵六")
        assert err.value.code == code
    assert not User.objects.filter(username="zhao").exists()
    with pytest.raises(PermissionDenied):
        services.create_account(actor=tree.town1_cadre, org=tree.union2, role=Role.MEMBER, username="zhao",
                                display_name="赵六")
    with pytest.raises(PermissionDenied):
        services.create_account(actor=tree.union1_chair, org=tree.union1, role=Role.MEMBER, username="zhao",
                                display_name="赵六")
    assert not User.objects.filter(username="zhao").exists()
    assert not AuditEvent.objects.exists()


def test_reset_gives_a_new_one_time_password_and_revokes_tokens(tree):
    target = tree.union1_staff
    token_for(target)
    password = services.reset_password(actor=tree.town1_cadre, user=target)
    target.refresh_from_db()
    assert target.must_change_password and target.check_password(password)
    assert not target.check_password(PASSWORD)
    assert not ApiToken.objects.live().filter(user=target).exists()
    event = AuditEvent.objects.get(action="accounts.user.password_reset")
    assert event.actor == tree.town1_cadre and event.org == tree.union1
    assert event.after == {"must_change_password": True, "tokens_revoked": 1}
    assert password not in audit_text() and target.password not in audit_text()


def test_disable_and_enable(tree):
    target = tree.union1_chair
    services.set_account_active(actor=tree.town1_cadre, user=target, active=False)
    target.refresh_from_db()
    assert not target.is_active
    assert RoleAssignment.objects.filter(user=target).exists()  # roles are kept
    with pytest.raises(DomainError) as err:
        services.set_account_active(actor=tree.town1_cadre, user=target, active=False)
    assert err.value.code == "account_already_disabled"
    password = services.set_account_active(actor=tree.town1_cadre, user=target, active=True)
    target.refresh_from_db()
    assert target.is_active and target.must_change_password and target.check_password(password)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "before", "after"))
    assert actions == [("accounts.user.disable", {"is_active": True}, {"is_active": False, "tokens_revoked": 0}),
                       ("accounts.user.enable", {"is_active": False},
                        {"is_active": True, "must_change_password": True})]
    assert password not in audit_text()


def test_reach_is_every_role_the_account_holds(tree):
    cadre = tree.town1_cadre
    # A district account, and someone who also holds a role in town2, are out of a town cadre's reach.
    for target in (tree.district_staff, tree.town2_cadre):
        with pytest.raises(PermissionDenied):
            services.reset_password(actor=cadre, user=target)
    both = user_with_role(tree.union1, Role.UNION_STAFF)
    RoleAssignment.objects.create(user=both, org=tree.union2, role=Role.MEMBER)
    with pytest.raises(PermissionDenied):
        services.set_account_active(actor=cadre, user=both, active=False)
    services.reset_password(actor=tree.district_staff, user=both)  # the district reaches both

    # Rank: a district-level role misplaced on the town still outranks the cadre.
    odd = UserFactory()
    RoleAssignment.objects.create(user=odd, org=tree.town1, role=Role.DISTRICT_STAFF)
    with pytest.raises(PermissionDenied):
        services.reset_password(actor=cadre, user=odd)
    # A colleague of the same rank in the same town is not: peers never take over each other's
    # accounts; the district resets them.
    colleague = user_with_role(tree.town1, Role.TOWN_CADRE)
    with pytest.raises(PermissionDenied):
        services.reset_password(actor=cadre, user=colleague)
    services.reset_password(actor=tree.district_staff, user=colleague)
    with pytest.raises(PermissionDenied):  # nor one district account another
        services.reset_password(actor=tree.district_staff, user=user_with_role(tree.district, Role.DISTRICT_STAFF))


def test_superusers_staff_and_roleless_accounts_are_for_superusers_only(tree):
    root = UserFactory(is_superuser=True, is_staff=True)
    boss = user_with_role(tree.union1, Role.MEMBER, is_superuser=True)
    staff = user_with_role(tree.union1, Role.MEMBER, is_staff=True)
    for actor in (tree.district_staff, tree.town1_cadre):
        for target in (boss, staff, tree.outsider):
            with pytest.raises(PermissionDenied):
                services.reset_password(actor=actor, user=target)
    for target in (boss, staff, tree.outsider, tree.district_staff):
        services.reset_password(actor=root, user=target)
    other_root = UserFactory(is_superuser=True)
    services.set_account_active(actor=root, user=other_root, active=False)


def test_nobody_manages_their_own_account_here(tree):
    for call in (lambda: services.reset_password(actor=tree.town1_cadre, user=tree.town1_cadre),
                 lambda: services.set_account_active(actor=tree.town1_cadre, user=tree.town1_cadre, active=False)):
        with pytest.raises(DomainError) as err:
            call()
        assert err.value.code == "account_own"
    tree.town1_cadre.refresh_from_db()
    assert tree.town1_cadre.is_active and tree.town1_cadre.check_password(PASSWORD)


# --- permission matrix (pages) ---------------------------------------------------------------------
ACTORS = ["district_staff", "town1_cadre", "union1_chair", "union1_staff", "member_user", "outsider"]
# The target lives in town1 ("in") or town2 ("out"); town1's cadre reaches only "in".
EXPECTED = {
    "district_staff": {"in": "ok", "out": "ok"},
    "town1_cadre": {"in": "ok", "out": 404},
    "union1_chair": {"in": 403, "out": 403},
    "union1_staff": {"in": 403, "out": 403},
    "member_user": {"in": 403, "out": 403},
    "outsider": {"in": 403, "out": 403},
}
MATRIX = [(who, action, scope) for who in ACTORS for action in ("create", "reset", "disable")
          for scope in ("in", "out")]


@pytest.mark.parametrize(("who", "action", "scope"), MATRIX, ids=["-".join(m) for m in MATRIX])
def test_permission_matrix(client, tree, who, action, scope):
    union = tree.union1 if scope == "in" else tree.union2
    target = user_with_role(union, Role.UNION_STAFF, username="target")
    client.force_login(getattr(tree, who))
    expected = EXPECTED[who][scope]
    if action == "create":
        response = client.post(create_url(union), new_account_post("newcomer"))
        done = User.objects.filter(username="newcomer").exists()
        ok_status = 200
    elif action == "reset":
        response = client.post(reverse("accounts:account_reset_password", args=[target.pk]))
        target.refresh_from_db()
        done = target.must_change_password
        ok_status = 200
    else:
        response = client.post(reverse("accounts:account_disable", args=[target.pk]))
        target.refresh_from_db()
        done = not target.is_active
        ok_status = 302
    if expected == "ok":
        assert response.status_code == ok_status, response.content[:300]
        assert done
    else:
        assert response.status_code == expected
        assert not done
        assert not AuditEvent.objects.filter(action__startswith="accounts.user.").exists()


@pytest.mark.parametrize("url_name", ["accounts:account_reset_password", "accounts:account_disable",
                                      "accounts:account_enable"])
def test_out_of_reach_targets(client, tree, url_name):
    client.force_login(tree.town1_cadre)
    # Not placed in town1 at all: the same 404 as a missing id.
    for target_pk in (tree.district_staff.pk, tree.union2_chair.pk, tree.outsider.pk, 999999):
        assert client.post(reverse(url_name, args=[target_pk])).status_code == 404
    # Placed in town1 but also elsewhere, or a superuser: visible, refused.
    both = user_with_role(tree.union1, Role.UNION_STAFF)
    RoleAssignment.objects.create(user=both, org=tree.union2, role=Role.MEMBER)
    boss = user_with_role(tree.union1b, Role.UNION_CHAIR, is_superuser=True)
    for target in (both, boss):
        assert client.post(reverse(url_name, args=[target.pk])).status_code == 403
    # GET is not an action.
    assert client.get(reverse(url_name, args=[tree.union1_staff.pk])).status_code == 405
    assert not AuditEvent.objects.exists()


def test_buttons_only_where_allowed(client, tree):
    boss = user_with_role(tree.union1, Role.UNION_STAFF, username="boss", is_superuser=True)
    both = user_with_role(tree.union1, Role.UNION_STAFF, username="both")
    RoleAssignment.objects.create(user=both, org=tree.union2, role=Role.MEMBER)
    client.force_login(tree.town1_cadre)
    page = client.get(reverse("accounts:org_roles", args=[tree.union1.pk]))
    flags = {a.user.username: a.may_manage_account for a in page.context["assignments"]}
    assert flags == {"union1": True, "union1staff": True, "member1": True, "boss": False, "both": False}
    text = page.content.decode()
    assert reverse("accounts:account_reset_password", args=[tree.union1_chair.pk]) in text
    assert reverse("accounts:account_disable", args=[tree.union1_chair.pk]) in text
    for hidden in (boss, both):
        assert reverse("accounts:account_reset_password", args=[hidden.pk]) not in text

    own = client.get(reverse("accounts:org_roles", args=[tree.town1.pk]))
    assert reverse("accounts:account_reset_password", args=[tree.town1_cadre.pk]) not in own.content.decode()

    listing = client.get(reverse("accounts:role_list"))
    flags = {a.user.username: a.may_manage_account for a in listing.context["page"].items}
    assert flags["union1"] and not flags["town1"] and not flags["both"]
    # The district sees "both" as in reach.
    client.force_login(tree.district_staff)
    listing = client.get(reverse("accounts:role_list"))
    assert {a.user.username: a.may_manage_account for a in listing.context["page"].items}["both"]


# --- pages -------------------------------------------------------------------------------------------
def test_create_through_the_page_shows_the_password_once(client, tree):
    client.force_login(tree.town1_cadre)
    page = client.get(reverse("accounts:org_roles", args=[tree.union1b.pk]))
    assert [v for v, _l in page.context["account_form"].fields["role"].choices] == [
        Role.UNION_CHAIR, Role.UNION_STAFF, Role.MEMBER]
    assert f'action="{create_url(tree.union1b)}#new-account"' in page.content.decode()

    response = client.post(create_url(tree.union1b), new_account_post("chen", Role.UNION_CHAIR, "陈主席",
                                                                       "chen@example.com"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    text = response.content.decode()
    assert password in text and "shown only this once" in text and "choose a password of their own" in text
    user = User.objects.get(username="chen")
    assert user.check_password(password) and user.must_change_password
    assert RoleAssignment.objects.get(user=user).role == Role.UNION_CHAIR
    # Not on the roles page afterwards.
    after = client.get(reverse("accounts:org_roles", args=[tree.union1b.pk]))
    assert password not in after.content.decode() and "chen" in after.content.decode()


def test_create_errors_stay_on_the_page(client, tree):
    client.force_login(tree.town1_cadre)
    taken = client.post(create_url(tree.union1), new_account_post("Member1"))
    assert taken.status_code == 200
    assert "already taken" in taken.content.decode()
    assert taken.context["account_form"].errors["username"]
    bad = client.post(create_url(tree.union1), new_account_post("wang wei"))
    assert "may contain only letters, digits" in bad.content.decode()
    above = client.post(create_url(tree.union1), new_account_post("wang", Role.DISTRICT_STAFF))
    assert "Select a valid choice" in above.content.decode()
    email = client.post(create_url(tree.union1), new_account_post("wang", email="nope"))
    assert email.context["account_form"].errors["email"]
    assert not User.objects.filter(username__in=["wang", "wang wei"]).exists()
    assert not AuditEvent.objects.exists()


def test_reset_through_the_page(client, tree):
    client.force_login(tree.town1_cadre)
    back = reverse("accounts:org_roles", args=[tree.union1.pk])
    response = client.post(reverse("accounts:account_reset_password", args=[tree.union1_chair.pk]), {"next": back})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response.context["password"] in response.content.decode()
    assert response.context["back"] == back
    evil = client.post(reverse("accounts:account_reset_password", args=[tree.union1_chair.pk]),
                       {"next": "https://evil.example/"})
    assert evil.context["back"] == reverse("accounts:role_list")


def test_disable_and_enable_through_the_page(client, tree):
    client.force_login(tree.town1_cadre)
    back = reverse("accounts:org_roles", args=[tree.union1.pk])
    response = client.post(reverse("accounts:account_disable", args=[tree.union1_chair.pk]), {"next": back},
                           follow=True)
    assert response.redirect_chain[-1][0] == back
    text = response.content.decode()
    assert "can no longer sign in" in text and "disabled" in text
    assert reverse("accounts:account_enable", args=[tree.union1_chair.pk]) in text
    # The disabled person cannot sign in any more.
    other = client.__class__()
    assert other.post(reverse("accounts:login"), {"username": "union1", "password": PASSWORD}).status_code == 200
    enabled = client.post(reverse("accounts:account_enable", args=[tree.union1_chair.pk]))
    one_time = enabled.context["password"]  # enabling gives a new one-time password
    assert other.post(reverse("accounts:login"), {"username": "union1", "password": PASSWORD}).status_code == 200
    assert other.post(reverse("accounts:login"), {"username": "union1", "password": one_time}).status_code == 302


def test_own_account_on_the_page_shows_a_message(client, tree):
    client.force_login(tree.town1_cadre)
    response = client.post(reverse("accounts:account_disable", args=[tree.town1_cadre.pk]), follow=True)
    assert "your own account" in response.content.decode()
    tree.town1_cadre.refresh_from_db()
    assert tree.town1_cadre.is_active


def test_a_disabled_session_ends(client, tree):
    client.force_login(tree.union1_chair)
    assert client.get(reverse("core:home")).status_code == 200
    services.set_account_active(actor=tree.town1_cadre, user=tree.union1_chair, active=False)
    assert client.get(reverse("core:home")).status_code == 302


# --- forced password change ---------------------------------------------------------------------------
def test_first_sign_in_leads_through_the_password_change(client, tree):
    user, password = services.create_account(actor=tree.town1_cadre, org=tree.union1b, role=Role.UNION_CHAIR,
                                             username="liu", display_name="刘主席")
    login = client.post(reverse("accounts:login"), {"username": "liu", "password": password})
    assert login.status_code == 302
    change_url = reverse("accounts:password_change")
    home = client.get(reverse("core:home"))
    assert home.status_code == 302 and home["Location"] == change_url
    elsewhere = client.get(reverse("accounts:token_list"))
    assert elsewhere["Location"] == f"{change_url}?next=%2Faccounts%2Ftokens%2F"

    page = client.get(change_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your password was set by someone else" in text and "one-time password" in text
    assert f'href="{reverse("accounts:profile")}">Cancel' not in text

    same = client.post(change_url, {"old_password": password, "new_password1": password,
                                    "new_password2": password})
    assert same.status_code == 200 and "must differ from the current one" in same.content.decode()

    done = client.post(change_url, {"old_password": password, "new_password1": NEW_PASSWORD,
                                    "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200  # still signed in, on the dashboard
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)
    change = AuditEvent.objects.get(action="accounts.password.change")
    assert change.after == {"must_change_password": False}
    for secret in (password, NEW_PASSWORD):
        assert secret not in audit_text()


def test_forced_change_returns_to_where_the_user_was_going(client, tree):
    password = services.reset_password(actor=tree.town1_cadre, user=tree.union1_chair)
    client.force_login(User.objects.get(pk=tree.union1_chair.pk))
    change_url = reverse("accounts:password_change")
    tokens = reverse("accounts:token_list")
    page = client.get(change_url, {"next": tokens})
    assert f'name="next" value="{tokens}"' in page.content.decode()
    done = client.post(change_url, {"old_password": password, "new_password1": NEW_PASSWORD,
                                    "new_password2": NEW_PASSWORD, "next": tokens})
    assert done["Location"] == tokens


def test_exempt_paths_and_htmx(client, tree, settings):
    user = tree.union1_chair
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    client.force_login(user)
    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    htmx = client.get(reverse("accounts:token_list"), headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx["HX-Redirect"].startswith(reverse("accounts:password_change"))
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_administrators_pass_the_second_factor_before_the_password(client, tree, settings):
    settings.REQUIRE_ADMIN_OTP = True
    User.objects.filter(pk=tree.district_staff.pk).update(must_change_password=True)
    client.force_login(User.objects.get(pk=tree.district_staff.pk))
    home = client.get(reverse("core:home"))
    assert home["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("accounts:otp_verify")).status_code == 200  # no redirect loop
    assert client.get(reverse("accounts:otp_setup")).status_code == 200


def test_api_refuses_until_the_password_is_changed(client, tree):
    user, password = services.create_account(actor=tree.town1_cadre, org=tree.union1, role=Role.UNION_STAFF,
                                             username="api.user", display_name="接口用户")
    api = ApiClient()
    refused = api.post("/auth/token", {"username": "api.user", "password": password})
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "password_change_required" and body["errors"] == [] and body["message"]
    assert not ApiToken.objects.filter(user=user).exists()

    client.force_login(user)  # a browser session calling the API gets the same answer
    session = client.get("/api/v1/orgs")
    assert session.status_code == 403 and session.json()["code"] == "password_change_required"

    services.change_password(actor=user, new_password=NEW_PASSWORD)
    ok = api.post("/auth/token", {"username": "api.user", "password": NEW_PASSWORD})
    assert ok.status_code == 200 and ok.json()["token"]
    client.force_login(User.objects.get(pk=user.pk))  # the new password ended the old session
    assert client.get("/api/v1/orgs").status_code == 200


def test_a_reset_ends_the_targets_sessions(client, tree):
    client.force_login(tree.union1_staff)
    assert client.get(reverse("core:home")).status_code == 200
    services.reset_password(actor=tree.town1_cadre, user=tree.union1_staff)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- query counts --------------------------------------------------------------------------------------
def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_roles_pages_do_not_query_per_row(client, tree):
    client.force_login(tree.town1_cadre)
    org_url = reverse("accounts:org_roles", args=[tree.union1.pk])
    list_url = reverse("accounts:role_list")
    few_org, _r = _count_queries(client, org_url)
    few_list, _r = _count_queries(client, list_url)
    for i in range(25):
        extra = user_with_role(tree.union1, Role.MEMBER, username=f"m{i}")
        RoleAssignment.objects.create(user=extra, org=tree.union1b, role=Role.MEMBER)
    many_org, response = _count_queries(client, org_url)
    assert len(response.context["assignments"]) == 28
    many_list, response = _count_queries(client, list_url)
    assert len(response.context["page"].items) > 29
    assert many_org == few_org
    assert many_list == few_list
