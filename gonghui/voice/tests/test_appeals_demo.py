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
