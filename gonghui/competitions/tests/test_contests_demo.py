"""seed_demo's skills contests (core.demo.competitions.contests) at small scale: rows the services
could have written, every status, winners in the honours registry, and the demo accounts see data."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.competitions.models.contests import ContestEntry, ContestStatus, SkillContest
from gonghui.competitions.selectors.contests import age_on, due_results_summary
from gonghui.competitions.services.contests import ranking_key, weighted_total
from gonghui.honours.models.awards import HonourRecord

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_rows_follow_the_rules_and_the_accounts_see_them(seeded):
    """One seed for both checks (seeding costs seconds)."""
    _rows_follow_the_rules()
    _accounts_see_contests(seeded)


def _rows_follow_the_rules():
    contests = list(SkillContest.objects.select_related("org"))
    assert set(Counter(c.status for c in contests)) == set(ContestStatus.values)
    assert SkillContest.objects.filter(level="DISTRICT", trade__is_regular=True, year=2026).count() == 10
    for c in contests:
        entries = list(c.entries.select_related("union", "person"))
        assert len({e.exam_no for e in entries}) == len(entries)
        assert all(e.exam_no.startswith(c.exam_prefix + "-") for e in entries)
        assert sum(e.status == "REGISTERED" for e in entries) <= c.capacity
        for e in entries:
            assert e.union.path.startswith(c.org.path)
            assert c.min_age <= age_on(e.person.birth_on, c.held_on) <= c.max_age
            if e.total_score is not None:
                assert e.total_score == weighted_total(e.theory_score, e.practical_score, c)
        if c.status == "PUBLISHED":
            ranked = sorted((e for e in entries if e.rank), key=lambda e: e.rank)
            assert [e.rank for e in ranked] == list(range(1, len(ranked) + 1))
            assert ranked == sorted(ranked, key=ranking_key)
            winners = {e.person_id for e in ranked[:c.winners]}
            assert winners == set(HonourRecord.objects.filter(
                source_key__in=[f"competitions.ContestEntry:{e.pk}" for e in ranked]).values_list("person_id",
                                                                                               flat=True))


def _accounts_see_contests(seeded):
    union1, town1 = seeded["union1"], seeded["town1"]
    assert ContestEntry.objects.visible_to(union1).exists()
    assert SkillContest.objects.visible_to(union1).filter(level="ENTERPRISE", status="OPEN").exists()
    from gonghui.accounts.models import RoleAssignment

    union1_org = RoleAssignment.objects.get(user=seeded["union1"]).org
    member1 = ContestEntry.objects.get(person_name=seeded["member1"].display_name, union=union1_org,
                                       contest__level="DISTRICT")
    assert member1.rank == 1  # member1 won a published district contest: an honour on their record
    assert HonourRecord.objects.filter(category="CONTEST", person=member1.person, org=union1_org).exists()
    assert due_results_summary(seeded["district"]).soon + due_results_summary(seeded["district"]).overdue >= 1
    for name in ("district", "town1", "town2", "union1"):
        c = Client()
        c.force_login(seeded[name])
        r = c.get(reverse("competitions:contest_list"))
        assert r.status_code == 200
        contest = SkillContest.objects.visible_to(seeded[name]).filter(status="PUBLISHED").first()
        assert contest is not None, name
        assert c.get(reverse("competitions:contest_detail", args=[contest.pk])).status_code == 200
        assert c.get(reverse("competitions:overview")).status_code == 200
    assert SkillContest.objects.visible_to(town1).filter(level="TOWN", org__name__contains="城厢").exists()
