"""seed_demo's founding applications (core.demo.grassroots.foundings) at small scale: every row is
one the services could have written, and the demo accounts see data on the founding pages."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client

from gonghui.accounts.models import User
from gonghui.core.demo.grassroots.foundings import ON
from gonghui.grassroots.models import FoundingApplication, FoundingForm, FoundingStatus
from gonghui.grassroots.rules.foundings import rules
from gonghui.orgs.models import Enterprise, UnionKind

pytestmark = pytest.mark.django_db
S = FoundingStatus


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_applications_follow_the_workflow(seeded):
    rows = list(FoundingApplication.objects.select_related("enterprise", "union", "joint_union", "town"))
    statuses = Counter(a.status for a in rows)
    assert set(statuses) == set(S.values), statuses
    threshold = rules().committee_min_members
    open_per_enterprise = Counter(a.enterprise_id for a in rows if a.is_open)
    assert max(open_per_enterprise.values()) == 1
    for a in rows:
        days = [a.submitted_on, a.returned_on, a.reviewed_on, a.approved_on, a.registered_on, a.joined_on,
                a.refused_on, a.withdrawn_on, a.meeting_on]
        assert all(d is None or d <= ON for d in days)
        assert (a.form == FoundingForm.COMMITTEE) == (a.members_count >= threshold)
        assert a.members_count <= a.headcount
        assert a.town_id == a.enterprise.town_id
        if a.is_open:
            assert a.enterprise.union_id is None
        if a.status == S.REGISTERED:
            assert a.enterprise.union_id == a.union_id and a.union.legal_cert_no == a.legal_cert_no
            assert a.union.founded_on == a.meeting_on and a.registered_on >= a.approved_on >= a.reviewed_on
        if a.status == S.JOINED:
            assert a.union.union_kind == UnionKind.JOINT and a.enterprise.union_id == a.union_id == a.joint_union_id
        assert (a.step_due_on is not None) == (a.status in (S.SUBMITTED, S.REVIEWED, S.APPROVED))
    assert any(a.step_due_on < ON for a in rows if a.step_due_on), "one waiting step is overdue"


def test_demo_accounts_see_founding_data(seeded):
    union1 = seeded["union1"]
    assert FoundingApplication.objects.visible_to(union1).filter(status=S.REGISTERED).exists()
    for name in ("town1", "town2"):
        user = seeded[name]
        mine = FoundingApplication.objects.visible_to(user)
        assert mine.filter(status=S.SUBMITTED).exists() and mine.filter(status=S.APPROVED).exists()
        client = Client()
        client.force_login(user)
        page = client.get("/grassroots/unorganised/").content.decode()
        town = user.role_assignments.first().org
        bare = Enterprise.objects.filter(town=town, union__isnull=True).order_by("-headcount").first()
        assert bare is not None and bare.name in page
        assert client.get("/grassroots/foundings/").status_code == 200
    client = Client()
    client.force_login(seeded["district"])
    assert "towns-title" in client.get("/grassroots/unorganised/").content.decode()
