"""seed_demo's venues rows (core.demo.services.venues) at small scale: the palace and a centre in
every town, bookings that never overlap in a room, statuses the services could have written, the
towns of the demo accounts included, and the demo accounts see them on the pages."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.services.models.venues import (
    HOLDING,
    BookingCounter,
    BookingStatus,
    Performance,
    PerformanceStatus,
    RoomBooking,
    Screening,
    Venue,
    VenueKind,
)

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_the_small_demo(seeded):
    assert Venue.objects.filter(kind=VenueKind.CULTURAL_PALACE).count() == 1
    assert Venue.objects.filter(kind=VenueKind.SERVICE_CENTRE).count() >= 2
    holding = list(RoomBooking.objects.filter(status__in=HOLDING).order_by("room_id", "starts_at"))
    for a, b in zip(holding, holding[1:], strict=False):
        assert a.room_id != b.room_id or a.ends_at <= b.starts_at, (a.number, b.number)
    assert set(RoomBooking.objects.values_list("status", flat=True)) == set(BookingStatus.values)
    for b in RoomBooking.objects.select_related("room"):
        assert b.attendees <= b.room.capacity and b.org.path.startswith(b.room.venue.org.path)
    last = max(int(n.split("-")[1]) for n in RoomBooking.objects.values_list("number", flat=True))
    assert max(BookingCounter.objects.values_list("last", flat=True)) >= last
    assert set(Performance.objects.values_list("status", flat=True)) >= {PerformanceStatus.DONE,
                                                                        PerformanceStatus.SCHEDULED}
    assert Screening.objects.values("org").distinct().count() >= 3
    for name in ("district", "town1", "town2", "union1"):
        user = seeded[name]
        assert RoomBooking.objects.visible_to(user).exists(), name
        assert Screening.objects.visible_to(user).exists() or name == "union1", name
    c = Client()
    c.force_login(seeded["town1"])
    for page in ("booking_list", "venue_list", "programme_list", "screening_list", "venue_calendar"):
        assert c.get(reverse(f"services:{page}")).status_code == 200, page
    b = RoomBooking.objects.visible_to(seeded["town1"]).first()
    assert c.get(reverse("services:booking_detail", args=[b.pk])).status_code == 200
    c.force_login(seeded["union1"])
    assert c.get(reverse("services:venue_list")).status_code == 200
    assert Performance.objects.visible_to(seeded["union1"]).exists()
