"""Registrations at the same moment: the contest row is locked, so capacity and exam numbers
hold (the loser gets `full`, numbers stay distinct); a stale copy cannot publish twice. The
threaded test stages the real race on PostgreSQL."""

import pytest
from django.db import connection

from gonghui.competitions.models.contests import ContestEntry, ContestStatus, SkillContest
from gonghui.competitions.services import contests as services
from gonghui.competitions.testing.contests import contest, held_in_past, register
from gonghui.core.errors import DomainError
from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.honours.models.awards import HonourRecord

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


@pytest.mark.django_db
def test_a_stale_copy_cannot_publish_twice(tree):
    c = contest(tree)
    (e,) = register(tree, c)
    services.close_registration(actor=tree.district_staff, contest=c)
    services.record_scores(actor=tree.district_staff, contest=c, scores={e.pk: {"theory": 90, "practical": 90}})
    c = held_in_past(c)
    mine, theirs = SkillContest.objects.get(pk=c.pk), SkillContest.objects.get(pk=c.pk)
    services.publish_results(actor=tree.district_staff, contest=mine)
    with pytest.raises(DomainError) as refused:
        services.publish_results(actor=tree.district_staff, contest=theirs)
    assert refused.value.code == "wrong_stage"
    assert HonourRecord.objects.filter(category="CONTEST").count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_three_registrations_for_two_places():
    tree = Tree()
    c = contest(tree, ContestStatus.OPEN, capacity=2)
    people = [tree.member().person for _ in range(3)]
    outcome = race([lambda p=p: services.register_entrant(actor=tree.union1_chair, contest=c, person=p)
                    for p in people])
    assert outcome == ["full", "won", "won"]
    numbers = list(ContestEntry.objects.filter(contest=c).values_list("exam_no", flat=True))
    assert len(numbers) == 2 and len(set(numbers)) == 2
