"""Races of join requests, threaded on PostgreSQL (SQLite serialises writers):
- two cadres approve the same request at once (the union's chair and the town's cadre): one wins,
  one membership, the other is told it was decided (`wrong_stage`);
- an approval and a rejection at once: exactly one decision stands;
- one login sends two requests at once (two taps): one request, the other refused (`already_open`)."""

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.members.models import Membership
from gonghui.portal.models.joins import JoinRequest, JoinStatus
from gonghui.portal.services import joins as services
from gonghui.portal.testing.joins import join_input, join_request, worker

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
pytestmark = [pytest.mark.postgres, needs_postgres, pytest.mark.django_db(transaction=True)]


def test_two_approvers_at_once_one_wins():
    tree = Tree()
    j = join_request(enterprise=tree.enterprise1)
    outcomes = race([lambda: services.approve_join(actor=tree.union1_chair, join_request=j),
                     lambda: services.approve_join(actor=tree.town1_cadre, join_request=j)])
    assert outcomes == ["won", "wrong_stage"]
    assert Membership.objects.count() == 1
    assert JoinRequest.objects.get().status == JoinStatus.APPROVED


def test_approve_and_reject_at_once_one_decision_stands():
    tree = Tree()
    j = join_request(enterprise=tree.enterprise1)
    outcomes = race([lambda: services.approve_join(actor=tree.union1_chair, join_request=j),
                     lambda: services.reject_join(actor=tree.town1_cadre, join_request=j, reason="材料不全")])
    assert sorted(outcomes) == ["won", "wrong_stage"]
    j.refresh_from_db()
    assert (j.status == JoinStatus.APPROVED) == Membership.objects.exists()


def test_two_taps_send_one_request():
    tree = Tree()
    user = worker()
    data = join_input(enterprise=tree.enterprise1)
    outcomes = race([lambda: services.submit_join(actor=user, data=data),
                     lambda: services.submit_join(actor=user, data=data)])
    assert outcomes == ["already_open", "won"]
    assert JoinRequest.objects.count() == 1
