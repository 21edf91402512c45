"""Permission matrix of venues: role × action for a union1 booking of a town1 room, a union1
performance request and a union1 screening. The district, the town1 cadre and union1's chair and
staff request and cancel; only the venue's org confirms (district, town1 cadre — not union
chairs); only the district schedules the art troupe; the town2 cadre and union2's chair do not
see the records (404 on pages and API); members and outsiders have no role (403 on the lists)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.services.models.venues import BookingStatus, RoomBooking
from gonghui.services.services import venues as services
from gonghui.services.testing.venues import at, booking, performance, screening, town_room

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
IN_SCOPE = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
ALLOWED = {
    "request": IN_SCOPE,
    "confirm": {"district_staff", "town1_cadre"},
    "cancel": IN_SCOPE,
    "schedule": {"district_staff"},
    "perform_request": IN_SCOPE,
    "screening": IN_SCOPE,
}


def run(action, user, tree, room, hour):
    if action == "request":
        return booking(tree, room_=room, actor=user, start=hour, end=hour + 1)
    if action == "confirm":
        return services.confirm_booking(actor=user, booking=booking(tree, room_=room, start=hour, end=hour + 1))
    if action == "cancel":
        return services.cancel_booking(actor=user, booking=booking(tree, room_=room, start=hour, end=hour + 1),
                                       reason="改期")
    if action == "schedule":
        return services.schedule_performance(actor=user, performance=performance(tree), starts_at=at(5, 14),
                                             ends_at=at(5, 16))
    if action == "perform_request":
        return performance(tree, actor=user)
    return screening(tree, actor=user)


@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, role):
    user = getattr(tree, role)
    room = town_room(tree)
    for hour, (action, allowed) in enumerate(ALLOWED.items(), start=9):
        if role in allowed:
            assert run(action, user, tree, room, hour) is not None, action
        else:
            with pytest.raises(PermissionDenied):
                run(action, user, tree, room, hour)
    if role not in ALLOWED["confirm"] | ALLOWED["cancel"]:
        assert not RoomBooking.objects.exclude(status=BookingStatus.REQUESTED).exists()


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api_404_out_of_scope(tree, role):
    b = booking(tree, room_=town_room(tree))
    p = performance(tree)
    s = screening(tree)
    user = getattr(tree, role)
    c = Client()
    c.force_login(user)
    api = api_as(user)
    got = (c.get(reverse("services:booking_detail", args=[b.pk])).status_code,
           c.get(reverse("services:performance_detail", args=[p.pk])).status_code,
           c.get(reverse("services:screening_detail", args=[s.pk])).status_code,
           c.post(reverse("services:booking_step", args=[b.pk, "cancel"]), {"cancel-reason": "改期"}).status_code,
           api.get(f"/room-bookings/{b.pk}").status_code, api.get(f"/performances/{p.pk}").status_code,
           api.get(f"/screenings/{s.pk}").status_code)
    if role in IN_SCOPE:
        assert got == (200, 200, 200, 302, 200, 200, 200), role
        b.refresh_from_db()
        assert b.status == BookingStatus.CANCELLED
    else:
        assert got == (404,) * 7, role
    no_role = role in ("member_user", "outsider")
    for name in ("booking_list", "venue_list", "programme_list", "screening_list", "venue_calendar",
                 "booking_export"):
        assert c.get(reverse(f"services:{name}")).status_code == (403 if no_role else 200), (role, name)
