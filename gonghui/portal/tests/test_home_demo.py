"""seed_demo and the member portal (small scale): member1's home has its membership, things
waiting, every member page, messages (some unread) and news; worker1 (signed up, not a member)
is offered 实名入会; the messages are written once."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.demo.portal.home import message_demo_members
from gonghui.portal.selectors.home import member_home, my_offers

pytestmark = pytest.mark.django_db


def seed(*args):
    call_command("seed_demo", "--scale", "small", "--force", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_member1_has_a_full_home_and_worker1_the_join_call():
    seed()
    member1 = User.objects.get(username="member1")
    h = member_home(member1)
    assert h.membership.is_member and h.membership.member_since is not None
    assert h.due, "an open survey or campaign waits for member1"
    assert {p["url"] for p in h.pages} >= {reverse("services:my_card"), reverse("voice:my_appeals"),
                                           reverse("welfare:my_applications"), reverse("publicity:news_list")}
    assert h.notifications and h.news
    mine = member1.notifications.all()
    assert mine.filter(read_at__isnull=True).exists() and mine.filter(read_at__isnull=False).exists()
    assert all(n.url.startswith("/") for n in mine)
    o = my_offers(member1)
    assert o.offers and o.coverages
    c = Client()
    c.force_login(member1)
    for name in ("portal:home", "portal:services", "portal:messages", "portal:me", "portal:my_membership",
                 "portal:my_offers"):
        assert c.get(reverse(name)).status_code == 200, name
    for n in mine[:5]:  # every message opens a page of the member's
        r = c.get(reverse("core:notification_open", args=[n.pk]), follow=True)
        assert r.status_code == 200, n.url

    worker1 = User.objects.filter(username="worker1").first()
    if worker1 is not None:  # the auth area's demo login
        w = member_home(worker1)
        assert w.news, "district-wide news for a worker who is not a member"
        if not w.membership.is_member:
            assert w.join_url == reverse("portal:join_new")

    assert message_demo_members() == 0  # idempotent


def test_without_accounts_no_messages():
    from gonghui.core.models import Notification

    seed("--no-accounts")
    assert not Notification.objects.filter(key__startswith="demo:").exists()
