"""The proposal workflow's rules, step by step: co-signers, review and numbering, the reply
deadline across holidays and its one extension, the reply, the rating and the single re-opening,
and the benefit. A refused step saves nothing and writes no audit row."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from gonghui.congress import deadlines
from gonghui.congress.models import (
    BodyStatus,
    Proposal,
    ProposalStatus,
    ReplyOutcome,
    Satisfaction,
    SessionStatus,
)
from gonghui.congress.services import proposals as services
from gonghui.congress.testing import session
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent

from .test_proposals_builders import ASSIGNED_ON, body_with_delegates, draft_input, proposal_at

D = datetime.date
pytestmark = pytest.mark.django_db


def build_world(tree):
    tree.body, tree.roll = body_with_delegates(tree.union1, tree.enterprise1, count=10, substitutes=1)
    tree.seated = [d for d in tree.roll if not d.is_substitute]
    tree.substitute = next(d for d in tree.roll if d.is_substitute)
    return tree


# Built once per module with the shared tree (conftest.SharedTree), re-read for each test.
SHARED_WORLD = build_world


@pytest.fixture
def world(tree):
    return tree


def at(world, status, **kwargs):
    return proposal_at(status, actor=world.union1_chair, body=world.body, roll=world.roll, **kwargs)


def refused(call, *, code, field=None):
    """Run a service that must refuse; nothing saved, no audit row. Returns the English message."""
    events = AuditEvent.objects.count()
    snapshot = list(Proposal.objects.order_by("pk").values())
    with translation.override("en"), pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code
    if field is not None:
        assert caught.value.field == field
    assert AuditEvent.objects.count() == events
    assert list(Proposal.objects.order_by("pk").values()) == snapshot
    with translation.override("en"):
        return caught.value.text


# --- the draft and its co-signers ----------------------------------------------------------------

def test_draft_is_audited_with_cosigners(world):
    proposal = at(world, ProposalStatus.DRAFT)
    event = AuditEvent.objects.get(action="congress.proposal_draft")
    assert event.object_id == str(proposal.pk) and event.org_id == world.union1.pk
    assert event.after["cosigner_names"] == "; ".join(sorted(d.name for d in world.seated[1:3]))
    assert proposal.status == ProposalStatus.DRAFT and proposal.number == ""


def test_one_cosigner_is_refused_on_submission_with_how_many_are_missing(world):
    proposal = at(world, ProposalStatus.DRAFT, cosigners=1)
    message = refused(lambda: services.submit_proposal(actor=world.union1_chair, proposal=proposal,
                                                       submitted_on=D(2026, 3, 2), one_issue=True),
                      code="cosigners_missing", field="cosigners")
    assert "at least 2" in message and "has 1" in message and "1 more" in message


def test_two_cosigners_are_enough(world):
    proposal = at(world, ProposalStatus.DRAFT, cosigners=2)
    services.submit_proposal(actor=world.union1_chair, proposal=proposal, submitted_on=D(2026, 3, 2), one_issue=True)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED and proposal.submitted_on == D(2026, 3, 2)


def test_no_cosigner_at_all_needs_two_more(world):
    proposal = at(world, ProposalStatus.DRAFT, cosigners=0)
    message = refused(lambda: services.submit_proposal(actor=world.union1_chair, proposal=proposal,
                                                       submitted_on=D(2026, 3, 2), one_issue=True),
                      code="cosigners_missing")
    assert "2 more" in message


def test_proposer_cannot_cosign(world):
    proposer = world.seated[0]
    data = draft_input(world.roll, proposer=proposer, cosigners=[proposer, world.seated[1]])
    message = refused(lambda: services.draft_proposal(actor=world.union1_chair, body=world.body, data=data),
                      code="proposer_cosigns", field="cosigners")
    assert proposer.name in message


def test_a_cosigner_listed_twice_is_refused(world):
    twice = world.seated[1]
    refused(lambda: services.draft_proposal(actor=world.union1_chair, body=world.body,
                                            data=draft_input(world.roll, cosigners=[twice, twice])),
            code="cosigner_twice", field="cosigners")


def test_delegate_of_another_body_cannot_cosign(world):
    other_body, other_roll = body_with_delegates(world.union2, world.enterprise2, count=5, substitutes=0)
    message = refused(lambda: services.draft_proposal(
        actor=world.district_staff, body=world.body,
        data=draft_input(world.roll, cosigners=[world.seated[1], other_roll[0]])), code="other_body",
        field="cosigners")
    assert "not a delegate of this congress" in message


def test_delegate_of_another_body_cannot_propose(world):
    _other_body, other_roll = body_with_delegates(world.union2, world.enterprise2, count=5, substitutes=0)
    refused(lambda: services.draft_proposal(actor=world.district_staff, body=world.body,
                                            data=draft_input(world.roll, proposer=other_roll[0])),
            code="other_body", field="proposer")


def test_ended_delegate_cannot_cosign(world):
    ended = world.seated[2]
    ended.ended_on, ended.end_reason = D(2026, 1, 31), "调离"
    ended.save()
    message = refused(lambda: services.draft_proposal(
        actor=world.union1_chair, body=world.body, data=draft_input(world.roll, cosigners=[world.seated[1], ended])),
        code="delegate_ended", field="cosigners")
    assert "2026-01-31" in message


def test_a_cosigner_who_left_after_the_draft_blocks_submission(world):
    proposal = at(world, ProposalStatus.DRAFT)
    leaver = world.seated[1]
    leaver.ended_on = D(2026, 2, 1)
    leaver.save()
    refused(lambda: services.submit_proposal(actor=world.union1_chair, proposal=proposal,
                                             submitted_on=D(2026, 3, 2), one_issue=True),
            code="delegate_ended", field="cosigners")


def test_substitutes_neither_propose_nor_cosign(world):
    refused(lambda: services.draft_proposal(actor=world.union1_chair, body=world.body,
                                            data=draft_input(world.roll, proposer=world.substitute)),
            code="substitute", field="proposer")
    data = draft_input(world.roll, cosigners=[world.seated[1], world.substitute])
    refused(lambda: services.draft_proposal(actor=world.union1_chair, body=world.body, data=data),
            code="substitute", field="cosigners")


def test_ended_term_takes_no_proposals(world):
    world.body.status = BodyStatus.ENDED
    world.body.save()
    refused(lambda: services.draft_proposal(actor=world.union1_chair, body=world.body, data=draft_input(world.roll)),
            code="body_ended", field="body")


def test_session_must_be_of_the_body_and_open(world):
    other_body, _roll = body_with_delegates(world.union2, world.enterprise2, count=3, substitutes=0)
    foreign = session(other_body)
    refused(lambda: services.draft_proposal(actor=world.district_staff, body=world.body,
                                            data=draft_input(world.roll, session=foreign)),
            code="other_body", field="session")
    cancelled = session(world.body, number=2, status=SessionStatus.CANCELLED, cancel_reason="疫情")
    refused(lambda: services.draft_proposal(actor=world.union1_chair, body=world.body,
                                            data=draft_input(world.roll, session=cancelled)),
            code="session_closed", field="session")
    planned = session(world.body, number=3)
    proposal = services.draft_proposal(actor=world.union1_chair, body=world.body,
                                       data=draft_input(world.roll, session=planned))
    assert proposal.session == planned


@pytest.mark.parametrize("field_name", ["title", "reasons", "suggestions"])
def test_blank_text_is_refused_on_its_field(world, field_name):
    refused(lambda: services.draft_proposal(actor=world.union1_chair, body=world.body,
                                            data=draft_input(world.roll, **{field_name: "   "})),
            code="required", field=field_name)


def test_draft_edit_changes_cosigners_and_keeps_them_in_the_history(world):
    proposal = at(world, ProposalStatus.DRAFT, cosigners=1)
    data = draft_input(world.roll, cosigners=[world.seated[3], world.seated[4]], title="改为：增设夜班食堂")
    services.update_proposal(actor=world.union1_staff, proposal=proposal, data=data)
    proposal.refresh_from_db()
    assert proposal.title == "改为：增设夜班食堂"
    assert set(proposal.cosigners.all()) == {world.seated[3], world.seated[4]}
    event = AuditEvent.objects.get(action="congress.proposal_update")
    assert event.before["cosigner_names"] == world.seated[1].name
    assert event.before["title"] == "增设二车间夜班食堂"


def test_submitted_proposal_cannot_be_edited(world):
    proposal = at(world, ProposalStatus.SUBMITTED)
    refused(lambda: services.update_proposal(actor=world.union1_chair, proposal=proposal,
                                             data=draft_input(world.roll, title="改")), code="wrong_stage")


def test_one_issue_must_be_confirmed(world):
    proposal = at(world, ProposalStatus.DRAFT)
    refused(lambda: services.submit_proposal(actor=world.union1_chair, proposal=proposal,
                                             submitted_on=D(2026, 3, 2), one_issue=False),
            code="one_issue", field="one_issue")


def test_submission_date_cannot_be_in_the_future(world):
    proposal = at(world, ProposalStatus.DRAFT)
    tomorrow = services.today() + datetime.timedelta(days=1)
    refused(lambda: services.submit_proposal(actor=world.union1_chair, proposal=proposal, submitted_on=tomorrow,
                                             one_issue=True), code="date_in_future", field="submitted_on")


# --- review and numbering ------------------------------------------------------------------------

def test_numbers_run_per_body_and_year(world):
    numbers = [at(world, ProposalStatus.ACCEPTED, title=f"提案{i}").number for i in range(3)]
    assert numbers == ["2026-001", "2026-002", "2026-003"]
    other_body, other_roll = body_with_delegates(world.union2, world.enterprise2, count=5, substitutes=0)
    other = proposal_at(ProposalStatus.ACCEPTED, actor=world.union2_chair, body=other_body, roll=other_roll)
    assert other.number == "2026-001"  # its own sequence


def test_numbering_restarts_each_year_and_skips_taken_numbers(world):
    old = at(world, ProposalStatus.SUBMITTED)
    Proposal.objects.filter(pk=old.pk).update(submitted_on=D(2025, 11, 3))
    old.refresh_from_db()
    services.accept_proposal(actor=world.union1_chair, proposal=old, reviewed_on=D(2025, 11, 10))
    assert Proposal.objects.get(pk=old.pk).number == "2025-001"
    # A gap (e.g. a number typed in by hand when the paper register was entered) is not reused.
    Proposal.objects.filter(pk=old.pk).update(number="2026-005")
    assert at(world, ProposalStatus.ACCEPTED).number == "2026-006"


def test_the_same_number_twice_in_one_body_is_impossible(world):
    first = at(world, ProposalStatus.ACCEPTED)
    second = at(world, ProposalStatus.SUBMITTED, title="另一个")
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=second.pk).update(number=first.number)


def test_review_date_not_before_submission(world):
    proposal = at(world, ProposalStatus.SUBMITTED)
    refused(lambda: services.accept_proposal(actor=world.union1_chair, proposal=proposal,
                                             reviewed_on=D(2026, 3, 1)), code="date_order", field="reviewed_on")


@pytest.mark.parametrize("decline,status", [(services.convert_proposal, ProposalStatus.CONVERTED),
                                            (services.reject_proposal, ProposalStatus.REJECTED)])
def test_convert_and_reject_need_a_reason(world, decline, status):
    proposal = at(world, ProposalStatus.SUBMITTED)
    refused(lambda: decline(actor=world.union1_chair, proposal=proposal, reviewed_on=D(2026, 3, 5),
                            review_reason="  "), code="required", field="review_reason")
    decline(actor=world.union1_chair, proposal=proposal, reviewed_on=D(2026, 3, 5), review_reason="涉及多个问题")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.review_reason, proposal.number) == (status, "涉及多个问题", "")
    refused(lambda: services.accept_proposal(actor=world.union1_chair, proposal=proposal,
                                             reviewed_on=D(2026, 3, 6)), code="wrong_stage")


# --- the reply deadline --------------------------------------------------------------------------

def test_reply_due_across_national_day_and_extension_to_a_monday(world):
    proposal = at(world, ProposalStatus.ACCEPTED)
    services.assign_proposal(actor=world.union1_chair, proposal=proposal, department="人力资源部",
                             assigned_on=D(2026, 8, 1))
    proposal.refresh_from_db()
    # 1 October + the National Day holiday (1–7 October): due on the first working day after it.
    assert proposal.due_on == D(2026, 10, 8)
    services.extend_proposal(actor=world.union1_chair, proposal=proposal, extension_reason="需董事会研究")
    proposal.refresh_from_db()
    # One month more from the assignment: 1 November 2026 is a Sunday, so Monday 2 November.
    assert proposal.extended and proposal.due_on == D(2026, 11, 2)
    assert proposal.due_on == deadlines.reply_due(D(2026, 8, 1), extended=True)


def test_reply_due_on_a_saturday_moves_to_monday(world):
    proposal = at(world, ProposalStatus.ACCEPTED)
    services.assign_proposal(actor=world.union1_chair, proposal=proposal, department="生产部",
                             assigned_on=D(2026, 6, 15))
    proposal.refresh_from_db()
    assert D(2026, 8, 15).weekday() == 5
    assert proposal.due_on == D(2026, 8, 17)


def test_only_one_extension(world):
    proposal = at(world, ProposalStatus.ASSIGNED)
    services.extend_proposal(actor=world.union1_chair, proposal=proposal, extension_reason="需调研")
    proposal.refresh_from_db()
    message = refused(lambda: services.extend_proposal(actor=world.union1_chair, proposal=proposal,
                                                       extension_reason="再延"), code="wrong_stage")
    assert "already extended once" in message


def test_extension_needs_a_reason(world):
    proposal = at(world, ProposalStatus.ASSIGNED)
    refused(lambda: services.extend_proposal(actor=world.union1_chair, proposal=proposal, extension_reason=""),
            code="required", field="extension_reason")


def test_assignment_needs_a_department_and_a_date_after_acceptance(world):
    proposal = at(world, ProposalStatus.ACCEPTED)
    refused(lambda: services.assign_proposal(actor=world.union1_chair, proposal=proposal, department=" ",
                                             assigned_on=ASSIGNED_ON), code="required", field="department")
    refused(lambda: services.assign_proposal(actor=world.union1_chair, proposal=proposal, department="后勤",
                                             assigned_on=D(2026, 3, 4)), code="date_order", field="assigned_on")


# --- the reply -----------------------------------------------------------------------------------

def test_outcome_c_needs_the_reason_in_the_reply(world):
    proposal = at(world, ProposalStatus.ASSIGNED)
    message = refused(lambda: services.reply_proposal(actor=world.union1_chair, proposal=proposal,
                                                      outcome=ReplyOutcome.NOT_NOW, reply="",
                                                      replied_on=D(2026, 4, 1)), code="required", field="reply")
    assert "Outcome C" in message


def test_reply_dates(world):
    proposal = at(world, ProposalStatus.ASSIGNED)
    refused(lambda: services.reply_proposal(actor=world.union1_chair, proposal=proposal, outcome="A", reply="已办",
                                            replied_on=D(2026, 3, 5)), code="date_order", field="replied_on")
    refused(lambda: services.reply_proposal(actor=world.union1_chair, proposal=proposal, outcome="A", reply="已办",
                                            replied_on=services.today() + datetime.timedelta(days=1)),
            code="date_in_future", field="replied_on")


def test_late_reply_is_recorded_and_shown_late(world):
    from gonghui.congress.selectors.proposals import reply_late

    proposal = at(world, ProposalStatus.ASSIGNED)
    services.reply_proposal(actor=world.union1_chair, proposal=proposal, outcome="B", reply="列入明年计划",
                            replied_on=D(2026, 6, 1))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REPLIED and proposal.due_on == D(2026, 5, 6)
    assert reply_late(proposal)


@pytest.mark.parametrize("amount,code", [("-1", "negative"), ("12.345", "precision"),
                                         ("1e15", "too_large"), ("abc", "invalid")])
def test_estimated_benefit_is_checked(world, amount, code):
    proposal = at(world, ProposalStatus.ASSIGNED)
    refused(lambda: services.reply_proposal(actor=world.union1_chair, proposal=proposal, outcome="A", reply="已办",
                                            replied_on=D(2026, 4, 1), benefit_estimated=amount),
            code=code, field="benefit_estimated")


def test_estimated_benefit_is_stored_in_yuan(world):
    proposal = at(world, ProposalStatus.ASSIGNED)
    services.reply_proposal(actor=world.union1_chair, proposal=proposal, outcome="A", reply="已办",
                            replied_on=D(2026, 4, 1), benefit_estimated=Decimal("125000.5"))
    assert Proposal.objects.get(pk=proposal.pk).benefit_estimated == Decimal("125000.50")


# --- rating, re-opening, archive ----------------------------------------------------------------

def test_satisfied_archives(world):
    proposal = at(world, ProposalStatus.REPLIED)
    services.rate_proposal(actor=world.union1_chair, proposal=proposal, satisfaction=Satisfaction.BASICALLY,
                           rated_on=D(2026, 4, 27))
    proposal.refresh_from_db()
    assert (proposal.status, proposal.archived_on) == (ProposalStatus.ARCHIVED, D(2026, 4, 27))


def test_unsatisfied_reopens_once_then_archives(world):
    proposal = at(world, ProposalStatus.REPLIED)
    services.rate_proposal(actor=world.union1_chair, proposal=proposal, satisfaction=Satisfaction.UNSATISFIED,
                           rated_on=D(2026, 4, 27))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ASSIGNED and proposal.reopen_count == 1
    assert proposal.assigned_on == D(2026, 4, 27)
    assert proposal.due_on == deadlines.reply_due(D(2026, 4, 27)) == D(2026, 6, 29)  # 27 June is a Saturday
    assert (proposal.outcome, proposal.reply, proposal.replied_on, proposal.satisfaction) == ("", "", None, "")
    # The first reply is in the history.
    event = AuditEvent.objects.get(action="congress.proposal_rate")
    assert event.before["reply"] == "已于四月开设夜班食堂。" and event.before["outcome"] == "A"
    assert event.after["reopened"] is True and event.after["status"] == ProposalStatus.ASSIGNED

    services.reply_proposal(actor=world.union1_chair, proposal=proposal, outcome="B", reply="明年实施",
                            replied_on=D(2026, 6, 10))
    proposal.refresh_from_db()
    services.rate_proposal(actor=world.union1_chair, proposal=proposal, satisfaction=Satisfaction.UNSATISFIED,
                           rated_on=D(2026, 6, 15))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ARCHIVED and proposal.reopen_count == 1
    assert proposal.satisfaction == Satisfaction.UNSATISFIED and proposal.archived_on == D(2026, 6, 15)


def test_a_reopened_proposal_may_be_extended_again(world):
    proposal = at(world, ProposalStatus.ASSIGNED)
    services.extend_proposal(actor=world.union1_chair, proposal=proposal, extension_reason="需调研")
    proposal.refresh_from_db()
    services.reply_proposal(actor=world.union1_chair, proposal=proposal, outcome="C", reply="资金不足",
                            replied_on=D(2026, 5, 1))
    proposal.refresh_from_db()
    services.rate_proposal(actor=world.union1_chair, proposal=proposal, satisfaction=Satisfaction.UNSATISFIED,
                           rated_on=D(2026, 5, 8))
    proposal.refresh_from_db()
    assert not proposal.extended and proposal.extension_reason == ""
    services.extend_proposal(actor=world.union1_chair, proposal=proposal, extension_reason="再研究")
    proposal.refresh_from_db()
    assert proposal.due_on == deadlines.reply_due(D(2026, 5, 8), extended=True)


def test_rating_date_not_before_the_reply(world):
    proposal = at(world, ProposalStatus.REPLIED)
    refused(lambda: services.rate_proposal(actor=world.union1_chair, proposal=proposal,
                                           satisfaction=Satisfaction.SATISFIED, rated_on=D(2026, 4, 19)),
            code="date_order", field="rated_on")


# --- benefit --------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [ProposalStatus.REPLIED, ProposalStatus.ARCHIVED])
def test_verified_benefit_of_an_adopted_proposal(world, status):
    proposal = at(world, status, outcome=ReplyOutcome.PLANNED)
    services.record_benefit(actor=world.union1_chair, proposal=proposal, benefit_verified="88000.00",
                            benefit_estimated="90000")
    proposal.refresh_from_db()
    assert (proposal.benefit_verified, proposal.benefit_estimated) == (Decimal("88000.00"), Decimal("90000.00"))
    assert AuditEvent.objects.filter(action="congress.proposal_benefit").count() == 1


def test_no_benefit_for_outcome_c_or_before_the_reply(world):
    answered_c = at(world, ProposalStatus.REPLIED, outcome=ReplyOutcome.NOT_NOW)
    refused(lambda: services.record_benefit(actor=world.union1_chair, proposal=answered_c, benefit_verified="10"),
            code="not_adopted", field="benefit_verified")
    assigned = at(world, ProposalStatus.ASSIGNED, title="另一个")
    refused(lambda: services.record_benefit(actor=world.union1_chair, proposal=assigned, benefit_verified="10"),
            code="wrong_stage")


# --- every step checks the status ------------------------------------------------------------------

def test_steps_out_of_order_are_wrong_stage(world):
    draft = at(world, ProposalStatus.DRAFT)
    archived = at(world, ProposalStatus.ARCHIVED, title="已归档")
    chair = world.union1_chair
    for call in [
        lambda: services.accept_proposal(actor=chair, proposal=draft, reviewed_on=D(2026, 3, 5)),
        lambda: services.assign_proposal(actor=chair, proposal=draft, department="x", assigned_on=D(2026, 3, 5)),
        lambda: services.reply_proposal(actor=chair, proposal=draft, outcome="A", reply="x", replied_on=D(2026, 3, 5)),
        lambda: services.rate_proposal(actor=chair, proposal=archived, satisfaction="SATISFIED",
                                       rated_on=D(2026, 5, 5)),
        lambda: services.submit_proposal(actor=chair, proposal=archived, submitted_on=D(2026, 3, 5), one_issue=True),
    ]:
        refused(call, code="wrong_stage")


def test_refresh_reply_deadlines_follows_a_new_holiday(world):
    from gonghui.core.models import WorkdayOverride
    from gonghui.core.workdays import forget_overrides

    proposal = at(world, ProposalStatus.ASSIGNED)
    assert proposal.due_on == D(2026, 5, 6)
    try:
        WorkdayOverride.objects.create(day=D(2026, 5, 6), is_working_day=False)
        forget_overrides()
        assert services.refresh_reply_deadlines() == 1
        assert Proposal.objects.get(pk=proposal.pk).due_on == D(2026, 5, 7)
        assert services.refresh_reply_deadlines() == 0
    finally:
        forget_overrides()


# --- review findings: sequences that went around a rule -------------------------------------------

def test_a_reply_c_after_reopening_drops_the_benefit_of_the_first_reply(world):
    """Reply A with a benefit, verified; not satisfied → reopened; answered C: no benefit is left
    on it (the statistics sum the column), the figures stay in the reply's audit row."""
    proposal = at(world, ProposalStatus.ASSIGNED)
    services.reply_proposal(actor=world.union1_chair, proposal=proposal, outcome="A", reply="已解决",
                            replied_on=D(2026, 4, 20), benefit_estimated="5000")
    services.record_benefit(actor=world.union1_chair, proposal=proposal, benefit_verified="4800")
    services.rate_proposal(actor=world.union1_chair, proposal=proposal, satisfaction=Satisfaction.UNSATISFIED,
                           rated_on=D(2026, 4, 27))
    services.reply_proposal(actor=world.union1_chair, proposal=proposal, outcome="C", reply="资金不足，暂不能解决",
                            replied_on=D(2026, 5, 20))
    proposal.refresh_from_db()
    assert proposal.outcome == "C"
    assert (proposal.benefit_estimated, proposal.benefit_verified) == (None, None)
    event = AuditEvent.objects.filter(action="congress.proposal_reply").latest("pk")
    assert event.before["benefit_verified"] == "4800.00" and event.after["benefit_verified"] is None


def test_submission_before_the_term_began_is_refused(world):
    proposal = at(world, ProposalStatus.DRAFT)
    message = refused(lambda: services.submit_proposal(actor=world.union1_chair, proposal=proposal,
                                                       submitted_on=D(2001, 1, 1), one_issue=True),
                      code="date_order", field="submitted_on")
    assert world.body.term_starts_on.isoformat() in message


def test_a_cosigner_elected_after_the_submission_date_is_refused(world):
    proposal = at(world, ProposalStatus.DRAFT)
    late = world.seated[2]
    late.elected_on = D(2026, 6, 1)  # a by-election after the day the proposal is said to be submitted
    late.save()
    message = refused(lambda: services.submit_proposal(actor=world.union1_chair, proposal=proposal,
                                                       submitted_on=D(2026, 3, 2), one_issue=True),
                      code="date_order", field="cosigners")
    assert late.name in message and "2026-06-01" in message


def test_a_cosigner_who_had_left_before_the_submission_blocks_acceptance(world):
    """The leaving date is entered after the submission but falls before it: the signature was
    not a delegate's, so the proposal lacks a co-signer and is not numbered."""
    proposal = at(world, ProposalStatus.SUBMITTED)  # submitted on 2026-03-02 with two co-signers
    leaver = proposal.cosigners.order_by("pk").first()
    leaver.ended_on = D(2026, 2, 15)
    leaver.save()
    message = refused(lambda: services.accept_proposal(actor=world.union1_chair, proposal=proposal,
                                                       reviewed_on=D(2026, 3, 5)),
                      code="cosigners_missing", field="cosigners")
    assert leaver.name in message
    # Converting or rejecting it stays possible.
    services.reject_proposal(actor=world.union1_chair, proposal=proposal, reviewed_on=D(2026, 3, 5),
                             review_reason="附议代表不足")


def test_a_proposer_who_had_left_before_the_submission_blocks_acceptance(world):
    proposal = at(world, ProposalStatus.SUBMITTED)
    proposer = proposal.proposer
    proposer.ended_on = D(2026, 3, 2)  # left on the submission day: no longer a delegate that day
    proposer.save()
    refused(lambda: services.accept_proposal(actor=world.union1_chair, proposal=proposal, reviewed_on=D(2026, 3, 5)),
            code="delegate_ended", field="proposer")


def test_a_cosigner_who_left_after_the_submission_does_not_void_it(world):
    proposal = at(world, ProposalStatus.SUBMITTED)
    leaver = proposal.cosigners.order_by("pk").first()
    leaver.ended_on = D(2026, 3, 3)
    leaver.save()
    services.accept_proposal(actor=world.union1_chair, proposal=proposal, reviewed_on=D(2026, 3, 5))
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.ACCEPTED


def test_a_holiday_entered_in_the_admin_moves_the_stored_deadline(world, django_capture_on_commit_callbacks):
    """The wiring end to end: core's calendar write → on_calendar_change → the task → due_on."""
    from gonghui.core.models import WorkdayOverride
    from gonghui.core.services import delete_workday_overrides, save_workday_override
    from gonghui.core.workdays import forget_overrides

    proposal = at(world, ProposalStatus.ASSIGNED)
    assert proposal.due_on == D(2026, 5, 6)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            override = save_workday_override(actor=world.district_staff,
                                             override=WorkdayOverride(day=D(2026, 5, 6), is_working_day=False))
        assert Proposal.objects.get(pk=proposal.pk).due_on == D(2026, 5, 7)
        with django_capture_on_commit_callbacks(execute=True):
            delete_workday_overrides(actor=world.district_staff, overrides=[override])
        assert Proposal.objects.get(pk=proposal.pk).due_on == D(2026, 5, 6)
    finally:
        forget_overrides()
