"""seed_demo's join requests (core.demo.portal.joins) at small scale: every status in several towns,
town1 and town2 included; approved requests point at their registry member whose login is the
request's; the demo cadres' pages show them; without accounts the rows have no login."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.portal.models.joins import JoinRequest, JoinStatus

pytestmark = pytest.mark.django_db


def _seed(*extra):
    cache.clear()
    call_command("seed_demo", "--scale", "small", "--force", *extra, stdout=io.StringIO(), stderr=io.StringIO())


def test_the_small_demo():
    _seed()
    users = {u.username: u for u in User.objects.filter(username__in=["town1", "town2", "district", "member1"])}
    statuses = set(JoinRequest.objects.values_list("status", flat=True))
    assert set(JoinStatus.values) == statuses
    assert JoinRequest.objects.values("town").distinct().count() >= 10
    assert {"UNION", "TOWN"} <= set(JoinRequest.objects.values_list("route", flat=True))
    for j in JoinRequest.objects.filter(status=JoinStatus.APPROVED).select_related("person", "membership"):
        assert j.membership.person_id == j.person_id and j.person.account_id == j.account_id is not None
        assert j.membership.union_id == j.union_id
    assert not JoinRequest.objects.filter(account__isnull=True).exists()
    assert not JoinRequest.objects.filter(person__account=users["member1"]).exists()
    for name in ("town1", "town2"):
        c = Client()
        c.force_login(users[name])
        page = c.get(reverse("portal:join_list"))
        assert page.status_code == 200 and len(page.context["page"].items) >= 4
        pending = next(j for j in page.context["page"].items if j.status == JoinStatus.PENDING)
        assert c.get(reverse("portal:join_detail", args=[pending.pk])).status_code == 200


def test_without_accounts_the_requests_have_no_login():
    _seed("--no-accounts")
    assert JoinRequest.objects.exists() and not JoinRequest.objects.filter(account__isnull=False).exists()
