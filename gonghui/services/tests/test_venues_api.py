"""The venues API: a booking requested and confirmed, the double booking refused with its code
and nothing saved, bad input with field errors, scoped lists, performances and screenings."""

import pytest

from gonghui.core.testing.api import api_as
from gonghui.services.models.venues import RoomBooking
from gonghui.services.testing.venues import at, booking, performance, room, town_room

pytestmark = pytest.mark.django_db


def body(r, **kw):
    return {"room": r.pk, "purpose": "职工培训", "starts_at": at(1, 9).isoformat(), "ends_at": at(1, 11).isoformat(),
            "attendees": 20, "contact_name": "张三", "contact_phone": "13800000000", **kw}


def test_request_confirm_and_double_booking(tree):
    r = room(tree)
    chair = api_as(tree.union1_chair)
    made = chair.post("/room-bookings", body(r, org=tree.union1.pk))
    assert made.status_code == 201, made.json()
    data = made.json()
    assert data["status"] == "REQUESTED" and data["actions"] == {"confirm": False, "reject": False, "cancel": True}
    assert data["contact_phone"] == "138****0000"  # stored encrypted, answered masked
    clash = api_as(tree.union2_chair).post("/room-bookings", body(r, org=tree.union2.pk,
                                                                  starts_at=at(1, 10).isoformat()))
    assert clash.status_code == 409 and clash.json()["code"] == "double_booking"
    assert RoomBooking.objects.count() == 1
    district = api_as(tree.district_staff)
    assert chair.post(f"/room-bookings/{data['id']}/confirm", {}).status_code == 403
    ok = district.post(f"/room-bookings/{data['id']}/confirm", {})
    assert ok.status_code == 200 and ok.json()["status"] == "CONFIRMED"
    again = district.post(f"/room-bookings/{data['id']}/confirm", {})
    assert again.status_code == 409 and again.json()["code"] == "wrong_stage"


def test_bad_input_and_unknown_references(tree):
    r = room(tree)
    api = api_as(tree.union1_chair)
    assert api.post("/room-bookings", body(r, org=tree.union1.pk, attendees=0)).status_code == 422
    over = api.post("/room-bookings", body(r, org=tree.union1.pk, attendees=150))
    assert over.status_code == 400 and over.json()["code"] == "over_capacity"
    other = town_room(tree, town=tree.town2)
    assert api.post("/room-bookings", body(other, org=tree.union1.pk)).json()["field"] == "room"
    assert api.post("/room-bookings", body(r, org=tree.union2.pk)).status_code == 400
    assert RoomBooking.objects.count() == 0


def test_lists_are_scoped(tree):
    a = booking(tree, room_=town_room(tree))
    b = booking(tree, room_=town_room(tree, town=tree.town2), org=tree.union2)
    ids = {x["id"] for x in api_as(tree.town1_cadre).get("/room-bookings").json()["items"]}
    assert a.pk in ids and b.pk not in ids
    assert {x["id"] for x in api_as(tree.district_staff).get("/room-bookings", {"status": "REQUESTED"})
            .json()["items"]} == {a.pk, b.pk}
    assert len(api_as(tree.union2_chair).get("/venues").json()["items"]) == 1
    assert api_as(tree.union2_chair).get(f"/rooms/{a.room_id}").status_code == 404


def test_performance_and_screening_api(tree):
    p = performance(tree)
    district = api_as(tree.district_staff)
    s = district.post(f"/performances/{p.pk}/schedule", {"starts_at": at(4, 14).isoformat(),
                                                         "ends_at": at(4, 16).isoformat()})
    assert s.status_code == 200 and s.json()["status"] == "SCHEDULED"
    chair = api_as(tree.union1_chair)
    made = chair.post("/screenings", {"org": tree.union1.pk, "film": "流浪地球", "starts_at": at(2, 19).isoformat(),
                                      "site": "厂区广场"})
    assert made.status_code == 201
    assert chair.post(f"/screenings/{made.json()['id']}/cancel", {"reason": "下雨"}).json()["status"] == "CANCELLED"
    assert api_as(tree.union2_chair).post(f"/screenings/{made.json()['id']}/cancel",
                                          {"reason": "x"}).status_code == 404
