"""The statistics over seed_demo's appeals at small scale (the appeals and intake areas seed them;
stats has no rows of its own): the demo accounts see figures of their reach, equal to the counts of
the appeals they may see."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.voice.models.appeals import Appeal
from gonghui.voice.selectors.stats import received_in

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


def test_the_demo_accounts_see_their_figures():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    if not Appeal.objects.exists():
        pytest.skip("no appeals seeded yet (core.demo.voice.appeals / intake)")
    year = timezone.localdate().year
    users = {u.username: u for u in User.objects.filter(username__in=("district", "town1", "town2", "union1"))}
    for name, user in users.items():
        c = Client()
        c.force_login(user)
        r = c.get(reverse("voice:appeal_stats"), {"year": year})
        assert r.status_code == 200, name
        expected = received_in(Appeal.objects.visible_to(user, "voice.view"), year).count()
        assert r.context["total"].figures.received == expected, name
        if name in ("district", "town1", "town2"):
            assert expected > 0, name
    c = Client()
    c.force_login(users["district"])
    assert c.get(reverse("voice:appeal_stats_export"), {"year": year}).status_code == 200
