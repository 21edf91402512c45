"""Role management: who may give which role where; scoping of the pages; audit."""

import re
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.accounts import services
from gonghui.accounts.models import RoleAssignment
from gonghui.accounts.policies import assignable_roles
from gonghui.accounts.roles import Role
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import UserFactory, add_org, user_with_role
from gonghui.orgs.models import OrgLevel


def account(tree, **kwargs):
    """An existing account. It holds a role already (a member role on the district, which grants
    nothing): an account with no role at all is a system administrator's to place."""
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, org=tree.district, role=Role.MEMBER)
    return user


def without_csrf(html):
    return re.sub(r'(csrf-token" content|csrfmiddlewaretoken" value)="[^"]*"', "", html)


# --- services ------------------------------------------------------------------------------
def test_town_cadre_gives_and_removes_a_union_role_in_their_town(tree):
    newcomer = account(tree, username="newcomer")
    assignment = services.assign_role(actor=tree.town1_cadre, user=newcomer, org=tree.union1b,
                                      role=Role.UNION_CHAIR)
    assert newcomer.can("members.view", tree.union1b)
    assert not newcomer.can("members.view", tree.union1)
    event = AuditEvent.objects.get(action="accounts.role.assign")
    assert event.org == tree.union1b and event.actor == tree.town1_cadre
    assert event.after == {"user_id": newcomer.pk, "org_id": tree.union1b.pk, "role": "UNION_CHAIR"}

    services.remove_role(actor=tree.town1_cadre, assignment=assignment)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    removed = AuditEvent.objects.get(action="accounts.role.remove")
    assert removed.before["role"] == "UNION_CHAIR" and removed.org == tree.union1b


def test_no_roles_outside_the_managers_subtree(tree):
    newcomer = account(tree)
    with pytest.raises(PermissionDenied):
        services.assign_role(actor=tree.town1_cadre, user=newcomer, org=tree.union2, role=Role.UNION_STAFF)
    other = RoleAssignment.objects.get(user=tree.union2_chair)
    with pytest.raises(PermissionDenied):
        services.remove_role(actor=tree.town1_cadre, assignment=other)
    # Union chairs do not manage accounts at all.
    with pytest.raises(PermissionDenied):
        services.assign_role(actor=tree.union1_chair, user=newcomer, org=tree.union1, role=Role.MEMBER)
    assert not AuditEvent.objects.exists()


def test_nobody_gives_a_role_above_their_own(tree):
    newcomer = account(tree)
    with pytest.raises(DomainError) as err:
        services.assign_role(actor=tree.town1_cadre, user=newcomer, org=tree.town1, role=Role.DISTRICT_STAFF)
    assert err.value.code == "role_above_own"
    # The same rank is fine: a cadre adds a colleague.
    services.assign_role(actor=tree.town1_cadre, user=newcomer, org=tree.town1, role=Role.TOWN_CADRE)
    # District staff may give district staff.
    services.assign_role(actor=tree.district_staff, user=account(tree), org=tree.district, role=Role.DISTRICT_STAFF)


def test_role_must_fit_the_level_of_the_org(tree):
    with pytest.raises(DomainError) as err:
        services.assign_role(actor=tree.district_staff, user=account(tree), org=tree.town1, role=Role.UNION_CHAIR)
    assert err.value.code == "role_level_mismatch"
    assert "Grassroots union" in err.value.text
    assert [value for value, _label in assignable_roles(tree.town1_cadre, tree.union1)] == [
        Role.UNION_CHAIR, Role.UNION_STAFF, Role.MEMBER]
    assert [value for value, _label in assignable_roles(tree.town1_cadre, tree.town1)] == [Role.TOWN_CADRE]
    assert [value for value, _label in assignable_roles(tree.district_staff, tree.district)] == [Role.DISTRICT_STAFF]


def test_duplicates_inactive_and_unknown_are_refused(tree):
    with pytest.raises(DomainError) as err:
        services.assign_role(actor=tree.town1_cadre, user=tree.union1_chair, org=tree.union1, role=Role.UNION_CHAIR)
    assert err.value.code == "role_exists"
    with pytest.raises(DomainError) as err:
        services.assign_role(actor=tree.town1_cadre, user=account(tree), org=tree.union1, role="KING")
    assert err.value.code == "role_unknown"
    disabled = account(tree, is_active=False)
    with pytest.raises(DomainError) as err:
        services.assign_role(actor=tree.town1_cadre, user=disabled, org=tree.union1, role=Role.MEMBER)
    assert err.value.code == "user_inactive"
    closed = add_org(tree.town1, "已撤销工会", OrgLevel.GRASSROOTS, is_active=False)
    with pytest.raises(DomainError) as err:
        services.assign_role(actor=tree.town1_cadre, user=account(tree), org=closed, role=Role.MEMBER)
    assert err.value.code == "org_inactive"
    assert not AuditEvent.objects.exists()


def test_nobody_removes_their_own_role(tree):
    own = RoleAssignment.objects.get(user=tree.town1_cadre)
    with pytest.raises(DomainError) as err:
        services.remove_role(actor=tree.town1_cadre, assignment=own)
    assert err.value.code == "role_own"
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_a_cadre_cannot_remove_a_colleague_of_higher_rank(tree):
    # District staff placed on the town by a superuser-level mistake still outranks the cadre.
    boss = user_with_role(tree.district, Role.DISTRICT_STAFF)
    odd = RoleAssignment.objects.create(user=boss, org=tree.town1, role=Role.DISTRICT_STAFF)
    with pytest.raises(DomainError) as err:
        services.remove_role(actor=tree.town1_cadre, assignment=odd)
    assert err.value.code == "role_above_own"


# --- pages ---------------------------------------------------------------------------------
def test_role_list_shows_only_the_managers_subtree(client, tree):
    client.force_login(tree.town1_cadre)
    response = client.get(reverse("accounts:role_list"))
    assert response.status_code == 200
    usernames = {a.user.username for a in response.context["page"].items}
    assert usernames == {"town1", "union1", "union1staff", "member1"}
    text = response.content.decode()
    assert "union2" not in text and tree.town2.name not in text

    filtered = client.get(reverse("accounts:role_list"), {"role": Role.UNION_CHAIR, "q": "uni"})
    assert {a.user.username for a in filtered.context["page"].items} == {"union1"}
    by_org = client.get(reverse("accounts:role_list"), {"org": tree.union1b.pk})
    assert list(by_org.context["page"].items) == []
    assert client.get(reverse("accounts:role_list"), {"org": tree.town2.pk}).status_code == 404
    assert client.get(reverse("accounts:role_list"), {"org": "abc"}).status_code == 404


def test_find_an_org_to_manage(client, tree):
    client.force_login(tree.town1_cadre)
    response = client.get(reverse("accounts:role_list"), {"find": "企业"})
    assert {o.pk for o in response.context["found"]} == {tree.union1.pk, tree.union1b.pk}


def test_assign_and_remove_through_the_pages(client, tree):
    newcomer = account(tree, username="wang")
    client.force_login(tree.town1_cadre)
    url = reverse("accounts:org_roles", args=[tree.union1b.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert [v for v, _l in page.context["form"].fields["role"].choices] == [
        Role.UNION_CHAIR, Role.UNION_STAFF, Role.MEMBER]

    unknown = client.post(url, {"username": "nobody", "role": Role.MEMBER})
    assert unknown.status_code == 200 and "no active account with the username" in unknown.content.decode()
    above = client.post(url, {"username": "wang", "role": Role.DISTRICT_STAFF})
    assert above.status_code == 200 and "Select a valid choice" in above.content.decode()

    ok = client.post(url, {"username": "wang", "role": Role.UNION_STAFF})
    assert ok.status_code == 302
    assignment = RoleAssignment.objects.get(user=newcomer, org=tree.union1b)

    dup = client.post(url, {"username": "wang", "role": Role.UNION_STAFF})
    assert "already has the role" in dup.content.decode()

    removed = client.post(reverse("accounts:role_remove", args=[assignment.pk]), {"next": url})
    assert removed.status_code == 302 and removed["Location"] == url
    assert not RoleAssignment.objects.filter(user=newcomer, org=tree.union1b).exists()


def test_out_of_subtree_org_or_assignment_is_not_found(client, tree):
    newcomer = account(tree, username="li")
    client.force_login(tree.town1_cadre)
    assert client.get(reverse("accounts:org_roles", args=[tree.union2.pk])).status_code == 404
    assert client.post(reverse("accounts:org_roles", args=[tree.union2.pk]),
                       {"username": "li", "role": Role.MEMBER}).status_code == 404
    assert client.get(reverse("accounts:org_roles", args=[999999])).status_code == 404
    other = RoleAssignment.objects.get(user=tree.union2_chair)
    assert client.post(reverse("accounts:role_remove", args=[other.pk])).status_code == 404
    assert RoleAssignment.objects.filter(pk=other.pk).exists()
    assert not RoleAssignment.objects.filter(user=newcomer).exclude(org=tree.district).exists()
    # Same body for hidden and missing: no probing by id.
    hidden_url = reverse("accounts:org_roles", args=[tree.union2.pk])
    missing_url = reverse("accounts:org_roles", args=[999999])
    hidden = client.get(hidden_url).content.decode().replace(hidden_url, "URL")
    missing = client.get(missing_url).content.decode().replace(missing_url, "URL")
    assert without_csrf(hidden) == without_csrf(missing)


def test_removing_own_role_on_the_page_shows_a_message(client, tree):
    client.force_login(tree.town1_cadre)
    own = RoleAssignment.objects.get(user=tree.town1_cadre)
    response = client.post(reverse("accounts:role_remove", args=[own.pk]), follow=True)
    assert "cannot remove your own role" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_role_list_query_count_does_not_grow(client, tree, django_assert_max_num_queries):
    client.force_login(tree.district_staff)
    for i in range(30):
        user_with_role(tree.union2, Role.MEMBER, username=f"m{i}")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:role_list"))
    assert response.status_code == 200
    assert len(response.context["page"].items) == 37


# --- permission matrix ------------------------------------------------------------------------
ROLE_USERS = ["district_staff", "town1_cadre", "union1_chair", "union1_staff", "member_user", "outsider"]

# (url name, args from the tree, expected status per role user). The org is in town1, so
# town1's cadre is in scope and town2's is not.
MATRIX = [
    ("accounts:role_list", None, {"district_staff": 200, "town1_cadre": 200, "town2_cadre": 200,
                                  "union1_chair": 403, "union1_staff": 403, "member_user": 403, "outsider": 403}),
    ("accounts:org_roles", "union1", {"district_staff": 200, "town1_cadre": 200, "town2_cadre": 404,
                                      "union1_chair": 403, "union1_staff": 403, "member_user": 403,
                                      "outsider": 403}),
    ("accounts:profile", None, dict.fromkeys(ROLE_USERS + ["town2_cadre"], 200)),
    ("accounts:token_list", None, dict.fromkeys(ROLE_USERS + ["town2_cadre"], 200)),
    ("accounts:password_change", None, dict.fromkeys(ROLE_USERS + ["town2_cadre"], 200)),
    ("accounts:otp_setup", None, {"district_staff": 200, "town1_cadre": 403, "town2_cadre": 403,
                                  "union1_chair": 403, "union1_staff": 403, "member_user": 403, "outsider": 403}),
]


@pytest.mark.parametrize(("url_name", "arg", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix_pages(client, tree, url_name, arg, expected):
    url = reverse(url_name, args=[getattr(tree, arg).pk] if arg else None)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
    for who, status in expected.items():
        client.force_login(getattr(tree, who))
        assert client.get(url).status_code == status, (who, url_name)


@pytest.mark.parametrize(("who", "org", "allowed"), [
    ("district_staff", "union1", True), ("district_staff", "union2", True),
    ("town1_cadre", "union1", True), ("town1_cadre", "union2", False),
    ("town2_cadre", "union1", False), ("town2_cadre", "union2", True),
    ("union1_chair", "union1", False), ("union1_staff", "union1", False),
    ("member_user", "union1", False), ("outsider", "union1", False),
])
def test_permission_matrix_assign_action(client, tree, who, org, allowed):
    target = account(tree, username="target")
    client.force_login(getattr(tree, who))
    response = client.post(reverse("accounts:org_roles", args=[getattr(tree, org).pk]),
                           {"username": "target", "role": Role.MEMBER})
    if allowed:
        assert response.status_code == 302
        assert RoleAssignment.objects.filter(user=target, org=getattr(tree, org)).exists()
    else:
        assert response.status_code in (403, 404)
        assert not RoleAssignment.objects.filter(user=target).exclude(org=tree.district).exists()


def test_audit_view_is_granted_by_name_only():
    from gonghui.accounts.roles import role_grants

    assert role_grants(Role.DISTRICT_STAFF, "audit.view")
    assert role_grants(Role.TOWN_CADRE, "audit.view")
    assert role_grants(Role.UNION_CHAIR, "audit.view")
    assert not role_grants(Role.UNION_STAFF, "audit.view")  # "*.view" does not reach the trail
    assert role_grants(Role.UNION_STAFF, "members.view")
    assert not role_grants(Role.MEMBER, "audit.view")


@pytest.mark.parametrize(("who", "target", "expected"), [
    ("district_staff", "union1_chair", 302), ("district_staff", "union2_chair", 302),
    ("town1_cadre", "union1_chair", 302), ("town1_cadre", "union2_chair", 404),
    ("town2_cadre", "union1_chair", 404), ("union1_chair", "union1_staff", 403),
    ("union1_staff", "union1_chair", 403), ("member_user", "union1_chair", 403), ("outsider", "union1_chair", 403),
])
def test_permission_matrix_remove_action(client, tree, who, target, expected):
    assignment = RoleAssignment.objects.get(user=getattr(tree, target))
    client.force_login(getattr(tree, who))
    response = client.post(reverse("accounts:role_remove", args=[assignment.pk]))
    assert response.status_code == expected
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists() == (expected != 302)


def _forms(html):
    """(action, data-confirm, csrf token, next) of every POST form in `html`, entities decoded."""
    found = re.findall(r'<form method="post" action="([^"]+)" class="d-inline" data-confirm="([^"]*)">'
                       r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">'
                       r'<input type="hidden" name="next" value="([^"]*)">', html)
    return [tuple(unescape(part) for part in form) for form in found]


def test_role_row_forms_are_escaped_translated_and_work(tree):
    """The rows' action forms are drawn in Python (accounts_extras.role_row_actions): the same
    forms the template drew — escaped names, the Chinese confirmations, one CSRF token a page —
    and posting one does what its button says."""
    tree.union1b.name = '<b onmouseover="x()">工会</b>'
    tree.union1b.save(update_fields=["name"])
    newcomer = UserFactory(username="wang")  # a role in the cadre's reach only: they look after the account
    assignment = RoleAssignment.objects.create(user=newcomer, org=tree.union1b, role=Role.UNION_STAFF)
    c = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(tree.town1_cadre)
    html = c.get(reverse("accounts:role_list") + "?q=wang").content.decode()
    assert '<b onmouseover' not in html and "&lt;b onmouseover=&quot;x()&quot;&gt;" in html
    forms = {action: (confirm, token, next_url) for action, confirm, token, next_url in _forms(html)}
    remove = reverse("accounts:role_remove", args=[assignment.pk])
    assert forms[remove][0] == f'确定移除 wang 在{tree.union1b.name}的“工会干事”角色？'
    assert forms[remove][2] == reverse("accounts:role_list") + "?q=wang"
    reset = reverse("accounts:account_reset_password", args=[newcomer.pk])
    assert forms[reset][0].startswith("确定重置 wang 的密码吗？")
    assert reverse("accounts:account_disable", args=[newcomer.pk]) in forms
    assert len({token for _confirm, token, _next in forms.values()}) == 1  # masked once per request

    on_org_page = dict((a, f) for a, f, _t, _n in _forms(
        c.get(reverse("accounts:org_roles", args=[tree.union1b.pk])).content.decode()))
    assert on_org_page[remove] == "确定移除 wang 的“工会干事”角色？"  # the organisation is the page's own

    posted = c.post(remove, {"csrfmiddlewaretoken": forms[remove][1], "next": forms[remove][2]})
    assert posted.status_code == 302 and not RoleAssignment.objects.filter(pk=assignment.pk).exists()
