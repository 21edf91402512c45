"""seed_demo's 名师带徒 pairs (core.demo.training.mentoring) at small scale: rows the services could
have written (reports in order with their due days, the next due day right, assessed pairs
completed, raised levels in the registry), in several towns including union1's, some overdue,
and the demo accounts see them on the pages."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.demo.training.mentoring import ON
from gonghui.members.models import Person
from gonghui.training.models.mentoring import Mentorship, MentorshipAssessment, MentorshipStatus
from gonghui.training.services import mentoring as services

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_the_small_demo(seeded):
    pairs = list(Mentorship.objects.prefetch_related("reports").select_related("assessment"))
    assert {m.status for m in pairs} == set(MentorshipStatus.values)
    assert len({m.town_id for m in pairs}) >= 3
    for m in pairs:
        expected = services.periods(m.starts_on, m.ends_on)
        nos = [r.period_no for r in m.reports.all()]
        assert nos == list(range(1, len(nos) + 1))
        for r in m.reports.all():
            assert (r.period_starts_on, r.period_ends_on, r.due_on) == expected[r.period_no - 1][1:]
        if m.status == MentorshipStatus.ACTIVE:
            nxt = services.next_period(m)
            assert m.next_report_due_on == (nxt[3] if nxt else None)
        else:
            assert m.next_report_due_on is None
        assert (m.status == MentorshipStatus.COMPLETED) == hasattr(m, "assessment")
        assert m.master_person_id != m.apprentice_id
    assert any(m.next_report_due_on and m.next_report_due_on < ON for m in pairs)  # some overdue
    raised = MentorshipAssessment.objects.exclude(new_skill_level="")
    assert raised.exists()
    for a in raised.select_related("mentorship"):
        assert Person.objects.get(pk=a.mentorship.apprentice_id).skill_level == a.new_skill_level
        assert services.rank(a.new_skill_level) - services.rank(a.skill_level_before) == 1
    for name in ("district", "town1", "town2", "union1"):
        assert Mentorship.objects.visible_to(seeded[name]).exists(), name
    c = Client()
    c.force_login(seeded["union1"])
    assert c.get(reverse("training:mentoring_list")).status_code == 200
    m = Mentorship.objects.visible_to(seeded["union1"]).first()
    assert c.get(reverse("training:mentoring_detail", args=[m.pk])).status_code == 200
    union1 = [x for x in pairs if x.org.name == m.org.name]
    assert {x.status for x in union1} >= {MentorshipStatus.ACTIVE, MentorshipStatus.COMPLETED}
