"""seed_demo's committees (core.demo.grassroots.committees) at small scale: every row is one the
services could have written, terms are spread over the states, and the demo accounts see data."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.demo.grassroots.committees import ON, SIZE_TABLE
from gonghui.grassroots.models import Committee, CommitteeMember, CommitteeStatus
from gonghui.grassroots.selectors.committees import term_state
from gonghui.grassroots.services.committees import term_end
from gonghui.orgs.models import Org, OrgLevel

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_committees_are_what_the_services_write(seeded):
    unions = {u.pk: u for u in Org.objects.filter(level=OrgLevel.GRASSROOTS)}
    committees = list(Committee.objects.all())
    current = [c for c in committees if c.status == CommitteeStatus.CURRENT]
    assert len({c.org_id for c in current}) == len(current)
    assert len(unions) * 0.8 <= len(current) < len(unions)   # almost every union; a few with none
    by_union = {}
    for c in committees:
        by_union.setdefault(c.org_id, []).append(c)
        assert c.org_id in unions
        assert c.term_years in (3, 5)
        assert c.term_ends_on == term_end(c.elected_on, c.term_years)
        assert c.elected_on <= ON
        if unions[c.org_id].founded_on:
            assert c.elected_on >= unions[c.org_id].founded_on
        assert (c.ended_on is None) == (c.status == CommitteeStatus.CURRENT)
        # Committees seated by the elections area's demo (which runs after this one) have an election.
        assert (c.election_id is not None) == (c.source == "ELECTION")
    for terms in by_union.values():
        terms.sort(key=lambda c: c.term_number)
        for before, after in zip(terms, terms[1:], strict=False):
            assert after.term_number == before.term_number + 1
            assert before.status == CommitteeStatus.REPLACED and before.ended_on == after.elected_on
            assert before.elected_on < after.elected_on
    members = Counter(CommitteeMember.objects.filter(position="CHAIR").values_list("committee_id", flat=True))
    assert all(members[c.pk] == 1 for c in committees)
    sizes = Counter(CommitteeMember.objects.values_list("committee_id", flat=True))
    for c in committees:
        if c.source != "ELECTION":   # the legal table's range for the members at the election
            low, high = next(((lo, hi) for top, lo, hi in SIZE_TABLE if c.members_at_election <= top), (37, 45))
            assert low <= sizes[c.pk] <= high, (c.members_at_election, sizes[c.pk])
    for c in current:
        chair = CommitteeMember.objects.get(committee=c, position="CHAIR").name
        assert unions[c.org_id].chair_name == chair
    assert not CommitteeMember.objects.filter(committee__in=current).values("committee", "name").annotate(
        n=Count("pk")).filter(n__gt=1).exists()
    states = Counter(term_state(c, ON) for c in current)
    assert states["EXPIRED"] and states["EXPIRING"] and states["LATER"]
    assert any(c.status == CommitteeStatus.REPLACED for c in committees)


def test_demo_accounts_see_committees(seeded, client):
    union1 = Org.objects.get(pk=seeded["union1"].role_assignments.first().org_id)
    c = Committee.objects.get(org=union1, status="CURRENT")
    assert term_state(c, ON) == "EXPIRING"
    assert Committee.objects.filter(org=union1, status="REPLACED").exists()
    for name in ("town1", "town2"):
        client.force_login(seeded[name])
        response = client.get(reverse("grassroots:committee_list"))
        counts = response.context["counts"]
        assert counts["expired"] and counts["expiring"] and counts["none"], (name, counts)
    client.force_login(seeded["union1"])
    assert client.get(reverse("grassroots:committee_detail", args=[c.pk])).status_code == 200
