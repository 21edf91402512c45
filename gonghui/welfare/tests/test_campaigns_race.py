"""The budget under concurrent approvals (PostgreSQL): the budget row is locked at approval, so two
approvals at the same moment against the last of a town's budget end with one approved and one
refused `over_budget`, and `approved` never exceeds `allocated`; one person applied for twice at the
same moment gets one application (once a year). SQLite serialises writers: skipped there."""

from decimal import Decimal

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.welfare.models.campaigns import CampaignApplication, CampaignBudget
from gonghui.welfare.services import campaigns as services
from gonghui.welfare.testing.campaigns import CHILD, approved, campaign, reviewed

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_against_the_last_of_the_budget():
    tree = Tree()
    c = campaign(tree, budgets={tree.town1: "13000"})
    approved(tree, c)  # 5000 of 13000 used: 8000 left, room for one more 5000
    a, b = reviewed(tree, c), reviewed(tree, c)
    outcome = race([lambda x=x: services.approve_application(actor=tree.district_staff, application=x)
                    for x in (a, b)])
    assert outcome == ["over_budget", "won"]
    budget = CampaignBudget.objects.get(campaign=c, org=tree.town1)
    assert budget.approved == Decimal("10000.00") <= budget.allocated
    assert sorted(CampaignApplication.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) \
        == ["APPROVED", "TOWN_REVIEWED"]


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_person_applied_for_twice_at_once_gets_one_application():
    tree = Tree()
    c1, c2 = campaign(tree), campaign(tree)
    person = tree.member().person
    outcome = race([lambda c=c: services.apply_for_member(actor=tree.union1_chair, campaign=c, union=tree.union1,
                                                          person=person, data=dict(CHILD)) for c in (c1, c2)])
    assert outcome == ["once_a_year", "won"]
    assert CampaignApplication.objects.filter(person=person).count() == 1
