"""Two people accepting the same transfer at the same moment: exactly one wins (PostgreSQL,
real concurrent transactions; SQLite serialises writers so the race cannot be staged there)."""

import datetime
import threading

import pytest
from django.db import connection, connections

from gonghui.accounts.roles import Role
from gonghui.core.errors import DomainError
from gonghui.core.testing.factories import Tree, user_with_role
from gonghui.members import services
from gonghui.members.models import Membership, MembershipStatus, Transfer, TransferStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
def test_concurrent_accepts_exactly_one_wins():
    tree = Tree()
    second_chair = user_with_role(tree.union2, Role.UNION_CHAIR, username="union2b")
    membership = tree.member(tree.union1)
    transfer = services.request_transfer(actor=tree.union1_chair, membership=membership, to_union=tree.union2,
                                         effective_on=datetime.date(2025, 6, 1))
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(actor):
        try:
            barrier.wait(timeout=10)
            services.accept_transfer(actor=actor, transfer=Transfer.objects.get(pk=transfer.pk))
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (tree.union2_chair, second_chair)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["transfer_decided", "won"]
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.ACCEPTED
    live = Membership.objects.filter(person_id=membership.person_id,
                                     status__in=[MembershipStatus.ACTIVE, MembershipStatus.TRANSFER_PENDING])
    assert live.count() == 1
    assert live.get().union_id == tree.union2.pk
