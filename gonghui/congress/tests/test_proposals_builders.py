"""Proposals at any status, built through the services (so every row passed the same rules the
pages and the API apply), for the other proposal tests; and a check of the builder itself."""

import datetime

import pytest

from gonghui.congress.models import ProposalCategory, ProposalStatus, ReplyOutcome, Satisfaction
from gonghui.congress.services import proposals as services
from gonghui.congress.services.proposals import ProposalInput
from gonghui.congress.testing import congress_body, delegates

D = datetime.date
SUBMITTED_ON = D(2026, 3, 2)
REVIEWED_ON = D(2026, 3, 5)
ASSIGNED_ON = D(2026, 3, 6)   # the reply is due on 2026-05-06
REPLIED_ON = D(2026, 4, 20)
RATED_ON = D(2026, 4, 27)

ORDER = [ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED, ProposalStatus.ASSIGNED,
         ProposalStatus.REPLIED, ProposalStatus.ARCHIVED]


def body_with_delegates(org, enterprise, *, count=10, substitutes=1, headcount=300):
    """A current congress term with `count` seated delegates and `substitutes` substitutes."""
    body = congress_body(org=org, enterprise=enterprise, headcount=headcount)
    roll = delegates(body, count, substitutes=substitutes)
    return body, roll


def draft_input(roll, *, cosigners=2, title="增设二车间夜班食堂", **overrides):
    """`cosigners`: how many of the seated delegates after the proposer co-sign, or the list."""
    seated = [d for d in roll if not d.is_substitute]
    if isinstance(cosigners, int):
        cosigners = seated[1:1 + cosigners]
    fields = {"title": title, "category": ProposalCategory.WELFARE, "reasons": "夜班职工无处就餐。",
              "suggestions": "在二车间旁设夜班食堂，供应热食。", "proposer": seated[0],
              "cosigners": cosigners, "session": None}
    fields.update(overrides)
    return ProposalInput(**fields)


def proposal_at(status, *, actor, body, roll, outcome=ReplyOutcome.SOLVED, **draft):
    """A proposal walked through the services to `status` (ARCHIVED: rated satisfied)."""
    proposal = services.draft_proposal(actor=actor, body=body, data=draft_input(roll, **draft))
    steps = ORDER[1:ORDER.index(status) + 1] if status in ORDER else []
    for step in steps:
        proposal = _advance(step, actor, proposal, outcome)
    if status == ProposalStatus.CONVERTED or status == ProposalStatus.REJECTED:
        proposal = _advance(ProposalStatus.SUBMITTED, actor, proposal, outcome)
        decline = services.convert_proposal if status == ProposalStatus.CONVERTED else services.reject_proposal
        proposal = decline(actor=actor, proposal=proposal, reviewed_on=REVIEWED_ON, review_reason="一案多事")
    return proposal


def _advance(step, actor, proposal, outcome):
    if step == ProposalStatus.SUBMITTED:
        return services.submit_proposal(actor=actor, proposal=proposal, submitted_on=SUBMITTED_ON, one_issue=True)
    if step == ProposalStatus.ACCEPTED:
        return services.accept_proposal(actor=actor, proposal=proposal, reviewed_on=REVIEWED_ON)
    if step == ProposalStatus.ASSIGNED:
        return services.assign_proposal(actor=actor, proposal=proposal, department="后勤保障部",
                                        assigned_on=ASSIGNED_ON)
    if step == ProposalStatus.REPLIED:
        return services.reply_proposal(actor=actor, proposal=proposal, outcome=outcome, reply="已于四月开设夜班食堂。",
                                       replied_on=REPLIED_ON)
    return services.rate_proposal(actor=actor, proposal=proposal, satisfaction=Satisfaction.SATISFIED,
                                  rated_on=RATED_ON)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [*ORDER, ProposalStatus.CONVERTED, ProposalStatus.REJECTED])
def test_builder_reaches_status(tree, status):
    body, roll = body_with_delegates(tree.union1, tree.enterprise1)
    proposal = proposal_at(status, actor=tree.union1_chair, body=body, roll=roll)
    proposal.refresh_from_db()
    assert proposal.status == status
    assert proposal.cosigners.count() == 2
