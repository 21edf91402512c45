"""seed_demo's labour competitions and on-the-job activities at small scale: the rows follow the
rules the services keep (weights 100%, complete closed rounds with the selectors' totals and ranks,
awards with honour records, participant counts), and the demo accounts see data on every page."""

import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.competitions.models.activities import JobActivity
from gonghui.competitions.models.labour import CompetitionAward, LabourCompetition, RoundResult
from gonghui.competitions.selectors import labour as selectors

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


def test_demo_rows_follow_the_rules_and_the_accounts_see_them():
    """One seed for every check (seeding is the slow part)."""
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    seeded = {u.username: u for u in User.objects.all()}
    comps = list(LabourCompetition.objects.prefetch_related("criteria", "teams", "rounds"))
    assert {c.status for c in comps} >= {"PLANNED", "RUNNING", "FINISHED"}
    for c in comps:
        assert sum(x.weight for x in c.criteria.all()) == 100
        for t in c.teams.all():
            assert t.org.path.startswith(c.org.path)
        weights = selectors.weights_of(c)
        for rnd in c.rounds.all():
            if rnd.status != "CLOSED":
                continue
            assert selectors.missing_scores(rnd, list(c.teams.all()), list(c.criteria.all())) == 0
            stored = {r.team_id: (r.total, r.rank) for r in RoundResult.objects.filter(round=rnd)}
            totals = selectors.round_totals(rnd, weights)
            names = {t.pk: t.name for t in c.teams.all()}
            assert stored == {t: (total, n) for t, total, n in selectors.rank(totals, names)}
    awards = list(CompetitionAward.objects.select_related("honour", "competition"))
    assert {a.kind for a in awards} == {"TEAM", "INDIVIDUAL"}
    assert all(a.honour and a.honour.category == "COMPETITION" and a.competition.status == "FINISHED"
               for a in awards)
    counts = defaultdict(int)
    for a in JobActivity.objects.prefetch_related("participants"):
        counts[a.pk] = a.participants.count()
        assert a.participant_count == counts[a.pk]
    for username in ("district", "town1", "union1"):
        _pages_have_data(seeded[username])


def _pages_have_data(user):
    client = Client()
    client.force_login(user)
    comps = LabourCompetition.objects.visible_to(user)
    assert comps.filter(status="RUNNING").exists()
    assert JobActivity.objects.visible_to(user).exists()
    body = client.get(reverse("competitions:competition_list")).content.decode()
    assert "五比五赛" in body or "劳动竞赛" in body
    running = comps.filter(status="RUNNING", rounds__status="CLOSED").distinct().first()
    detail = client.get(reverse("competitions:competition_detail", args=[running.pk]))
    assert detail.status_code == 200 and "labour-history-data" in detail.content.decode()
    rnd = running.rounds.first()
    assert client.get(reverse("competitions:round_scores", args=[running.pk, rnd.pk])).status_code == 200
    assert client.get(reverse("competitions:activity_list")).status_code == 200
    a = JobActivity.objects.visible_to(user).first()
    assert client.get(reverse("competitions:activity_detail", args=[a.pk])).status_code == 200
    assert client.get(reverse("competitions:overview")).status_code == 200
