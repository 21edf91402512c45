"""Permission matrix of the portal pages: every login reaches its own pages and only its own
data; nobody reaches anyone else's (the pages take no id, so scope is the login itself)."""

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.portal.testing.home import linked_member, worker_login

pytestmark = pytest.mark.django_db

PAGES = ("portal:home", "portal:services", "portal:messages", "portal:me", "portal:my_membership",
         "portal:my_offers")
ROLES = ("anonymous", "member", "member_elsewhere", "worker", "union1_chair", "union1_staff", "town1_cadre",
         "district_staff", "superuser")


def login_for(tree, role):
    from gonghui.core.testing.factories import UserFactory

    if role == "anonymous":
        return None
    if role == "member":
        return tree.member_user
    if role == "member_elsewhere":
        user = UserFactory(username="member2")
        linked_member(tree, union=tree.union2, user=user, name="丙会员")
        return user
    if role == "worker":
        return worker_login()
    if role == "superuser":
        return UserFactory(username="root", is_superuser=True, is_staff=True)
    return getattr(tree, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_matrix(tree, role, name):
    me = linked_member(tree, name="甲会员")
    user = login_for(tree, role)
    c = Client()
    if user is not None:
        c.force_login(user)
    r = c.get(reverse(name))
    if user is None:
        assert r.status_code == 302 and "login" in r["Location"]
        return
    assert r.status_code == 200
    html = r.content.decode()
    sees_own = role == "member"
    # The member's name shows on their own pages only (home, me, membership); never to others.
    if name in ("portal:home", "portal:me", "portal:my_membership"):
        assert (me.name in html) == sees_own, (role, name)
    else:
        assert role == "member" or me.name not in html
    if role == "member_elsewhere" and name == "portal:my_membership":
        assert tree.union2.name in html and tree.union1.name not in html


@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.parametrize("name", ("portal:home", "portal:my_membership", "portal:my_offers"))
def test_read_pages_refuse_writes(tree, method, name):
    c = Client()
    c.force_login(tree.member_user)
    assert getattr(c, method)(reverse(name)).status_code == 405
