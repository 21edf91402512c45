"""Two allowance runs of the same month at the same moment (the scheduled job and a person, or two
workers) pay each leader once: the month's run row is locked, and the unique (leader, month)
constraint is the last guard. Two district decisions on one nomination: one wins. The threaded
tests stage the real race on PostgreSQL; SQLite serialises writers."""

import datetime

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race, race_actors
from gonghui.honours.models.awards import HonourRecord
from gonghui.honours.models.leaders import LeaderAllowance, LeaderAllowanceRun, LeaderStatus, SkillLeader
from gonghui.honours.services import leaders as services
from gonghui.honours.testing.leaders import leader

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
MONTH = datetime.date(2025, 6, 1)


@pytest.mark.django_db
def test_a_stale_copy_cannot_select_after_a_decline(tree):
    x = leader(tree)
    mine, theirs = SkillLeader.objects.get(pk=x.pk), SkillLeader.objects.get(pk=x.pk)
    services.decline_leader(actor=tree.district_staff, leader=mine, reason="名额已满")
    with pytest.raises(Exception) as refused:
        services.select_leader(actor=tree.district_staff, leader=theirs)
    assert refused.value.code == "wrong_stage"
    assert not HonourRecord.objects.exists()


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_of_a_month_pay_once():
    tree = Tree()
    for union in (tree.union1, tree.union1b, tree.union2):
        leader(tree, LeaderStatus.SELECTED, union=union, starts_on=datetime.date(2025, 1, 1))
    outcome = race([lambda: services.run_allowances(month=MONTH),
                    lambda: services.run_allowances(actor=tree.district_staff, month=MONTH),
                    lambda: services.run_allowances(month=MONTH)])
    assert outcome == ["won", "won", "won"]
    assert LeaderAllowance.objects.filter(month=MONTH).count() == 3
    run = LeaderAllowanceRun.objects.get(month=MONTH)
    assert run.runs == 3 and run.paid_count == 3


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_selections_at_once_exactly_one_wins():
    tree = Tree()
    x = leader(tree)
    outcome = race_actors([tree.district_staff, tree.district_staff], lambda u: services.select_leader(
        actor=u, leader=SkillLeader.objects.get(pk=x.pk)))
    assert outcome == ["won", "wrong_stage"]
    assert HonourRecord.objects.filter(category="SKILL_LEADER").count() == 1
