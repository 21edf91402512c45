"""seed_demo's theme activities (core.demo.publicity.activities) at small scale: rows in several
towns including town1's, town2's and union1's, every status, the yearly counts filled for the demo
accounts, and the pages answer."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.publicity.models.activities import ActivityPhoto, ActivityStatus, ThemeActivity
from gonghui.publicity.selectors import activities as selectors

pytestmark = pytest.mark.django_db


def test_the_small_demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    users = {u.username: u for u in User.objects.all()}
    rows = list(ThemeActivity.objects.select_related("org"))
    assert {a.status for a in rows} == set(ActivityStatus.values)
    assert len({a.town_id for a in rows}) >= 4
    for a in rows:
        assert a.status != ActivityStatus.RETURNED or a.return_reason
    year = selectors.today().year
    for name in ("district", "town1", "town2", "union1"):
        assert ThemeActivity.objects.visible_to(users[name]).exists(), name
    assert selectors.yearly_stats(users["town1"], year).total.activities > 0
    assert selectors.yearly_stats(users["town2"], year).total.activities > 0
    photo = ActivityPhoto.objects.get(caption="活动现场")
    c = Client()
    c.force_login(users["union1"])
    assert c.get(reverse("publicity:activity_list")).status_code == 200
    assert c.get(reverse("publicity:activity_detail", args=[photo.activity_id])).status_code == 200
    r = c.get(reverse("publicity:activity_photo", args=[photo.activity_id, photo.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"\x89PNG")
    c.force_login(users["district"])
    assert c.get(reverse("publicity:activity_stats")).status_code == 200
