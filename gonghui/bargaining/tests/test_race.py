"""Two people recording the same step at the same moment: exactly one wins, the other gets a
DomainError, never an IntegrityError (PostgreSQL, real concurrent transactions; SQLite serialises
writers so the race cannot be staged there)."""

import datetime
import threading
from unittest import mock

import pytest
from django.db import connection, connections

from gonghui.accounts.roles import Role
from gonghui.bargaining import services
from gonghui.bargaining.models import AgreementKind, Side, Stage, Vote, VotingBody, WageAgreement
from gonghui.bargaining.services import CoveredEnterprise, Offer, VoteInput
from gonghui.bargaining.testing import negotiation
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import Tree, user_with_role

D = datetime.date
pytestmark = pytest.mark.django_db(transaction=True)
needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


def _offer(tree):
    return Offer(kind=AgreementKind.SINGLE, title="2026年工资专项集体合同", employer_party=tree.enterprise1.name,
                 offered_by=Side.UNION, offered_on=D(2026, 3, 2), offer_received_on=D(2026, 3, 2),
                 coverage=[CoveredEnterprise(tree.enterprise1, 50)])


def _race(actors, action, *, rendezvous=None):
    """Run action(actor) in one thread per actor, released together; return the outcomes."""
    barrier = threading.Barrier(len(actors))
    outcomes = []

    def run(actor):
        try:
            barrier.wait(timeout=10)
            action(actor)
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # an IntegrityError or deadlock leaking out is a failure
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(outcomes)


@needs_postgres
def test_concurrent_votes_exactly_one_wins():
    tree = Tree()
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                            stage=Stage.IN_TALKS)

    def vote(actor):
        services.record_vote(actor=actor, agreement=WageAgreement.objects.get(pk=agreement.pk), data=VoteInput(
            VotingBody.CONGRESS, D(2026, 3, 20), eligible=60, present=50, yes=45, no=5, abstain=0))

    assert _race([tree.union1_chair, tree.union1_staff], vote) == ["won", "wrong_stage"]
    assert WageAgreement.objects.get(pk=agreement.pk).stage == Stage.APPROVED
    assert Vote.objects.filter(agreement=agreement).count() == 1
    assert AuditEvent.objects.filter(action="bargaining.vote").count() == 1


@needs_postgres
def test_concurrent_starts_exactly_one_wins():
    tree = Tree()
    second_chair = user_with_role(tree.union1, Role.UNION_CHAIR, username="union1b_chair")
    # Both threads pass validation together, so both find no open negotiation and race to insert:
    # the loser meets the partial unique index, which must come back as already_open.
    validated = threading.Barrier(2)
    full_clean = WageAgreement.full_clean

    def full_clean_then_wait(self, *args, **kwargs):
        full_clean(self, *args, **kwargs)
        if self.pk is None:
            validated.wait(timeout=10)

    with mock.patch.object(WageAgreement, "full_clean", full_clean_then_wait):
        outcomes = _race([tree.union1_chair, second_chair],
                         lambda actor: services.start_negotiation(actor=actor, org=tree.union1, offer=_offer(tree)))
    assert outcomes == ["already_open", "won"]
    assert WageAgreement.objects.filter(org=tree.union1).count() == 1
    assert AuditEvent.objects.filter(action="bargaining.offer").count() == 1


def test_insert_losing_to_the_unique_index_is_already_open():
    """The path a lost race takes, staged in one thread on any database: the existence check is
    made to miss the open negotiation, so the insert meets the constraint."""
    tree = Tree()
    first = services.start_negotiation(actor=tree.union1_chair, org=tree.union1, offer=_offer(tree))
    # The check filters on services.OPEN_STAGES; with none, it finds nothing.
    with mock.patch.object(services, "OPEN_STAGES", ()), pytest.raises(DomainError) as info:
        services.start_negotiation(actor=tree.union1_chair, org=tree.union1, offer=_offer(tree))
    assert info.value.code == "already_open"
    assert list(WageAgreement.objects.values_list("pk", flat=True)) == [first.pk]
    assert AuditEvent.objects.filter(action="bargaining.offer").count() == 1
    # The connection is usable afterwards (the failed insert was rolled back to its savepoint).
    assert WageAgreement.objects.get(pk=first.pk).stage == Stage.OFFERED
