"""Two unions booking one room for overlapping slots at the same moment: one wins, the other is
refused `double_booking` (the room row is locked while checking). Two confirmations of two
overlapping requests (stale rows from before the lock existed): one wins. The threaded tests stage
the real race on PostgreSQL; SQLite serialises writers."""

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.services.models.venues import BookingStatus, RoomBooking
from gonghui.services.services import venues as services
from gonghui.services.testing.venues import at, booking, room

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


@pytest.mark.django_db
def test_a_stale_copy_cannot_confirm_a_cancelled_booking(tree):
    b = booking(tree)
    mine, theirs = RoomBooking.objects.get(pk=b.pk), RoomBooking.objects.get(pk=b.pk)
    services.cancel_booking(actor=tree.union1_chair, booking=mine, reason="改期")
    with pytest.raises(Exception) as refused:
        services.confirm_booking(actor=tree.district_staff, booking=theirs)
    assert refused.value.code == "wrong_stage"


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_bookings_at_once_one_wins():
    tree = Tree()
    r = room(tree)

    def book(org, start, end):
        return services.request_booking(actor=tree.district_staff, room=r, org=org, purpose="并发", attendees=10,
                                        starts_at=at(1, *start), ends_at=at(1, *end), contact_name="张",
                                        contact_phone="138")

    # every two of these slots overlap
    outcome = race([lambda: book(tree.union1, (9,), (11,)), lambda: book(tree.union2, (10,), (12,)),
                    lambda: book(tree.union1b, (9, 30), (10, 30))])
    assert outcome == ["double_booking", "double_booking", "won"]
    assert RoomBooking.objects.filter(room=r).count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_of_overlapping_requests_one_wins():
    tree = Tree()
    r = room(tree)
    a = booking(tree, room_=r)
    b = RoomBooking.objects.create(number="OLD-1", room=r, org=tree.union2, purpose="旧", starts_at=at(1, 10),
                                   ends_at=at(1, 12), attendees=5, contact_name="李")
    outcome = race([lambda: services.confirm_booking(actor=tree.district_staff, booking=a),
                    lambda: services.confirm_booking(actor=tree.district_staff, booking=b)])
    assert outcome == ["double_booking", "won"]
    assert RoomBooking.objects.filter(room=r, status=BookingStatus.CONFIRMED).count() == 1
