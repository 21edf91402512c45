"""Venues services: the rules of a booking slot (no double booking, capacity, hours, one day,
future, the venue's subtree), the confirm / reject / cancel steps, performances (a scheduled show
at a room books it, and cancelling frees it) and screenings. Every refusal saves nothing."""

import pytest

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.services.models.venues import (
    BookingStatus,
    PerformanceStatus,
    RoomBooking,
    ScreeningStatus,
)
from gonghui.services.services import venues as services
from gonghui.services.testing.venues import at, booking, performance, room, screening, town_room

pytestmark = pytest.mark.django_db


def refused(fn, code, **kw):
    before = (RoomBooking.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as exc:
        fn(**kw)
    assert exc.value.code == code, exc.value.messages
    assert (RoomBooking.objects.count(), AuditEvent.objects.count()) == before
    return exc.value


def test_request_numbers_and_audits(tree):
    b = booking(tree)
    assert b.status == BookingStatus.REQUESTED
    assert b.number == f"CD{at(1, 9).year}-0001"
    assert booking(tree, room_=b.room, start=11, end=12).number.endswith("-0002")  # touching slots are fine
    assert AuditEvent.objects.filter(action="services.booking_request").count() == 2


@pytest.mark.parametrize("start,end", [(10, 12), (8, 10), (9, 11), (8, 12)])
def test_no_double_booking_of_a_requested_or_confirmed_slot(tree, start, end):
    b = booking(tree)
    err = refused(booking, "double_booking", tree=tree, room_=b.room, org=tree.union2, start=start, end=end)
    assert b.number in err.messages[0] and err.field == "starts_at"
    services.confirm_booking(actor=tree.district_staff, booking=b)
    refused(booking, "double_booking", tree=tree, room_=b.room, org=tree.union2, start=start, end=end)


def test_rejected_and_cancelled_bookings_free_the_slot(tree):
    b = booking(tree)
    services.reject_booking(actor=tree.district_staff, booking=b, reason="维修")
    c = booking(tree, room_=b.room)
    services.cancel_booking(actor=tree.union1_chair, booking=c, reason="改期")
    assert booking(tree, room_=b.room).status == BookingStatus.REQUESTED


def test_another_room_of_the_same_time_is_fine(tree):
    b = booking(tree)
    other = room(tree, venue=b.room.venue, name="会议室")
    assert booking(tree, room_=other).pk


@pytest.mark.parametrize("kw,code", [
    ({"attendees": 101}, "over_capacity"),
    ({"start": 6, "end": 9}, "outside_hours"),
    ({"start": 20, "end": 22}, "outside_hours"),
    ({"day": -1}, "in_the_past"),
    ({"day": 400}, "too_far_ahead"),
    ({"start": 11, "end": 9}, "date_order"),
    ({"attendees": 0}, "out_of_range"),
    ({"purpose": " "}, "required"),
])
def test_slot_rules(tree, kw, code):
    r = room(tree)
    refused(booking, code, tree=tree, room_=r, **kw)


def test_short_and_multi_day_slots_are_refused(tree):
    r = room(tree)
    kw = {"actor": tree.district_staff, "room": r, "org": tree.union1, "purpose": "x", "attendees": 5,
          "contact_name": "张三", "contact_phone": "138"}
    refused(services.request_booking, "too_short", starts_at=at(1, 9), ends_at=at(1, 9, 15), **kw)
    refused(services.request_booking, "several_days", starts_at=at(1, 9), ends_at=at(2, 10), **kw)
    refused(services.request_booking, "bad_phone", starts_at=at(1, 9), ends_at=at(1, 10),
            **{**kw, "contact_phone": "abc"})


def test_unbookable_room_and_room_of_another_town(tree):
    r = room(tree, is_bookable=False)
    refused(booking, "room_not_bookable", tree=tree, room_=r)
    t1 = town_room(tree)
    refused(booking, "room_not_open_to_org", tree=tree, room_=t1, org=tree.union2)
    assert booking(tree, room_=t1, org=tree.union1b).pk


def test_a_room_edit_cannot_strand_a_booking_to_come(tree):
    import datetime

    r = room(tree)
    b = booking(tree, room_=r, start=18, end=20, attendees=60)
    keep = {"actor": tree.district_staff, "room": r, "name": r.name, "kind": r.kind, "opens_at": r.opens_at,
            "closes_at": r.closes_at}
    err = refused(services.update_room, "strands_booking", **{**keep, "capacity": 50})
    assert err.field == "capacity" and b.number in err.text
    refused(services.update_room, "strands_booking", **{**keep, "capacity": 100, "closes_at": datetime.time(19)})
    services.cancel_booking(actor=tree.district_staff, booking=b, reason="改期")
    assert services.update_room(**{**keep, "capacity": 50, "closes_at": datetime.time(19)}).capacity == 50


def test_confirm_rechecks_and_steps_in_order(tree):
    b = booking(tree)
    RoomBooking.objects.create(number="X-1", room=b.room, org=tree.union2, purpose="旧数据", starts_at=at(1, 10),
                               ends_at=at(1, 12), attendees=3, contact_name="李",
                               status=BookingStatus.CONFIRMED)
    refused(services.confirm_booking, "double_booking", actor=tree.district_staff, booking=b)
    services.reject_booking(actor=tree.district_staff, booking=b, reason="冲突")
    refused(services.confirm_booking, "wrong_stage", actor=tree.district_staff, booking=b)
    refused(services.reject_booking, "required", actor=tree.district_staff,
            booking=booking(tree, room_=b.room, start=14, end=15), reason="")


def test_performance_scheduled_at_a_room_books_it_and_cancel_frees_it(tree):
    p = performance(tree)
    r = room(tree)
    p = services.schedule_performance(actor=tree.district_staff, performance=p, starts_at=at(10, 14),
                                      ends_at=at(10, 16), room=r)
    assert p.status == PerformanceStatus.SCHEDULED and p.booking.status == BookingStatus.CONFIRMED
    refused(booking, "double_booking", tree=tree, room_=r, day=10, start=15, end=17)
    services.cancel_performance(actor=tree.district_staff, performance=p, reason="天气")
    p.booking.refresh_from_db()
    assert p.booking.status == BookingStatus.CANCELLED
    assert booking(tree, room_=r, day=10, start=15, end=17).pk


def test_performance_outside_place_decline_and_done(tree):
    p = performance(tree)
    with pytest.raises(DomainError) as exc:
        services.schedule_performance(actor=tree.district_staff, performance=p, starts_at=at(-1, 14),
                                      ends_at=at(-1, 16))
    assert exc.value.code == "in_the_past"
    p = services.schedule_performance(actor=tree.district_staff, performance=p, starts_at=at(3, 14),
                                      ends_at=at(3, 16))
    assert p.place == "企业食堂" and p.booking is None
    with pytest.raises(DomainError) as exc:
        services.record_performance(actor=tree.union1_chair, performance=p, audience=180)
    assert exc.value.code == "not_started"
    type(p).objects.filter(pk=p.pk).update(starts_at=at(-1, 14), ends_at=at(-1, 16))
    p.refresh_from_db()
    p = services.record_performance(actor=tree.union1_chair, performance=p, audience=180, summary="反响热烈")
    assert (p.status, p.audience) == (PerformanceStatus.DONE, 180)
    q = services.decline_performance(actor=tree.district_staff, performance=performance(tree), reason="档期已满")
    assert q.status == PerformanceStatus.REJECTED


def test_performance_request_needs_a_place_and_a_future_day(tree):
    with pytest.raises(DomainError) as exc:
        services.request_performance(actor=tree.union1_chair, org=tree.union1, title="x",
                                     wanted_on=services.today(), place="")
    assert exc.value.code == "required" and exc.value.field == "place"
    with pytest.raises(DomainError) as exc:
        services.request_performance(actor=tree.union1_chair, org=tree.union1, title="x",
                                     wanted_on=services.today() - services.datetime.timedelta(days=1), place="y")
    assert exc.value.code == "in_the_past"
    with pytest.raises(DomainError) as exc:
        services.request_performance(actor=tree.union1_chair, org=tree.union1, title="x",
                                     wanted_on=services.today(), enterprise=tree.enterprise2)
    assert exc.value.code == "enterprise_not_of_org"


def test_screening_plan_record_cancel(tree):
    s = screening(tree)
    with pytest.raises(DomainError) as exc:
        services.record_screening(actor=tree.union1_chair, screening=s, audience=10)
    assert exc.value.code == "not_started"
    s = services.cancel_screening(actor=tree.union1_chair, screening=s, reason="下雨")
    assert s.status == ScreeningStatus.CANCELLED
    done = screening(tree, starts_at=at(0, 0, 1))
    done = services.record_screening(actor=tree.town1_cadre, screening=done, audience=150)
    assert (done.status, done.audience) == (ScreeningStatus.SHOWN, 150)
    with pytest.raises(DomainError) as exc:
        screening(tree, starts_at=at(-2, 19))
    assert exc.value.code == "in_the_past"
