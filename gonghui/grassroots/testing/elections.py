"""Builders for election tests: a union with N live members, and an election brought to any step
through the services (so every row is what the services write)."""

import datetime

from gonghui.core.testing.factories import MembershipFactory, PersonFactory
from gonghui.grassroots.models.elections import CandidatePosition, ElectionStatus, Electorate
from gonghui.grassroots.services import elections as services

DAY = datetime.date(2026, 3, 2)


def add_members(union, count):
    return [MembershipFactory(person=PersonFactory(), union=union) for _ in range(count)]


def candidate_rows(count, *, chairs=1):
    return [{"name": f"候选人{i + 1:02d}",
             "proposed_position": CandidatePosition.CHAIR if i < chairs else CandidatePosition.MEMBER}
            for i in range(count)]


def election_at(status, *, actor, approver, union, seats=3, candidates=None, members=None,
                electorate=Electorate.MEMBERS, entitled_voters=None, votes=None, day=DAY):
    """An election of `union` brought to `status`. The union gets `members` live members (default
    enough for `seats`) unless it has some already."""
    if not services.live_members(union):
        add_members(union, members or {1: 5, 3: 20, 5: 60, 7: 150}.get(seats, 60))
    election = services.plan_election(actor=actor, union=union, electorate=electorate, seats=seats, term_years=5,
                                      planned_meeting_on=day, entitled_voters=entitled_voters)
    for row in candidates or candidate_rows(services.election_rules.min_candidates(seats)):
        services.add_candidate(actor=actor, election=election, **row)
    if status == ElectionStatus.DRAFT:
        return election
    services.submit_plan(actor=actor, election=election, submitted_on=day)
    if status == ElectionStatus.PLAN_SUBMITTED:
        return election
    services.approve_plan(actor=approver, election=election, approved_on=day, approval_no="批复〔2026〕1号")
    if status == ElectionStatus.PLAN_APPROVED:
        return election
    election.refresh_from_db()
    services.record_meeting(actor=actor, election=election, held_on=day, present=election.entitled_voters)
    if status == ElectionStatus.VOTING:
        return election
    entitled = election.entitled_voters
    cands = list(election.candidates.order_by("order"))
    if votes is None:  # the first `seats` candidates get every vote, the rest none
        votes = {c.pk: (entitled if i < seats else 0) for i, c in enumerate(cands)}
    services.record_ballots(actor=actor, election=election, ballots_issued=entitled, ballots_returned=entitled,
                            ballots_valid=entitled, votes=votes)
    election.refresh_from_db()
    if status == ElectionStatus.ELECTED:
        return election
    elected = list(election.candidates.filter(elected=True).order_by("order"))
    chair = next((c for c in elected if not c.relative_of_manager), elected[0])
    services.record_officers(actor=actor, election=election, first_meeting_on=day, chair=chair.pk,
                             vice_chairs=[c.pk for c in elected if c != chair and not c.relative_of_manager][:1])
    services.submit_result(actor=actor, election=election, submitted_on=day)
    if status == ElectionStatus.RESULT_SUBMITTED:
        return election
    services.approve_result(actor=approver, election=election, approved_on=day)
    election.refresh_from_db()
    return election
