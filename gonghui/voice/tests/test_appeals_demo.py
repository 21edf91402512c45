"""seed_demo's appeals at small scale: several towns including town1's and town2's, every status,
overdue and escalated ones, member1's own, and the demo accounts see them on the pages."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.voice.models.appeals import Appeal

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


def test_the_small_demo():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    appeals = list(Appeal.objects.all())
    assert {a.status for a in appeals} >= {"NEW", "HANDLING", "CLOSED"}
    assert any(a.escalation_level for a in appeals)
    assert Appeal.objects.filter(person__account__username="member1").exists()
    for name in ("district", "town1", "town2", "union1"):
        user = User.objects.get(username=name)
        assert Appeal.objects.visible_to(user).exists(), name
    c = Client()
    c.force_login(User.objects.get(username="town1"))
    assert c.get(reverse("voice:appeal_list")).status_code == 200
    a = Appeal.objects.visible_to(User.objects.get(username="town1")).first()
    assert c.get(reverse("voice:appeal_detail", args=[a.pk])).status_code == 200
    _has_what_the_statistics_need(appeals)


def _has_what_the_statistics_need(appeals):
    """stats-needs.md: every month of this year so far and some of last year, several categories,
    on time and late, ratings 1–5, re-opened, withdrawn, open overdue, firms (repeated) and typed
    names, town1 / town2 / union1 / other towns, `town` = town_of(org)."""
    import collections

    from django.utils import timezone

    from gonghui.core.demo.voice.appeals import ON
    from gonghui.orgs.models import Org
    from gonghui.voice.services.appeals import town_of

    months = {(timezone.localtime(a.received_at).year, timezone.localtime(a.received_at).month) for a in appeals}
    assert {(ON.year, m) for m in range(1, ON.month + 1)} <= months
    assert any(y == ON.year - 1 for y, _m in months)
    assert len({a.category for a in appeals}) >= 5
    closed = [a for a in appeals if a.status == "CLOSED"]
    assert {True, False} <= {a.closed_on_time for a in closed}
    assert {a.satisfaction for a in appeals if a.satisfaction} == {1, 2, 3, 4, 5}
    assert any(a.reopen_count for a in appeals) and any(a.status == "WITHDRAWN" for a in appeals)
    assert any(a.status in ("NEW", "HANDLING") and a.due_on < ON for a in appeals)
    firms = collections.Counter(a.enterprise_id for a in appeals if a.enterprise_id)
    assert firms.most_common(1)[0][1] > 3 and sum(firms.values()) > len(appeals) * .8
    assert any(a.enterprise_id is None and a.enterprise_name for a in appeals)
    orgs = {o.pk: o for o in Org.objects.filter(pk__in={a.org_id for a in appeals})}
    assert all(a.town_id == (town_of(orgs[a.org_id]).pk if town_of(orgs[a.org_id]) else None) for a in appeals)
    names = {o.username: o for o in User.objects.filter(username__in=["town1", "town2", "union1"])}
    for name, user in names.items():
        assert Appeal.objects.visible_to(user).filter(status="CLOSED").count() >= 5, name
    assert len({a.town_id for a in appeals if a.town_id}) >= 3
