"""Election services from plan to approved result: the plan's rules (size table, 差额, chair
candidates, eligibility), the approvals, quorum and majority at their edges, ties and unfilled
seats (further rounds), officers, the seating of the committee, one open election per union."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.grassroots.models import (
    CandidatePosition,
    Committee,
    CommitteeSource,
    CommitteeStatus,
    Election,
    ElectionMeeting,
    ElectionStatus,
    Electorate,
)
from gonghui.grassroots.services import elections as services
from gonghui.grassroots.testing.elections import DAY, add_members, candidate_rows, election_at
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db
S = ElectionStatus


def _plan(tree, seats=3, members=20, **kw):
    if members:
        add_members(tree.union1, members)
    args = {"actor": tree.union1_chair, "union": tree.union1, "electorate": Electorate.MEMBERS, "seats": seats,
            "term_years": 5, "planned_meeting_on": DAY}
    args.update(kw)
    return services.plan_election(**args)


def test_plan_takes_the_members_and_refuses_seats_outside_the_table(tree):
    add_members(tree.union1, 26)  # 26–100: 3 to 5 seats
    for seats in (2, 6):
        with pytest.raises(DomainError) as err:
            _plan(tree, seats=seats, members=0)
        assert err.value.code == "seats_out_of_range" and err.value.field == "seats"
        assert "3" in err.value.text and "5" in err.value.text
    election = _plan(tree, seats=5, members=0)
    assert (election.members_count, election.entitled_voters, election.status) == (26, 26, S.DRAFT)
    assert AuditEvent.objects.filter(action="grassroots.election.plan", object_id=str(election.pk)).exists()


def test_small_union_elects_a_chair_only(tree):
    add_members(tree.union1, 10)
    with pytest.raises(DomainError):
        _plan(tree, seats=3, members=0)
    assert _plan(tree, seats=1, members=0).seats == 1


def test_delegates_assembly_takes_the_delegates_entered(tree):
    add_members(tree.union1, 30)
    with pytest.raises(DomainError) as err:
        _plan(tree, members=0, electorate=Electorate.DELEGATES, entitled_voters=31)
    assert err.value.code == "too_many_delegates"
    with pytest.raises(DomainError) as err:
        _plan(tree, members=0, electorate=Electorate.DELEGATES, entitled_voters=None)
    assert err.value.field == "entitled_voters"
    election = _plan(tree, members=0, electorate=Electorate.DELEGATES, entitled_voters=21)
    assert election.entitled_voters == 21 and election.members_count == 30


def test_union_without_members_and_wrong_term_refused(tree):
    with pytest.raises(DomainError) as err:
        _plan(tree, members=0)
    assert err.value.code == "no_members"
    with pytest.raises(DomainError) as err:
        _plan(tree, term_years=4)
    assert err.value.code == "term_years"
    assert not Election.objects.exists()


def test_one_open_election_per_union_friendly_and_in_the_database(tree):
    first = _plan(tree)
    with pytest.raises(DomainError) as err:
        _plan(tree, members=0)
    assert err.value.code == "already_open" and tree.union1.name in err.value.text
    with pytest.raises(IntegrityError), transaction.atomic():
        Election.objects.create(org=tree.union1, electorate="MEMBERS", members_count=20, entitled_voters=20, seats=3,
                                term_years=5, planned_meeting_on=DAY, status=S.PLAN_APPROVED)
    services.cancel_election(actor=tree.union1_chair, election=first, cancelled_on=DAY, reason="改期")
    assert _plan(tree, members=0).status == S.DRAFT  # a cancelled one no longer blocks


def test_candidates_eligibility_and_duplicates(tree):
    election = _plan(tree)
    with pytest.raises(DomainError) as err:
        services.add_candidate(actor=tree.union1_chair, election=election, name="王芳",
                               proposed_position=CandidatePosition.CHAIR, relative_of_manager=True)
    assert err.value.code == "relative_barred" and "王芳" in err.value.text
    services.add_candidate(actor=tree.union1_chair, election=election, name="王芳", relative_of_manager=True)
    with pytest.raises(DomainError) as err:
        services.add_candidate(actor=tree.union1_chair, election=election, name=" 王芳 ")
    assert err.value.code == "duplicate_candidate"
    outsider = tree.member(union=tree.union2).person
    with pytest.raises(DomainError) as err:
        services.add_candidate(actor=tree.union1_chair, election=election, person=outsider)
    assert err.value.code == "not_a_member"
    member = tree.member().person
    c = services.add_candidate(actor=tree.union1_chair, election=election, person=member)
    assert c.name == member.name and c.person == member


@pytest.mark.parametrize(("seats", "members", "short", "enough"), [(3, 20, 3, 4), (7, 150, 7, 8), (1, 5, 1, 2)])
def test_submit_needs_five_percent_more_candidates(tree, seats, members, short, enough):
    election = _plan(tree, seats=seats, members=members)
    for row in candidate_rows(short):
        services.add_candidate(actor=tree.union1_chair, election=election, **row)
    with pytest.raises(DomainError) as err:
        services.submit_plan(actor=tree.union1_chair, election=election, submitted_on=DAY)
    assert err.value.code == "plan_incomplete" and str(enough) in err.value.text
    services.add_candidate(actor=tree.union1_chair, election=election, name="补充候选人")
    assert services.submit_plan(actor=tree.union1_chair, election=election, submitted_on=DAY).status == S.PLAN_SUBMITTED


def test_submit_needs_a_chair_candidate(tree):
    election = _plan(tree)
    for row in candidate_rows(4, chairs=0):
        services.add_candidate(actor=tree.union1_chair, election=election, **row)
    with pytest.raises(DomainError, match="chair|主席"):
        services.submit_plan(actor=tree.union1_chair, election=election, submitted_on=DAY)


def test_plan_approval_by_the_upper_union_only_and_return(tree):
    election = election_at(S.PLAN_SUBMITTED, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    with pytest.raises(PermissionDenied):
        services.approve_plan(actor=tree.union1_chair, election=election, approved_on=DAY)
    with pytest.raises(PermissionDenied):
        services.approve_plan(actor=tree.town2_cadre, election=election, approved_on=DAY)
    with pytest.raises(DomainError) as err:
        services.return_plan(actor=tree.town1_cadre, election=election, returned_on=DAY, reason=" ")
    assert err.value.field == "reason"
    services.return_plan(actor=tree.town1_cadre, election=election, returned_on=DAY, reason="候选人不足")
    election.refresh_from_db()
    assert election.status == S.DRAFT and election.plan_return_reason == "候选人不足"
    services.submit_plan(actor=tree.union1_chair, election=election, submitted_on=DAY)
    with pytest.raises(DomainError) as err:
        services.approve_plan(actor=tree.town1_cadre, election=election, approved_on=DAY - datetime.timedelta(days=1))
    assert err.value.code == "date_order"
    services.approve_plan(actor=tree.district_staff, election=election, approved_on=DAY)
    assert Election.objects.get(pk=election.pk).status == S.PLAN_APPROVED


def _approved(tree, members=60, seats=5, candidates=6):
    add_members(tree.union1, members)
    return election_at(S.PLAN_APPROVED, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1,
                       seats=seats, candidates=candidate_rows(candidates))


def test_quorum_edge_60_entitled_40_present_valid_39_invalid(tree):
    election = _approved(tree)
    meeting = services.record_meeting(actor=tree.union1_chair, election=election, held_on=DAY, present=39)
    election.refresh_from_db()
    assert meeting.valid is False and election.status == S.PLAN_APPROVED and not election.rounds.exists()
    meeting = services.record_meeting(actor=tree.union1_chair, election=election, held_on=DAY, present=40)
    election.refresh_from_db()
    assert meeting.valid is True and election.status == S.VOTING
    assert ElectionMeeting.objects.filter(election=election).count() == 2
    first = election.rounds.get()
    assert first.seats == 5 and first.votes.count() == 6


def test_present_cannot_exceed_entitled(tree):
    election = _approved(tree)
    with pytest.raises(DomainError) as err:
        services.record_meeting(actor=tree.union1_chair, election=election, held_on=DAY, present=61)
    assert err.value.code == "present_over_entitled"


def _voting(tree, **kw):
    election = _approved(tree, **kw)
    services.record_meeting(actor=tree.union1_chair, election=election, held_on=DAY, present=55)
    election.refresh_from_db()
    return election, list(election.candidates.order_by("order"))


def _ballots(tree, election, votes, valid=55):
    return services.record_ballots(actor=tree.union1_chair, election=election, ballots_issued=55,
                                   ballots_returned=55, ballots_valid=valid, votes=votes)


def test_majority_edge_31_of_60_elected_30_not_and_a_further_round(tree):
    election, c = _voting(tree)
    counted = _ballots(tree, election, {c[0].pk: 31, c[1].pk: 30, c[2].pk: 40, c[3].pk: 45, c[4].pk: 50, c[5].pk: 10})
    election.refresh_from_db()
    elected = set(election.candidates.filter(elected=True).values_list("name", flat=True))
    assert elected == {c[0].name, c[2].name, c[3].name, c[4].name}
    assert election.status == S.VOTING and counted.number == 1
    second = election.rounds.get(number=2)
    assert second.seats == 1
    assert set(second.votes.values_list("candidate__name", flat=True)) == {c[1].name, c[5].name}
    _ballots(tree, election, {c[1].pk: 40, c[5].pk: 12})
    election.refresh_from_db()
    assert election.status == S.ELECTED
    assert election.candidates.get(pk=c[1].pk).elected_round == 2


def test_tie_at_the_last_seat_goes_to_a_further_round_among_the_tied(tree):
    election, c = _voting(tree)
    _ballots(tree, election, {c[0].pk: 50, c[1].pk: 49, c[2].pk: 48, c[3].pk: 47, c[4].pk: 40, c[5].pk: 40})
    election.refresh_from_db()
    assert election.candidates.filter(elected=True).count() == 4
    second = election.rounds.get(number=2)
    assert second.seats == 1
    assert set(second.votes.values_list("candidate_id", flat=True)) == {c[4].pk, c[5].pk}
    assert set(election.rounds.get(number=1).votes.filter(tied=True).values_list("candidate_id", flat=True)) == {
        c[4].pk, c[5].pk}


def test_ballot_checks_save_nothing(tree):
    election, c = _voting(tree)
    votes = {x.pk: 30 for x in c}
    with pytest.raises(DomainError) as err:
        services.record_ballots(actor=tree.union1_chair, election=election, ballots_issued=55, ballots_returned=56,
                                ballots_valid=50, votes=votes)
    assert err.value.code == "returned_over_issued"
    with pytest.raises(DomainError) as err:
        services.record_ballots(actor=tree.union1_chair, election=election, ballots_issued=56, ballots_returned=55,
                                ballots_valid=50, votes=votes)
    assert err.value.code == "issued_over_present"
    with pytest.raises(DomainError) as err:
        _ballots(tree, election, {**votes, c[0].pk: 56})
    assert err.value.code == "votes_over_valid" and err.value.field == f"votes.{c[0].pk}"
    with pytest.raises(DomainError) as err:
        _ballots(tree, election, {k: v for k, v in votes.items() if k != c[5].pk})
    assert err.value.code == "votes_missing" and c[5].name in err.value.text
    with pytest.raises(DomainError) as err:
        _ballots(tree, election, {x.pk: 50 for x in c}, valid=55)  # 300 > 55 × 5
    assert err.value.code == "votes_over_total"
    election.refresh_from_db()
    assert election.status == S.VOTING and not election.candidates.filter(elected=True).exists()


def test_close_voting_needs_two_thirds_of_seats(tree):
    election, c = _voting(tree)
    _ballots(tree, election, {c[0].pk: 50, c[1].pk: 49, c[2].pk: 10, c[3].pk: 10, c[4].pk: 10, c[5].pk: 10})
    with pytest.raises(DomainError) as err:
        services.close_voting(actor=tree.union1_chair, election=election, reason="无人过半")
    assert err.value.code == "too_few_elected"
    election.refresh_from_db()
    second = election.rounds.get(number=2)
    ids = list(second.votes.values_list("candidate_id", flat=True))
    _ballots(tree, election, {ids[0]: 40, ids[1]: 40, ids[2]: 10, ids[3]: 10})
    services.close_voting(actor=tree.union1_chair, election=election, reason="两轮后仍有空缺")
    election.refresh_from_db()
    assert election.status == S.ELECTED and election.candidates.filter(elected=True).count() == 4
    assert not election.rounds.filter(status="OPEN").exists()


def test_officers_among_the_elected_and_relatives_barred(tree):
    add_members(tree.union1, 60)
    rows = candidate_rows(6)
    rows[1]["relative_of_manager"] = True
    election = election_at(S.ELECTED, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1, seats=5,
                           candidates=rows)
    c = list(election.candidates.order_by("order"))
    with pytest.raises(DomainError) as err:
        services.record_officers(actor=tree.union1_chair, election=election, first_meeting_on=DAY, chair=c[5].pk)
    assert err.value.code == "chair_not_elected"
    with pytest.raises(DomainError) as err:
        services.record_officers(actor=tree.union1_chair, election=election, first_meeting_on=DAY, chair=c[0].pk,
                                 vice_chairs=[c[1].pk])
    assert err.value.code == "relative_barred" and c[1].name in err.value.text
    with pytest.raises(DomainError) as err:
        services.submit_result(actor=tree.union1_chair, election=election, submitted_on=DAY)
    assert err.value.code == "officers_missing"
    services.record_officers(actor=tree.union1_chair, election=election, first_meeting_on=DAY, chair=c[0].pk,
                             vice_chairs=[c[2].pk])
    assert election.candidates.get(pk=c[0].pk).position == CandidatePosition.CHAIR
    assert election.candidates.get(pk=c[2].pk).position == CandidatePosition.VICE_CHAIR


def test_approved_result_seats_the_committee_and_keeps_the_old_one(tree):
    from gonghui.grassroots.services.committees import record_committee

    add_members(tree.union1, 20)
    old = record_committee(actor=tree.union1_chair, union=tree.union1, elected_on=datetime.date(2021, 3, 1),
                           term_years=5, members=[{"name": "老主席", "position": "CHAIR", "person": None}])
    election = election_at(S.RESULT_SUBMITTED, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    with pytest.raises(PermissionDenied):
        services.approve_result(actor=tree.union1_chair, election=election, approved_on=DAY)
    committee = services.approve_result(actor=tree.town1_cadre, election=election, approved_on=DAY,
                                        approval_no="批复〔2026〕9号")
    election.refresh_from_db()
    old.refresh_from_db()
    assert election.status == S.APPROVED and election.result_approval_no == "批复〔2026〕9号"
    assert committee.source == CommitteeSource.ELECTION and committee.status == CommitteeStatus.CURRENT
    assert committee.term_number == 2 and committee.elected_on == DAY and committee.term_years == 5
    assert old.status == CommitteeStatus.REPLACED
    chair = election.candidates.get(position=CandidatePosition.CHAIR)
    assert committee.members.get(position="CHAIR").name == chair.name
    assert committee.members.count() == 3
    assert Org.objects.get(pk=tree.union1.pk).chair_name == chair.name
    assert Committee.objects.filter(org=tree.union1).count() == 2
    # the union may start its next election
    assert services.open_election_of(tree.union1) is None


def test_return_result_goes_back_to_elected(tree):
    election = election_at(S.RESULT_SUBMITTED, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    services.return_result(actor=tree.town1_cadre, election=election, returned_on=DAY, reason="材料不全")
    election.refresh_from_db()
    assert election.status == S.ELECTED and election.result_return_reason == "材料不全"


def test_steps_out_of_order_are_wrong_stage_and_out_of_scope_denied(tree):
    election = election_at(S.DRAFT, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    with pytest.raises(DomainError) as err:
        services.record_meeting(actor=tree.union1_chair, election=election, held_on=DAY, present=20)
    assert err.value.code == "wrong_stage"
    with pytest.raises(PermissionDenied):
        services.add_candidate(actor=tree.union2_chair, election=election, name="某人")
    with pytest.raises(PermissionDenied):
        services.add_candidate(actor=tree.member_user, election=election, name="某人")
    # a town cadre may submit on the union's behalf
    services.submit_plan(actor=tree.town1_cadre, election=election, submitted_on=DAY)


def test_future_dates_refused(tree):
    election = election_at(S.DRAFT, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    with pytest.raises(DomainError) as err:
        services.submit_plan(actor=tree.union1_chair, election=election,
                             submitted_on=services.today() + datetime.timedelta(days=1))
    assert err.value.code == "date_in_future"


def test_ending_with_vacancies_never_below_the_legal_minimum_committee(tree):
    """11–25 members elect exactly 3: two thirds of 3 is 2, but a committee of 2 is below the
    size table, so the voting cannot end with one seat vacant; with 26–100 members and 5 seats,
    4 filled (two thirds) is at or above the table's minimum of 3 and may end."""
    add_members(tree.union1, 20)
    election = election_at(S.VOTING, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1, seats=3)
    c = list(election.candidates.order_by("order"))
    services.record_ballots(actor=tree.union1_chair, election=election, ballots_issued=20, ballots_returned=20,
                            ballots_valid=20, votes={c[0].pk: 20, c[1].pk: 20, c[2].pk: 5, c[3].pk: 5})
    assert services.close_threshold(election) == 3
    with pytest.raises(DomainError) as err:
        services.close_voting(actor=tree.union1_chair, election=election, reason="无人过半")
    assert err.value.code == "too_few_elected" and "3" in err.value.text
    election.refresh_from_db()
    assert election.status == S.VOTING and election.rounds.filter(status="OPEN").exists()


def test_close_threshold_is_two_thirds_when_above_the_legal_minimum(tree):
    election, _c = _voting(tree)  # 60 members (3–5 seats), 5 seats
    assert services.close_threshold(election) == 4


def test_ballots_sent_twice_are_not_counted_as_the_further_round(tree):
    """Nobody reaches a majority in round 1, so every candidate stands again in round 2: the same
    form sent a second time (round 1) is refused instead of being recorded as round 2."""
    election, c = _voting(tree)
    votes = {x.pk: 20 for x in c}
    services.record_ballots(actor=tree.union1_chair, election=election, ballots_issued=55, ballots_returned=55,
                            ballots_valid=55, votes=votes, round_number=1)
    second = election.rounds.get(number=2)
    assert second.votes.count() == len(c)
    with pytest.raises(DomainError) as err:
        services.record_ballots(actor=tree.union1_chair, election=election, ballots_issued=55, ballots_returned=55,
                                ballots_valid=55, votes=votes, round_number=1)
    assert err.value.code == "stale_round" and err.value.field == "round"
    second.refresh_from_db()
    assert second.status == "OPEN" and not election.rounds.filter(number=3).exists()
    services.record_ballots(actor=tree.union1_chair, election=election, ballots_issued=55, ballots_returned=55,
                            ballots_valid=55, votes={x.pk: 40 if i < 5 else 1 for i, x in enumerate(c)},
                            round_number=2)
    election.refresh_from_db()
    assert election.status == S.ELECTED


def test_cancelling_during_the_voting_leaves_no_open_round(tree):
    election, c = _voting(tree)
    _ballots(tree, election, {x.pk: 20 for x in c})  # nobody elected: round 2 opens
    assert election.rounds.filter(status="OPEN").count() == 1
    services.cancel_election(actor=tree.union1_chair, election=election, cancelled_on=DAY, reason="企业改制")
    election.refresh_from_db()
    assert election.status == S.CANCELLED
    assert list(election.rounds.values_list("number", "status")) == [(1, "COUNTED")]


def test_invalid_meeting_sent_twice_is_recorded_once(tree):
    election = _approved(tree)
    services.record_meeting(actor=tree.union1_chair, election=election, held_on=DAY, present=39)
    with pytest.raises(DomainError) as err:
        services.record_meeting(actor=tree.union1_chair, election=election, held_on=DAY, present=39)
    assert err.value.code == "duplicate_meeting" and err.value.field == "present"
    assert election.meetings.count() == 1
    later = DAY + datetime.timedelta(days=7)
    assert services.record_meeting(actor=tree.union1_chair, election=election, held_on=later, present=39).valid is False
    assert services.record_meeting(actor=tree.union1_chair, election=election, held_on=later, present=45).valid is True
    assert election.meetings.count() == 3


def test_first_meeting_not_before_the_last_count(tree):
    election, c = _voting(tree)
    services.record_ballots(actor=tree.union1_chair, election=election, ballots_issued=55, ballots_returned=55,
                            ballots_valid=55, votes={x.pk: 40 if i < 4 else 1 for i, x in enumerate(c)})
    later = DAY + datetime.timedelta(days=3)  # the further round counted three days after the meeting
    rest = list(services.open_round(election).votes.values_list("candidate_id", flat=True))
    services.record_ballots(actor=tree.union1_chair, election=election, ballots_issued=55, ballots_returned=55,
                            ballots_valid=55, votes={rest[0]: 40, rest[1]: 2}, counted_on=later)
    election.refresh_from_db()
    assert election.status == S.ELECTED
    chair = election.candidates.filter(elected=True).first()
    with pytest.raises(DomainError) as err:
        services.record_officers(actor=tree.union1_chair, election=election,
                                 first_meeting_on=DAY + datetime.timedelta(days=1), chair=chair.pk)
    assert err.value.code == "date_order" and err.value.field == "first_meeting_on"
    services.record_officers(actor=tree.union1_chair, election=election, first_meeting_on=later, chair=chair.pk)
    election.refresh_from_db()
    assert election.first_meeting_on == later
