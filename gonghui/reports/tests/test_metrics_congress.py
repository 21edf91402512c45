"""Metrics of the congress section on known records."""

import datetime
from decimal import Decimal

import pytest

from gonghui.congress.models import Proposal, ProposalStatus, ReplyOutcome, SessionStatus
from gonghui.congress.testing import congress_body, delegates, session
from gonghui.reports.metrics import congress
from gonghui.reports.selectors import rollups as selectors
from gonghui.reports.testing.rollups import only_metrics, refresh

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def registry():
    with only_metrics(congress.METRICS, congress.provide):
        yield


def proposal(body, proposer, submitted_on, status=ProposalStatus.SUBMITTED, outcome="", verified=None,
             estimated=None):
    return Proposal.objects.create(
        org=body.org, body=body, title="改善食堂", category="WELFARE", reasons="r", suggestions="s", proposer=proposer,
        status=status, submitted_on=submitted_on, outcome=outcome,
        department="后勤部" if status in (ProposalStatus.REPLIED, ProposalStatus.ARCHIVED) else "",
        benefit_verified=verified, benefit_estimated=estimated)


def held(body, number, on, status=SessionStatus.HELD):
    return session(body, number=number, planned_on=on, status=status, held_on=on, entitled=30, present=25,
                   report_due_on=on + datetime.timedelta(days=10),
                   reported_on=on if status == SessionStatus.REPORTED else None)


def test_sessions_and_proposals(tree, registry):
    body1 = congress_body(org=tree.union1)
    body2 = congress_body(org=tree.union2)
    held(body1, 1, D(2025, 3, 1), SessionStatus.REPORTED)
    held(body1, 2, D(2025, 9, 2))
    session(body1, number=3, planned_on=D(2025, 11, 1), status=SessionStatus.CANCELLED)
    held(body1, 4, D(2026, 3, 1))
    session(body2, number=1, planned_on=D(2025, 12, 30), status=SessionStatus.PLANNED)
    d1 = delegates(body1, 3)[0]
    d2 = delegates(body2, 3)[0]
    proposal(body1, d1, D(2025, 2, 1), ProposalStatus.ARCHIVED, ReplyOutcome.SOLVED, Decimal("1000.50"),
             Decimal("2000"))
    proposal(body1, d1, D(2025, 2, 2), ProposalStatus.REPLIED, ReplyOutcome.PLANNED, None, Decimal("300"))
    proposal(body1, d1, D(2025, 2, 3), ProposalStatus.REPLIED, ReplyOutcome.NOT_NOW, Decimal("999"))  # C: no
    proposal(body1, d1, D(2025, 2, 4), ProposalStatus.CONVERTED)
    proposal(body1, d1, D(2025, 2, 5), ProposalStatus.ACCEPTED)
    proposal(body1, d1, D(2024, 12, 31), ProposalStatus.ARCHIVED, ReplyOutcome.SOLVED, Decimal("5"))  # 2024
    proposal(body1, d1, None, ProposalStatus.DRAFT)  # never submitted
    proposal(body2, d2, D(2025, 6, 1), ProposalStatus.SUBMITTED)
    refresh(2025)
    f = selectors.figures(tree.district, 2025)
    assert f["congress.sessions"] == 2
    assert f["congress.proposals"] == 6
    assert f["congress.proposals_accepted"] == 4  # archived, replied ×2, accepted
    assert f["congress.proposals_adopted"] == 2
    assert f["congress.proposal_benefit"] == Decimal("1000.50")
    assert f["congress.proposal_benefit_estimated"] == Decimal("2300.00")
    assert selectors.figures(tree.union2, 2025)["congress.proposals"] == 1
    assert selectors.figures(tree.town2, 2025)["congress.sessions"] == 0
    refresh(2026)
    assert selectors.figures(tree.district, 2026)["congress.sessions"] == 1


def test_drill_urls(tree):
    sessions = congress.METRICS[0]
    assert sessions.drill(tree.union1, 2025) == f"/congress/sessions/?org={tree.union1.pk}&year=2025"
