"""Review of issue 11 (the member on a phone): a member or a signed-up worker never lands in the
cadres' frame — the cadres' home sends them on to the portal, and 我的 → change password stays
in the portal frame."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.testing.factories import UserFactory
from gonghui.portal.testing.home import linked_member, worker_login

pytestmark = pytest.mark.django_db

CADRE_NAVBAR = 'class="navbar'
OLD, NEW = "x", "Qy7!portal-new-2026"


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_cadres_home_sends_a_member_to_the_portal(tree):
    linked_member(tree, name="甲会员")
    r = client_for(tree.member_user).get(reverse("core:home"))
    assert r.status_code == 302 and r["Location"] == reverse("portal:home")


def test_the_cadres_home_sends_a_signed_up_worker_to_the_portal(db):
    worker = UserFactory(username="w1", phone_verified_at=timezone.now())
    r = client_for(worker).get(reverse("core:home"))
    assert r.status_code == 302 and r["Location"] == reverse("portal:home")


@pytest.mark.parametrize("role", ["outsider", "union1_chair", "town1_cadre", "district_staff"])
def test_the_cadres_home_keeps_everyone_else(tree, role):
    r = client_for(getattr(tree, role)).get(reverse("core:home"))
    assert r.status_code == 200 and CADRE_NAVBAR in r.content.decode()


def test_a_member_signing_in_on_the_cadres_page_ends_on_the_portal(tree):
    linked_member(tree, name="甲会员")
    tree.member_user.set_password(NEW)
    tree.member_user.save()
    c = Client()
    r = c.post(reverse("accounts:login"), {"username": "member1", "password": NEW}, follow=True)
    assert r.redirect_chain[-1][0] == reverse("portal:home")
    assert CADRE_NAVBAR not in r.content.decode()


def test_me_links_to_the_portal_password_page(tree):
    linked_member(tree, name="甲会员")
    html = client_for(tree.member_user).get(reverse("portal:me")).content.decode()
    assert f'href="{reverse("portal:password_change")}"' in html
    assert reverse("accounts:password_change") not in html


def test_password_page_is_in_the_portal_frame(db):
    worker = worker_login()
    r = client_for(worker).get(reverse("portal:password_change"))
    html = r.content.decode()
    assert r.status_code == 200 and "portal-tabbar" in html and CADRE_NAVBAR not in html
    assert r["Cache-Control"].startswith("no-store") or "no-store" in r["Cache-Control"]


def test_password_page_needs_sign_in(client):
    r = client.get(reverse("portal:password_change"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("portal:login"))


def _set(user, password):
    user.set_password(password)
    user.save()


def test_wrong_old_password_changes_nothing(db):
    worker = worker_login()
    _set(worker, OLD)
    c = client_for(worker)
    r = c.post(reverse("portal:password_change"),
               {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 200 and r.context["form"].errors["old_password"]
    worker.refresh_from_db()
    assert worker.check_password(OLD)


@pytest.mark.parametrize("new1,new2", [(NEW, NEW + "x"), ("123", "123"), ("", "")])
def test_bad_new_password_changes_nothing(db, new1, new2):
    worker = worker_login()
    _set(worker, OLD)
    r = client_for(worker).post(reverse("portal:password_change"),
                                {"old_password": OLD, "new_password1": new1, "new_password2": new2})
    assert r.status_code == 200 and r.context["form"].errors
    worker.refresh_from_db()
    assert worker.check_password(OLD)


def test_password_change_keeps_the_member_signed_in_and_is_audited(tree):
    from gonghui.core.models import AuditEvent

    linked_member(tree, name="甲会员")
    user = tree.member_user
    _set(user, OLD)
    c = client_for(user)
    before = AuditEvent.objects.count()
    r = c.post(reverse("portal:password_change"), {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 302 and r["Location"] == reverse("portal:me")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEvent.objects.count() == before + 1
    assert c.get(reverse("portal:me")).status_code == 200  # the session survived the change


def test_password_change_needs_csrf(db):
    worker = worker_login()
    _set(worker, OLD)
    c = Client(enforce_csrf_checks=True)
    c.force_login(worker)
    r = c.post(reverse("portal:password_change"), {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 403
    worker.refresh_from_db()
    assert worker.check_password(OLD)


def test_offers_point_a_waiting_worker_to_the_request_not_to_a_second_one(tree):
    from gonghui.portal.testing.joins import join_request, worker

    account = worker()
    join_request(account=account, enterprise=tree.enterprise1)
    html = client_for(account).get(reverse("portal:my_offers")).content.decode()
    assert f'href="{reverse("portal:join_new")}"' not in html
    assert f'href="{reverse("portal:my_join")}"' in html


def test_offers_call_a_worker_with_no_request_to_join(db):
    html = client_for(worker_login()).get(reverse("portal:my_offers")).content.decode()
    assert f'href="{reverse("portal:join_new")}"' in html


def test_me_offers_no_switch_to_english(tree):
    # The portal speaks Chinese only (issue 11); a session left in English gets a way back.
    linked_member(tree, name="甲会员")
    c = client_for(tree.member_user)
    assert 'value="en"' not in c.get(reverse("portal:me")).content.decode()
    c.cookies["django_language"] = "en"
    assert 'value="zh-hans"' in c.get(reverse("portal:me")).content.decode()


@pytest.mark.parametrize("url", ["/members/", "/voice/appeals/", "/reports/", "/no-such-page/"])
def test_a_member_refused_a_cadre_page_stays_in_the_portal_frame(tree, url):
    linked_member(tree, name="甲会员")
    r = client_for(tree.member_user).get(url)
    html = r.content.decode()
    assert r.status_code in (403, 404)
    assert "portal-tabbar" in html and CADRE_NAVBAR not in html
    assert f'href="{reverse("portal:home")}"' in html


def test_a_worker_on_a_member_page_gets_the_portal_frame(db):
    worker = UserFactory(username="w1", phone_verified_at=timezone.now())  # signed up by phone
    r = client_for(worker).get(reverse("services:my_card"))
    assert r.status_code == 404
    assert "portal-tabbar" in r.content.decode() and CADRE_NAVBAR not in r.content.decode()


@pytest.mark.parametrize("role", ["union1_chair", "district_staff"])
def test_cadres_keep_their_frame_on_error_pages(tree, role):
    r = client_for(getattr(tree, role)).get("/no-such-page/")
    assert r.status_code == 404 and CADRE_NAVBAR in r.content.decode()


def test_a_stranger_keeps_the_plain_error_page(client, db):
    r = client.get("/no-such-page/")
    assert r.status_code == 404 and "portal-tabbar" not in r.content.decode()
