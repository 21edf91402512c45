"""Capacity and the waiting list under concurrent writers (PostgreSQL): the course row is locked
first, so N people enrolling at once for fewer seats end with exactly `capacity` seats and the rest
waiting at places 1, 2, 3… without gaps or repeats; a cancellation and enrolments at the same
moment promote in order and leave the list gap-free. SQLite serialises writers: skipped there."""

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.training.models.enrolment import Enrolment
from gonghui.training.services import enrolment as services
from gonghui.training.testing.enrolment import course, enrolled, people

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


def _state(c):
    seats = Enrolment.objects.filter(course=c, status="ENROLLED").count()
    places = list(Enrolment.objects.filter(course=c, status="WAITLISTED").order_by("waitlist_position")
                  .values_list("waitlist_position", flat=True))
    return seats, places


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_enrolments_fill_exactly_the_seats_then_a_gap_free_list():
    tree = Tree()
    c = course(tree, capacity=3, waitlist_limit=4)
    ps = people(tree, 9)
    outcome = race([lambda p=p: services.enrol(actor=tree.district_staff, course=c, person=p) for p in ps])
    assert outcome == ["full", "full"] + ["won"] * 7
    assert _state(c) == (3, [1, 2, 3, 4])


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bulk_and_self_enrolments():
    tree = Tree()
    c = course(tree, capacity=4, waitlist_limit=10)
    batches = [people(tree, 3) for _ in range(3)]
    calls = [lambda b=b: services.enrol_members(actor=tree.union1_chair, course=c, union=tree.union1, people=b)
             for b in batches]
    outcome = race(calls)
    assert outcome == ["won", "won", "won"]
    assert _state(c) == (4, [1, 2, 3, 4, 5])


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_and_enrolments_promote_in_order():
    tree = Tree()
    c = course(tree, capacity=2, waitlist_limit=6)
    seats = [enrolled(tree, c) for _ in range(2)]
    waiting = [enrolled(tree, c) for _ in range(3)]
    newcomers = people(tree, 2)
    calls = [lambda x=x: services.cancel_enrolment(actor=tree.district_staff, enrolment=x) for x in seats]
    calls += [lambda x=waiting[2]: services.cancel_enrolment(actor=tree.district_staff, enrolment=x)]
    calls += [lambda p=p: services.enrol(actor=tree.district_staff, course=c, person=p) for p in newcomers]
    outcome = race(calls)
    assert outcome == ["won"] * 5
    seats_now, places = _state(c)
    assert seats_now == 2 and places == [1, 2]
    promoted = set(Enrolment.objects.filter(course=c, status="ENROLLED").values_list("pk", flat=True))
    assert promoted == {waiting[0].pk, waiting[1].pk}
    assert set(Enrolment.objects.filter(course=c, status="WAITLISTED").values_list("person_id", flat=True)) \
        == {p.pk for p in newcomers}


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_person_in_two_overlapping_courses_at_once_gets_one():
    tree = Tree()
    a, b = course(tree), course(tree)  # same default session time: they overlap
    person = people(tree, 1)[0]
    outcome = race([lambda c=c: services.enrol(actor=tree.district_staff, course=c, person=person) for c in (a, b)])
    assert outcome == ["overlap", "won"]
    assert Enrolment.objects.filter(person=person).count() == 1
