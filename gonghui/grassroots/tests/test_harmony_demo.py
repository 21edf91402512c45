"""seed_demo's 和谐劳动关系 rows (core.demo.grassroots.harmony) at small scale: every row is one
the services could have written, and the demo accounts see data on every page."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client

from gonghui.accounts.models import User
from gonghui.congress.selectors.status import held_ids
from gonghui.core.demo.grassroots.harmony import ON
from gonghui.grassroots.models.harmony import (
    HarmonyAssessment,
    HarmonyStatus,
    IndicatorScore,
    IndicatorSet,
    IndicatorSetStatus,
)
from gonghui.grassroots.rules.harmony import rules

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_rows_follow_the_workflow(seeded):
    sets = {s.year: s for s in IndicatorSet.objects.all()}
    assert sets[2026].status == IndicatorSetStatus.PUBLISHED and sets[2027].status == IndicatorSetStatus.DRAFT
    rows = list(HarmonyAssessment.objects.select_related("enterprise").prefetch_related("scores__indicator"))
    assert 12 <= len(rows) <= 40
    assert set(Counter(a.status for a in rows if a.year == 2026)) == set(HarmonyStatus.values)
    held_2026 = {r["body__enterprise_id"] for r in held_ids(2026)}
    for a in rows:
        assert a.enterprise.union_id == a.org_id
        assert all(d is None or d <= ON for d in (a.submitted_on, a.returned_on, a.reviewed_on, a.rated_on))
        scores = list(a.scores.all())
        assert len(scores) == 7
        congress = next(s for s in scores if s.indicator.code == "congress")
        if a.year == 2026:
            assert congress.self_score == (15 if a.enterprise_id in held_2026 else 0)
        if a.status != HarmonyStatus.DRAFT:
            assert a.self_total == sum(s.self_score for s in scores)
        if a.review_total is not None:
            assert a.review_total == sum(s.review_score for s in scores)
        if a.status == HarmonyStatus.RATED:
            assert a.threshold_rating == rules().rating_for(a.review_total)
            assert a.rating == a.threshold_rating or a.rating_reason
    assert IndicatorScore.objects.count() == 7 * len(rows)


def test_demo_accounts_see_harmony_data(seeded):
    for username, marker in (("union1", "SUBMITTED"), ("town1", "FORWARDED"), ("town2", ""), ("district", "")):
        client = Client()
        client.force_login(seeded[username])
        page = client.get("/grassroots/harmony/?year=2026")
        assert page.status_code == 200
        visible = HarmonyAssessment.objects.visible_to(seeded[username]).filter(year=2026)
        assert visible.exists(), username
        if marker:
            assert visible.filter(status=marker).exists(), username
        assert client.get(f"/grassroots/harmony/{visible.first().pk}/").status_code == 200
    client = Client()
    client.force_login(seeded["district"])
    rated = client.get("/grassroots/harmony/rated/?year=2025")
    assert rated.status_code == 200
    assert HarmonyAssessment.objects.filter(year=2025, status=HarmonyStatus.RATED).exists()
