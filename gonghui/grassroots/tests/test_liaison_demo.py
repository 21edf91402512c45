"""seed_demo's liaison points (core.demo.grassroots.liaison) at small scale: every row is one the
services could have written, and the demo accounts see real data on the liaison pages."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.demo.grassroots.liaison import ON
from gonghui.grassroots.models.liaison import (
    AssignmentStatus,
    FollowUpStatus,
    LiaisonAssignment,
    LiaisonFollowUp,
    LiaisonVisit,
    LiaisonVisitTopic,
)
from gonghui.grassroots.selectors.liaison import Quarter, coverage
from gonghui.orgs.models import Enterprise

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_rows_are_what_the_services_write(seeded):
    assignments = list(LiaisonAssignment.objects.select_related("enterprise"))
    visits = list(LiaisonVisit.objects.select_related("enterprise"))
    assert 15 <= len(assignments) <= 200 and 30 <= len(visits) <= 1000
    assert all(a.town_id == a.enterprise.town_id for a in assignments)
    assert all((a.status == AssignmentStatus.ENDED) == (a.ends_on is not None) for a in assignments)
    assert all(a.ends_on is None or a.starts_on <= a.ends_on <= ON for a in assignments)
    assert all(a.starts_on <= ON for a in assignments)
    live = LiaisonAssignment.objects.filter(status=AssignmentStatus.ACTIVE).values("cadre_name", "enterprise")
    assert not live.annotate(n=Count("id")).filter(n__gt=1).exists()
    # every top-100 enterprise has a liaison cadre
    top = set(Enterprise.objects.filter(top100=True).values_list("pk", flat=True))
    assert top and top <= set(a.enterprise_id for a in assignments)
    assert all(v.visited_on <= ON and v.town_id == v.enterprise.town_id and v.cadre_name for v in visits)
    # each visit on or after the start of an assignment of its enterprise by that cadre
    starts = {}
    for a in assignments:
        starts.setdefault((a.enterprise_id, a.cadre_name), []).append(a.starts_on)
    assert all(any(s <= v.visited_on for s in starts[(v.enterprise_id, v.cadre_name)]) for v in visits)
    assert not LiaisonVisit.objects.annotate(n=Count("topics")).filter(n=0).exists()
    # an enterprise without a union is visited about forming one
    unorganised = [v for v in visits if v.enterprise.union_id is None]
    assert unorganised and all("FOUNDING" in v.topic_codes for v in unorganised)
    assert LiaisonVisitTopic.objects.values("topic").distinct().count() >= 5
    ups = LiaisonFollowUp.objects.select_related("visit")
    assert ups.exists()
    assert not ups.filter(due_on__lt=F("visit__visited_on")).exists()
    assert not ups.filter(Q(status=FollowUpStatus.CLOSED) & (Q(closed_on__gt=ON) | Q(closed_on__lt=F(
        "visit__visited_on")))).exists()
    assert ups.filter(status=FollowUpStatus.OPEN, due_on__lt=ON).exists()
    assert ups.filter(status=FollowUpStatus.OPEN, due_on__gte=ON).exists()
    assert all(u.enterprise_id == u.visit.enterprise_id and u.town_id == u.visit.town_id for u in ups)


def test_demo_accounts_see_liaison_data(seeded):
    town1, town2, union1 = seeded["town1"], seeded["town2"], seeded["union1"]
    for user in (town1, town2, seeded["district"]):
        assert LiaisonVisit.objects.visible_to(user).exists()
        assert LiaisonFollowUp.objects.visible_to(user).filter(status=FollowUpStatus.OPEN).exists()
        report = coverage(user, Quarter.of(ON))
        assert report.targets > report.visited > 0
    assert LiaisonVisit.objects.visible_to(union1).exists()  # the chair sees the visits to their enterprise
    client = Client()
    client.force_login(town1)
    for name in ("liaison_visit_list", "liaison_follow_up_list", "liaison_assignment_list", "liaison_coverage"):
        response = client.get(reverse(f"grassroots:{name}"))
        assert response.status_code == 200
    page = client.get(reverse("grassroots:liaison_visit_list")).content.decode()
    assert "table" in page
