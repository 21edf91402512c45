"""seed_demo's suggestions and technical projects (core.demo.innovation): every row is one the
services could have written, and the demo accounts have data on every page."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import F, Q

from gonghui.accounts.models import User
from gonghui.core.demo.innovation import ON
from gonghui.innovation.models import (
    ADOPTED_STATUSES,
    Milestone,
    ProjectStatus,
    Suggestion,
    SuggestionScore,
    SuggestionStatus,
    TechProject,
)
from gonghui.innovation.rules import rules
from gonghui.orgs.models import Org, OrgLevel

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_rows_follow_the_workflow(seeded):
    suggestions = list(Suggestion.objects.prefetch_related("scores"))
    assert 30 <= len(suggestions) <= 80
    statuses = Counter(s.status for s in suggestions)
    assert set(statuses) == set(SuggestionStatus.values)
    assert len({s.kind for s in suggestions}) >= 4
    for s in suggestions:
        days = [s.submitted_on, s.evaluated_on, s.decided_on, s.implemented_on, s.benefit_measured_on,
                s.reward_paid_on, s.withdrawn_on]
        assert all(d is None or d <= ON for d in days)
        assert s.enterprise.union_id == s.org_id
        scores = list(s.scores.all())
        if s.evaluated_on:
            assert s.evaluated_on >= s.submitted_on
            assert s.total_score == sum(r.points for r in scores)
            assert all(0 <= r.points <= r.max_points for r in scores)
            assert s.grade == rules().grade_for(s.total_score)
        else:
            assert not scores and s.total_score is None
        if s.status in ADOPTED_STATUSES:
            assert s.evaluated_on and s.decided_on >= s.evaluated_on
        if s.reward_paid_on:
            assert s.status in ADOPTED_STATUSES and s.reward_paid_on >= s.decided_on and s.reward_yuan > 0
        assert (s.benefit_yuan is not None) == (s.status == SuggestionStatus.IMPLEMENTED)
    assert any(s.reward_paid_on for s in suggestions)
    assert SuggestionScore.objects.count() == sum(len(rules().criteria) for s in suggestions if s.evaluated_on)


def test_demo_projects(seeded):
    projects = list(TechProject.objects.prefetch_related("milestones", "team"))
    assert 3 <= len(projects) <= 20
    assert {ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED} <= {p.status for p in projects}
    for p in projects:
        team = list(p.team.all())
        assert sum(m.is_leader for m in team) == 1
        milestones = list(p.milestones.all())
        assert milestones
        for m in milestones:
            assert m.due_on <= p.planned_end_on
            assert m.done_on is None or (p.started_on <= m.done_on <= ON)
        if p.status == ProjectStatus.COMPLETED:
            assert all(m.done_on for m in milestones) and p.completed_on <= ON and p.benefit_yuan is not None
    assert Milestone.objects.filter(done_on__isnull=True, due_on__lt=ON,
                                    project__status=ProjectStatus.IN_PROGRESS).exists()
    assert not TechProject.objects.filter(completed_on__lt=F("started_on")).exists()


def test_demo_accounts_have_data(seeded):
    union1 = seeded["union1"].role_assignments.get().org
    town1 = seeded["town1"].role_assignments.get().org
    town2 = seeded["town2"].role_assignments.get().org
    mine = Suggestion.objects.filter(org=union1)
    assert set(mine.values_list("status", flat=True)) == set(SuggestionStatus.values)
    assert mine.filter(submitter_person__isnull=False).exists()
    assert mine.filter(reward_paid_on__isnull=False).exists()
    assert TechProject.objects.filter(org=union1).count() >= 2
    for username, town in (("town1", town1), ("town2", town2)):
        assert Suggestion.objects.visible_to(seeded[username]).filter(enterprise__town=town).exists()
        assert Suggestion.objects.filter(Q(org__path__startswith=town.path) | Q(enterprise__town=town)).exists()
    towns = Org.objects.filter(level__in=[OrgLevel.TOWN, OrgLevel.PLATFORM], depth=2)
    with_data = {t.pk for t in towns if Suggestion.objects.filter(enterprise__town=t).exists()}
    assert len(with_data) >= 3
    assert TechProject.objects.visible_to(seeded["town1"]).exists()
