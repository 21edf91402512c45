"""The layout tour (see test_layout_tour.py) of worker services: service centres, the catalogue,
orders and projects; facility requests; member benefits (merchants, offers, redemptions); venues,
bookings, the programme and screenings; events with registrations, statistics and the QR check-in.
Every list, detail and workflow form with records of town1, at 1280 and 390 px; the district's
own pages; union1's forms; the member's phone pages."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.testing.factories import Tree
from gonghui.services.models.centres import OrderStatus, ProjectStatus
from gonghui.services.models.events import Event
from gonghui.services.models.facilities import FacilityStatus
from gonghui.services.services import benefits as benefit_services
from gonghui.services.services import events as event_services
from gonghui.services.services import venues as venue_services
from gonghui.services.testing import benefits as benefit_testing
from gonghui.services.testing import centres as centre_testing
from gonghui.services.testing import events as event_testing
from gonghui.services.testing import facilities as facility_testing
from gonghui.services.testing import venues as venue_testing

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _path(url):
    parts = urlsplit(url)  # signed; SITE_URL's host, not the live server's
    return f"{parts.path}?{parts.query}"


# Two tests, each under a minute in CI: centres, facilities and benefits; venues and events.
PARTS = ("centres", "venues")


def build(tree, part):
    """Records of every area of `part`, each at a step with something to show."""
    member = event_testing.linked_member(tree)
    r = {}
    if part == "centres":
        build_centres(tree, r, member)
    else:
        build_venues(tree, r, member)
    return r


def build_centres(tree, r, member):
    # Centres: town1's centre, an item, orders and projects at several steps.
    r["centre"] = centre_testing.centre(tree)
    r["item"] = centre_testing.item(tree)
    r["order"] = centre_testing.order(tree)
    r["order_accepted"] = centre_testing.order(tree, OrderStatus.ACCEPTED)
    r["order_delivered"] = centre_testing.order(tree, OrderStatus.DELIVERED)
    r["project"] = centre_testing.project(tree)
    r["project_running"] = centre_testing.project(tree, ProjectStatus.RUNNING)
    r["project_finished"] = centre_testing.project(tree, ProjectStatus.DONE)
    # Facilities.
    r["facility"] = facility_testing.request(tree)
    r["facility_approved"] = facility_testing.request(tree, FacilityStatus.APPROVED)
    r["facility_started"] = facility_testing.request(tree, FacilityStatus.IN_PROGRESS)
    r["facility_open"] = facility_testing.request(tree, FacilityStatus.OPEN)
    # Benefits.
    r["merchant"] = benefit_testing.merchant(tree, name="城厢老街面馆")
    r["offer"] = benefit_testing.offer(tree, r["merchant"], title="会员就餐九折")
    benefit_testing.offer(tree, r["merchant"], title="工会会员赠饮", limit="PER_MONTH", limit_count=4)
    benefit_testing.redeem(tree, r["offer"], member)
    r["verify"] = _path(benefit_services.card_url(member))


def build_venues(tree, r, member):
    # Venues.
    hall = venue_testing.room(tree)
    r["room"] = hall
    r["booking"] = venue_testing.booking(tree, room_=hall)
    r["town_room"] = venue_testing.town_room(tree)
    venue_testing.booking(tree, room_=r["town_room"], day=2)
    r["booking_confirmed"] = venue_services.confirm_booking(
        actor=tree.district_staff, booking=venue_testing.booking(tree, room_=hall, start=14, end=16))
    r["performance"] = venue_testing.performance(tree)
    r["screening"] = venue_testing.screening(tree, starts_at=venue_testing.at(1, 19))
    # Events: one next week, full with a waitlist; one starting now (QR check-in) with the member.
    e = event_testing.event(tree, capacity=2, waitlist_limit=3, title="城厢街道职工趣味运动会暨迎新春长跑比赛",
                            description="欢迎参加")
    r["event"] = e
    r["registration"] = event_testing.registered(tree, e)
    for _ in range(3):
        event_testing.registered(tree, e)
    live = event_testing.event(tree, capacity=50, starts_in_days=1, title="职工读书会")
    event_testing.registered(tree, live, member)
    now = timezone.now()  # registered while open; now it starts: check-in is open
    Event.objects.filter(pk=live.pk).update(starts_at=now, ends_at=now + datetime.timedelta(hours=3))
    r["live"] = live
    r["checkin"] = _path(event_services.checkin_url(live))


def pages_centres(tree, r):
    """Centres, facilities and benefits: (user, pages)."""
    return [
        ("town1", [
            ("sv-overview", reverse("services:overview")),
            ("sv-centre-list", reverse("services:centre_list")),
            ("sv-centre-detail", reverse("services:centre_detail", args=[r["centre"].pk])),
            ("sv-centre-edit", reverse("services:centre_edit", args=[r["centre"].pk])),
            ("sv-centre-create", reverse("services:centre_create")),
            ("sv-item-list", reverse("services:item_list")),
            ("sv-item-create", reverse("services:item_create")),
            ("sv-order-list", reverse("services:order_list")),
            ("sv-order-detail", reverse("services:order_detail", args=[r["order"].pk])),
            ("sv-order-accepted", reverse("services:order_detail", args=[r["order_accepted"].pk])),
            ("sv-order-delivered", reverse("services:order_detail", args=[r["order_delivered"].pk])),
            ("sv-project-list", reverse("services:project_list")),
            ("sv-project-detail", reverse("services:project_detail", args=[r["project"].pk])),
            ("sv-project-running", reverse("services:project_detail", args=[r["project_running"].pk])),
            ("sv-project-finished", reverse("services:project_detail", args=[r["project_finished"].pk])),
            ("sv-project-edit", reverse("services:project_edit", args=[r["project"].pk])),
            ("sv-project-create", reverse("services:project_create")),
            ("fa-list", reverse("services:facility_list")),
            ("fa-detail", reverse("services:facility_detail", args=[r["facility"].pk])),
            ("fa-approved", reverse("services:facility_detail", args=[r["facility_approved"].pk])),
            ("fa-started", reverse("services:facility_detail", args=[r["facility_started"].pk])),
            ("fa-open", reverse("services:facility_detail", args=[r["facility_open"].pk])),
            ("bf-offer-list", reverse("services:offer_list")),
            ("bf-offer-detail", reverse("services:offer_detail", args=[r["offer"].pk])),
            ("bf-offer-edit", reverse("services:offer_edit", args=[r["offer"].pk])),
            ("bf-offer-create", reverse("services:offer_create", args=[r["merchant"].pk])),
            ("bf-merchant-list", reverse("services:merchant_list")),
            ("bf-merchant-detail", reverse("services:merchant_detail", args=[r["merchant"].pk])),
            ("bf-merchant-edit", reverse("services:merchant_edit", args=[r["merchant"].pk])),
            ("bf-merchant-create", reverse("services:merchant_create")),
            ("bf-redemption-list", reverse("services:redemption_list")),
            ("bf-stats", reverse("services:benefit_stats")),
        ]),
        ("district", [
            ("sv-item-edit", reverse("services:item_edit", args=[r["item"].pk])),
        ]),
        ("union1", [
            ("sv-order-create-u", reverse("services:order_create")),
            ("fa-create-u", reverse("services:facility_create")),
        ]),
        ("member1", [
            ("bf-my-card", reverse("services:my_card")),
            ("bf-verify", r["verify"]),
        ]),
    ]


def pages_venues(tree, r):
    """Venues and events: (user, pages)."""
    u = tree.union1.pk
    return [
        ("town1", [
            ("ve-booking-list", reverse("services:booking_list")),
            ("ve-booking-detail", reverse("services:booking_detail", args=[r["booking"].pk])),
            ("ve-booking-create", reverse("services:booking_create") + f"?org={u}"),
            ("ve-calendar", reverse("services:venue_calendar")),
            ("ve-calendar-day", reverse("services:venue_calendar")
             + f"?day={timezone.localtime(r['booking'].starts_at):%Y-%m-%d}"),
            ("ve-venue-list", reverse("services:venue_list")),
            ("ve-venue-detail", reverse("services:venue_detail", args=[r["town_room"].venue_id])),
            ("ve-venue-edit", reverse("services:venue_edit", args=[r["town_room"].venue_id])),
            ("ve-venue-create", reverse("services:venue_create")),
            ("ve-room-create", reverse("services:room_create", args=[r["town_room"].venue_id])),
            ("ve-room-edit", reverse("services:room_edit", args=[r["town_room"].venue_id, r["town_room"].pk])),
            ("ve-programme", reverse("services:programme_list")),
            ("ve-performance", reverse("services:performance_detail", args=[r["performance"].pk])),
            ("ve-performance-create", reverse("services:performance_create") + f"?org={u}"),
            ("ve-screenings", reverse("services:screening_list")),
            ("ve-screening", reverse("services:screening_detail", args=[r["screening"].pk])),
            ("ve-screening-create", reverse("services:screening_create") + f"?org={u}"),
            ("ev-list", reverse("services:event_list")),
            ("ev-detail", reverse("services:event_detail", args=[r["event"].pk])),
            ("ev-live", reverse("services:event_detail", args=[r["live"].pk])),
            ("ev-create", reverse("services:event_create")),
            ("ev-edit", reverse("services:event_edit", args=[r["event"].pk])),
            ("ev-register", reverse("services:event_register", args=[r["event"].pk])),
            ("ev-regs", reverse("services:registration_list")),
            ("ev-reg", reverse("services:registration_detail", args=[r["registration"].pk])),
            ("ev-stats", reverse("services:event_stats")),
        ]),
        ("district", [
            ("ve-palace-detail", reverse("services:venue_detail", args=[r["room"].venue_id])),
            ("ve-booking-confirmed", reverse("services:booking_detail", args=[r["booking_confirmed"].pk])),
            ("ve-performance-d", reverse("services:performance_detail", args=[r["performance"].pk])),
        ]),
        ("union1", [
            ("ev-register-u", reverse("services:event_register", args=[r["event"].pk]) + f"?org={u}"),
        ]),
        ("member1", [
            ("ev-my", reverse("services:my_events")),
            ("ev-checkin", r["checkin"]),
        ]),
    ]


@pytest.mark.parametrize("part", PARTS)
def test_services_layout_tour(browser, live_server, tour_screenshots, part):
    tree = Tree()
    pages = pages_centres if part == "centres" else pages_venues
    problems = walk(browser, live_server, pages(tree, build(tree, part)), tour_screenshots)
    assert not problems, "\n".join(problems)
