"""seed_demo's intake rows (core.demo.voice.intake) at small scale: every channel, member1's
appeals in every state on the phone pages, the public demo codes work on the tracking page, the
staff entries, and nothing internal shown to the worker."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.demo.voice.intake import ANON_CODE, WEB_CODE
from gonghui.voice.models.appeals import Appeal

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    cache.clear()
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_the_small_demo(seeded):
    assert {"WEB", "API", "PORTAL", "PHONE", "VISIT"} <= set(Appeal.objects.values_list("channel", flat=True))
    member1 = seeded["member1"]
    mine = Appeal.objects.filter(person__account=member1, channel="PORTAL")
    assert {"NEW", "CLOSED", "HANDLING", "WITHDRAWN"} <= set(mine.values_list("status", flat=True))
    assert mine.filter(reopen_count=1).exists() and mine.filter(satisfaction__isnull=False).exists()
    c = Client()
    c.force_login(member1)
    body = c.get(reverse("voice:my_appeals")).content.decode()
    assert "十一月加班费未发放" in body
    a = mine.filter(reopen_count=1).first()
    assert c.get(reverse("voice:my_appeal_detail", args=[a.pk])).status_code == 200
    web = Appeal.objects.get(tracking_code=WEB_CODE)
    assert web.org.name and web.contact_phone_masked.endswith("5678")
    public = Client()
    assert public.post(reverse("voice:public_track"), {"action": "lookup", "code": WEB_CODE,
                                                       "phone4": "5678"}).status_code == 302
    assert public.post(reverse("voice:public_track"), {"action": "lookup", "code": ANON_CODE}).status_code == 302
    assert Appeal.objects.filter(channel="PHONE", status="HANDLING").exists()
    town1 = Client()
    town1.force_login(seeded["town1"])
    assert town1.get(reverse("voice:appeal_create")).status_code == 200
