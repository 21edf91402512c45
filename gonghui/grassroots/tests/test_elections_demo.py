"""seed_demo's committee elections (core.demo.grassroots.elections) at small scale: every row is
one the services could have written, and the demo accounts see elections in several steps."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.demo.grassroots.elections import ON
from gonghui.grassroots.models import (
    OPEN_ELECTION_STATUSES,
    CandidatePosition,
    Committee,
    CommitteeSource,
    Election,
    ElectionStatus,
    RoundStatus,
)
from gonghui.grassroots.rules import elections as r
from gonghui.grassroots.services.elections import count_round
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db
S = ElectionStatus


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_elections_follow_the_rules(seeded):
    elections = list(Election.objects.prefetch_related("candidates", "meetings", "rounds__votes"))
    statuses = Counter(e.status for e in elections)
    assert set(OPEN_ELECTION_STATUSES) <= set(statuses) and statuses[S.APPROVED] >= 1
    open_per_union = Counter(e.org_id for e in elections if e.status in OPEN_ELECTION_STATUSES)
    assert max(open_per_union.values()) == 1
    for e in elections:
        low, high = r.seat_range(e.members_count)
        assert low <= e.seats <= high, e
        assert 1 <= e.entitled_voters <= e.members_count
        candidates = list(e.candidates.all())
        assert len(candidates) >= r.min_candidates(e.seats)
        assert any(c.proposed_position == CandidatePosition.CHAIR for c in candidates)
        days = [e.plan_submitted_on, e.plan_approved_on, e.meeting_held_on, e.first_meeting_on, e.result_submitted_on,
                e.result_approved_on, e.cancelled_on]
        assert all(d is None or d <= ON for d in days)
        if e.plan_approved_on:
            assert e.plan_approved_on >= e.plan_submitted_on
        for m in e.meetings.all():
            assert m.valid == r.quorum_met(m.present, m.entitled) and m.held_on <= ON
        elected = [c for c in candidates if c.elected]
        if e.status in (S.ELECTED, S.RESULT_SUBMITTED, S.APPROVED):
            assert len(elected) == e.seats
            counted = [x for x in e.rounds.all() if x.status == RoundStatus.COUNTED]
            for rnd in counted:
                votes = {v.candidate_id: v.votes for v in rnd.votes.all()}
                assert all(n <= rnd.ballots_valid for n in votes.values())
                assert sum(votes.values()) <= rnd.ballots_valid * rnd.seats
                assert rnd.ballots_valid <= rnd.ballots_returned <= rnd.ballots_issued
                won, _tied = count_round(votes, seats=rnd.seats, entitled=e.entitled_voters)
                assert set(won) == {v.candidate_id for v in rnd.votes.all() if v.elected}
        else:
            assert not elected
        if e.first_meeting_on:
            assert sum(1 for c in elected if c.position == CandidatePosition.CHAIR) == 1
        for c in candidates:
            if c.relative_of_manager:
                assert c.proposed_position == CandidatePosition.MEMBER and c.position not in ("CHAIR", "VICE_CHAIR")
        if e.status == S.APPROVED:
            committee = Committee.objects.get(election=e)
            assert committee.source == CommitteeSource.ELECTION and committee.elected_on == e.meeting_held_on
            assert sorted(committee.members.values_list("name", flat=True)) == sorted(c.name for c in elected)
        if e.status == S.VOTING:
            assert e.rounds.filter(status=RoundStatus.OPEN).count() == 1


def test_demo_accounts_see_elections(seeded, client):
    union1 = Org.objects.get(pk=seeded["union1"].role_assignments.get().org_id)
    assert Election.objects.get(org=union1, status__in=OPEN_ELECTION_STATUSES).status == S.PLAN_APPROVED
    for username in ("town1", "town2", "district"):
        user = seeded[username]
        assert Election.objects.visible_to(user).filter(status__in=OPEN_ELECTION_STATUSES).count() >= 3, username
        client.force_login(user)
        response = client.get(reverse("grassroots:election_list"))
        assert response.status_code == 200
        e = Election.objects.visible_to(user).filter(status=S.VOTING).first() or Election.objects.visible_to(
            user).first()
        assert client.get(reverse("grassroots:election_detail", args=[e.pk])).status_code == 200
