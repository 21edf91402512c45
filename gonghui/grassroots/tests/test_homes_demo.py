"""seed_demo's 职工之家 data (core.demo.grassroots.homes) at small scale: every row is one the
services could have written, every scenario is there, and the demo accounts see data."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.demo.grassroots.homes import ON
from gonghui.grassroots.models.homes import HomeAssessment, HomeAssessmentStatus, HomeStandard
from gonghui.grassroots.selectors.homes import due_rechecks_summary, due_reviews_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_rows_follow_the_workflow(seeded):
    rows = list(HomeAssessment.objects.select_related("standard", "recheck_of").prefetch_related("items"))
    assert 10 <= len(rows) <= 60
    statuses = Counter(a.status for a in rows)
    assert set(statuses) == set(HomeAssessmentStatus.values)
    for a in rows:
        for d in (a.started_on, a.submitted_on, a.town_reviewed_on, a.decided_on, a.revoked_on, a.withdrawn_on):
            assert d is None or d <= ON
        items = list(a.items.all())
        assert [i.code for i in items] == [c.code for c in a.standard.criteria.order_by("order", "id")]
        assert a.total_score == sum(i.current_score or 0 for i in items)
        assert a.standard.effective_year <= a.year and a.standard.status == "PUBLISHED"
        if a.status in ("AWARDED", "RENEWED", "REVOKED"):
            assert a.certificate_no and a.total_score >= a.standard.pass_mark
            assert a.recheck_due_on.replace(day=min(a.recheck_due_on.day, 28)) >= a.decided_on.replace(
                year=a.decided_on.year + 3, day=min(a.decided_on.day, 28))
        if a.status == "RENEWED":
            assert a.rechecks.filter(status="AWARDED").exists()
        if a.status == "REVOKED":
            assert a.rechecks.filter(status="REFUSED", decided_on=a.revoked_on).exists()
        if a.kind == "RECHECK":
            assert a.recheck_of is not None
    assert HomeStandard.objects.filter(status="DRAFT").exists()


def test_demo_accounts_see_homes(seeded):
    union1 = seeded["union1"]
    mine = HomeAssessment.objects.visible_to(union1)
    assert mine.filter(status="AWARDED").exists() and mine.filter(status="SUBMITTED").exists()
    assert due_rechecks_summary(union1).soon >= 1
    for name in ("town1", "town2", "district"):
        assert HomeAssessment.objects.visible_to(seeded[name]).count() >= 3
    assert due_reviews_summary(seeded["district"]) is not None
    c = Client()
    c.force_login(seeded["town1"])
    r = c.get(reverse("grassroots:home_list"))
    assert r.status_code == 200
    a = HomeAssessment.objects.visible_to(seeded["town1"]).first()
    assert c.get(reverse("grassroots:home_detail", args=[a.pk])).status_code == 200


def test_the_area_wipes_cleanly(seeded):
    from gonghui.core.demo.grassroots import homes

    assert HomeAssessment.objects.filter(kind="RECHECK").exists()
    for model in reversed(homes.MODELS):  # how the demo package's wipe() deletes this area
        model.objects.all().delete()
    assert not HomeAssessment.objects.exists() and not HomeStandard.objects.exists()
