"""seed_demo's awards (core.demo.honours.awards) at small scale: every row is one the services
could have written, the quotas hold, and the demo accounts' pages render with data."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.demo.honours.awards import ON
from gonghui.honours.models.awards import (
    LIVE_NOMINATION_STATUSES,
    HonourNomination,
    HonourQuota,
    HonourRecord,
    NominationStatus,
)

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_rows_follow_the_workflow_and_the_quotas(seeded):
    rows = list(HonourNomination.objects.select_related("record", "org", "quota__org"))
    assert 10 <= len(rows) <= 200
    statuses = Counter(n.status for n in rows)
    assert {"SUBMITTED", "FORWARDED", "NOTICE", "CONFERRED", "REJECTED"} <= set(statuses)
    for n in rows:
        for d in (n.submitted_on, n.town_reviewed_on, n.district_reviewed_on, n.conferred_on):
            assert d is None or d <= ON
        assert n.org.path.startswith(n.quota.org.path) and n.quota.year == n.year
        if n.status == NominationStatus.CONFERRED:
            assert n.record is not None and n.conferred_on > n.notice_ends_on
            assert n.record.source_key == f"honours.HonourNomination:{n.pk}"
    used = HonourQuota.objects.annotate(n=Count("nominations",
                                                filter=Q(nominations__status__in=LIVE_NOMINATION_STATUSES)))
    assert all(q.n <= q.places for q in used)


def test_demo_accounts_see_awards(seeded):
    for name in ("district", "town1", "town2", "union1"):
        user = seeded[name]
        assert HonourNomination.objects.visible_to(user).exists(), name
        c = Client()
        c.force_login(user)
        for url in ("honours:nomination_list", "honours:record_list", "honours:award_type_list"):
            assert c.get(reverse(url)).status_code == 200, (name, url)
        n = HonourNomination.objects.visible_to(user).first()
        assert c.get(reverse("honours:nomination_detail", args=[n.pk])).status_code == 200
    assert HonourRecord.objects.visible_to(seeded["union1"]).exists()
    c = Client()
    c.force_login(seeded["district"])
    assert c.get(reverse("honours:overview")).status_code == 200
