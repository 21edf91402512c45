"""One open election per union under two concurrent requests (PostgreSQL, real concurrent
transactions; SQLite serialises writers so the race cannot be staged there): two planners of the
same union at the same moment → exactly one election, the other planner gets the friendly
`already_open` error, never an IntegrityError. And the DB constraint alone holds when the
service's check is bypassed."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from gonghui.core.testing.race import race
from gonghui.grassroots.models import Election, ElectionStatus
from gonghui.grassroots.services import elections as services
from gonghui.grassroots.testing.elections import add_members

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
DAY = datetime.date(2026, 3, 2)




def _plan(actor, union):
    return lambda: services.plan_election(actor=actor, union=union, electorate="MEMBERS", seats=3, term_years=5,
                                          planned_meeting_on=DAY)


@needs_postgres
def test_two_planners_at_once_one_election(tree):
    add_members(tree.union1, 20)
    outcomes = race([_plan(tree.union1_chair, tree.union1), _plan(tree.town1_cadre, tree.union1)])
    assert outcomes == ["already_open", "won"]
    assert Election.objects.filter(org=tree.union1).count() == 1


@needs_postgres
def test_the_constraint_alone_refuses_a_second_open_election(tree):
    add_members(tree.union1, 20)
    _plan(tree.union1_chair, tree.union1)()
    with pytest.raises(IntegrityError), transaction.atomic():
        Election.objects.create(org=tree.union1, electorate="MEMBERS", members_count=20, entitled_voters=20, seats=3,
                                term_years=5, planned_meeting_on=DAY, status=ElectionStatus.VOTING)
    Election.objects.create(org=tree.union1, electorate="MEMBERS", members_count=20, entitled_voters=20, seats=3,
                            term_years=5, planned_meeting_on=DAY, status=ElectionStatus.CANCELLED)


@needs_postgres
def test_two_approvals_of_the_result_at_once_seat_one_committee(tree):
    from gonghui.grassroots.models import Committee
    from gonghui.grassroots.testing.elections import election_at

    election = election_at(ElectionStatus.RESULT_SUBMITTED, actor=tree.union1_chair, approver=tree.town1_cadre,
                           union=tree.union1)
    outcomes = race([
        lambda: services.approve_result(actor=tree.town1_cadre, election=election, approved_on=DAY),
        lambda: services.approve_result(actor=tree.district_staff, election=election, approved_on=DAY),
    ])
    assert outcomes == ["won", "wrong_stage"]
    assert Committee.objects.filter(org=tree.union1).count() == 1
    assert Election.objects.get(pk=election.pk).status == ElectionStatus.APPROVED
