"""The last places under concurrent writers (PostgreSQL): the event row is locked first, so N
members registering at once for fewer places end with exactly `capacity` places and the rest
waiting at 1, 2, 3… without gaps; a cancellation and registrations at the same moment promote in
order. SQLite serialises writers: skipped there."""

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.services.models.events import Registration
from gonghui.services.services import events as services
from gonghui.services.testing.events import event, people, registered

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


def _state(e):
    seats = Registration.objects.filter(event=e, status="REGISTERED").count()
    places = list(Registration.objects.filter(event=e, status="WAITLISTED").order_by("waitlist_position")
                  .values_list("waitlist_position", flat=True))
    return seats, places


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_members_for_the_last_place_one_gets_it():
    tree = Tree()
    e = event(tree, capacity=1, waitlist_limit=0)
    a, b = people(tree, 2)
    outcome = race([lambda p=p: services.register(actor=tree.district_staff, event=e, person=p) for p in (a, b)])
    assert outcome == ["full", "won"]
    assert _state(e) == (1, [])


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_fill_the_places_then_a_gap_free_list():
    tree = Tree()
    e = event(tree, capacity=3, waitlist_limit=3)
    ps = people(tree, 8)
    outcome = race([lambda p=p: services.register(actor=tree.district_staff, event=e, person=p) for p in ps])
    assert outcome == ["full", "full"] + ["won"] * 6
    assert _state(e) == (3, [1, 2, 3])


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_and_registrations_promote_in_order():
    tree = Tree()
    e = event(tree, capacity=2, waitlist_limit=6)
    seats = [registered(tree, e) for _ in range(2)]
    waiting = [registered(tree, e) for _ in range(3)]
    newcomers = people(tree, 2)
    calls = [lambda x=x: services.cancel_registration(actor=tree.district_staff, registration=x) for x in seats]
    calls += [lambda p=p: services.register(actor=tree.district_staff, event=e, person=p) for p in newcomers]
    assert race(calls) == ["won"] * 4
    assert _state(e) == (2, [1, 2, 3])
    assert set(Registration.objects.filter(event=e, status="REGISTERED").values_list("pk", flat=True)) \
        == {waiting[0].pk, waiting[1].pk}
