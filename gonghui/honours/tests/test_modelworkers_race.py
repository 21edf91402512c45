"""The same conferral reaching the registry twice at once (a retried request, two workers of the
task queue) writes one entry, one title and one honour record: the unique person and source keys
decide, and the loser returns the winner's title. Staged for real on PostgreSQL."""

import datetime

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.honours.models.awards import HonourRecord
from gonghui.honours.models.modelworkers import ModelWorker, ModelWorkerTitle
from gonghui.honours.services import modelworkers as services

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


def _confer(tree, person):
    return services.add_title(actor=tree.district_staff, person=person, org=tree.union1, level="DISTRICT",
                              year=2025, title="2025年度区劳动模范", conferred_on=datetime.date(2025, 4, 28),
                              source_key="honours.Nomination:42")


@pytest.mark.django_db
def test_a_second_call_for_the_same_source_returns_the_first(tree):
    person = tree.member(tree.union1).person
    first, second = _confer(tree, person), _confer(tree, person)
    assert first.pk == second.pk
    assert (ModelWorker.objects.count(), ModelWorkerTitle.objects.count(), HonourRecord.objects.count()) == (1, 1, 1)


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_conferral_twice_at_once_writes_once():
    tree = Tree()
    person = tree.member(tree.union1).person
    outcome = race([lambda: _confer(tree, person), lambda: _confer(tree, person)])
    assert outcome == ["won", "won"]
    assert (ModelWorker.objects.count(), ModelWorkerTitle.objects.count(), HonourRecord.objects.count()) == (1, 1, 1)
