"""seed_demo's study sessions (core.demo.publicity.studies) at small scale: sessions of several
towns including town1's, town2's and union1's, every status, invitees with attendance on the held
ones, a sheet still open today; the demo accounts see them on the pages, and after
`invite_demo_accounts` town1 has "my study sessions"."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.demo.publicity.studies import invite_demo_accounts
from gonghui.publicity.models.studies import StudyInvitee, StudySession
from gonghui.publicity.selectors import studies as selectors

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


def test_the_small_demo():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    users = {u.username: u for u in User.objects.filter(username__in=("district", "town1", "town2", "union1"))}
    assert {s for s in StudySession.objects.values_list("status", flat=True)} == {"PLANNED", "HELD", "CANCELLED"}
    assert StudySession.objects.values("town").distinct().count() >= 4
    assert StudyInvitee.objects.filter(session__status="HELD", status="").count() == 0
    assert StudyInvitee.objects.filter(status="LEAVE").exclude(reason="").exists()
    for name, user in users.items():
        assert StudySession.objects.visible_to(user).exists(), name
    year = timezone.localdate().year
    t = selectors.town_counts(users["district"], year)
    assert len(t.lines) >= 4 and t.total.rate is not None and 70 <= t.total.rate <= 100
    c = Client()
    c.force_login(users["town1"])
    assert c.get(reverse("publicity:study_list")).status_code == 200
    s = StudySession.objects.visible_to(users["town1"]).filter(status="HELD", materials__isnull=False).first()
    assert s is not None and c.get(reverse("publicity:study_detail", args=[s.pk])).status_code == 200
    assert c.get(reverse("publicity:study_stats")).status_code == 200
    # The demo accounts were invited when they were created (core.demo.accounts); again adds none.
    before = StudyInvitee.objects.count()
    invite_demo_accounts()
    assert StudyInvitee.objects.count() == before
    mine = StudyInvitee.objects.filter(user=users["town1"]).select_related("session").first()
    assert mine is not None
    assert mine.session.title in c.get(reverse("publicity:my_studies")).content.decode()
