"""Two reviewers at the same moment (PostgreSQL, real concurrent transactions; SQLite serialises
writers so the race cannot be staged there): two proposals of one congress accepted at once get
two consecutive numbers, never the same one or an IntegrityError; one proposal accepted twice at
once is accepted once, the other reviewer gets `wrong_stage`."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction

from gonghui.congress.models import CongressBody, Proposal, ProposalStatus
from gonghui.congress.services import proposals as services
from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race

from .test_proposals_builders import body_with_delegates, proposal_at

pytestmark = pytest.mark.django_db(transaction=True)
needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")




@needs_postgres
def test_two_acceptances_at_once_get_consecutive_numbers():
    tree = Tree()
    body, roll = body_with_delegates(tree.union1, tree.enterprise1, count=6, substitutes=0)
    first = proposal_at(ProposalStatus.SUBMITTED, actor=tree.union1_chair, body=body, roll=roll, title="甲")
    second = proposal_at(ProposalStatus.SUBMITTED, actor=tree.union1_chair, body=body, roll=roll, title="乙")
    day = datetime.date(2026, 3, 5)
    outcomes = race([
        lambda: services.accept_proposal(actor=tree.union1_chair, proposal=first, reviewed_on=day),
        lambda: services.accept_proposal(actor=tree.union1_staff, proposal=second, reviewed_on=day),
    ])
    assert outcomes == ["won", "won"]
    numbers = sorted(Proposal.objects.filter(body=body).values_list("number", flat=True))
    assert numbers == ["2026-001", "2026-002"]


@needs_postgres
def test_the_same_proposal_accepted_twice_at_once():
    tree = Tree()
    body, roll = body_with_delegates(tree.union1, tree.enterprise1, count=6, substitutes=0)
    proposal = proposal_at(ProposalStatus.SUBMITTED, actor=tree.union1_chair, body=body, roll=roll)
    day = datetime.date(2026, 3, 5)
    outcomes = race([
        lambda: services.accept_proposal(actor=tree.union1_chair, proposal=proposal, reviewed_on=day),
        lambda: services.accept_proposal(actor=tree.town1_cadre, proposal=proposal, reviewed_on=day),
    ])
    assert outcomes == ["won", "wrong_stage"]
    assert Proposal.objects.get(pk=proposal.pk).number == "2026-001"


@needs_postgres
def test_the_number_is_read_only_once_the_congress_term_is_locked():
    """Staged, not left to timing: while another transaction holds the congress term's row and
    numbers a proposal, an acceptance waits, then takes the next number (without the lock it
    would read the old highest number and collide with the constraint)."""
    tree = Tree()
    body, roll = body_with_delegates(tree.union1, tree.enterprise1, count=6, substitutes=0)
    waiting = proposal_at(ProposalStatus.SUBMITTED, actor=tree.union1_chair, body=body, roll=roll, title="甲")
    numbered = proposal_at(ProposalStatus.SUBMITTED, actor=tree.union1_chair, body=body, roll=roll, title="乙")
    day = datetime.date(2026, 3, 5)
    outcomes = []

    def accept():
        try:
            services.accept_proposal(actor=tree.union1_staff, proposal=waiting, reviewed_on=day)
            outcomes.append("won")
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    thread = threading.Thread(target=accept)
    with transaction.atomic():
        CongressBody.objects.select_for_update().get(pk=body.pk)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive(), f"the acceptance did not wait for the congress term's row: {outcomes}"
        Proposal.objects.filter(pk=numbered.pk).update(number="2026-001", status=ProposalStatus.ACCEPTED,
                                                       reviewed_on=day)
    thread.join(timeout=30)
    assert outcomes == ["won"]
    assert Proposal.objects.get(pk=waiting.pk).number == "2026-002"
