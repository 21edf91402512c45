"""Worker services at district scale (seed_demo: service centres, the catalogue, orders and
projects, facility requests, partner merchants, offers and redemptions, venues, rooms and bookings,
performances and screenings, events and registrations) through Django's test Client, signed in:
each area's list page, the calendar and the event statistics, and the list endpoints of the API, as
the district user and a town user.

Reference, measured in the same process: GET /healthz, as in bench/competitions.py.
"""

from . import congress
from .competitions import dataset_counts
from .pages import PAGE_TARGET_MS

GROUP = "services"
APP = "services"
MODELS = ("ServiceCentre", "ServiceOrder", "ServiceProject", "FacilityRequest", "Merchant", "Offer", "Redemption",
          "Room", "RoomBooking", "Performance", "Screening", "Event", "Registration")

PAGES = [
    ("service orders list page, first page", "services:order_list", "", PAGE_TARGET_MS),
    ("service projects list page, first page", "services:project_list", "", PAGE_TARGET_MS),
    ("facility requests list page, first page", "services:facility_list", "", PAGE_TARGET_MS),
    ("merchants list page, first page", "services:merchant_list", "", PAGE_TARGET_MS),
    ("redemptions list page, first page", "services:redemption_list", "", PAGE_TARGET_MS),
    ("room bookings list page, first page", "services:booking_list", "", PAGE_TARGET_MS),
    ("venue calendar, this month", "services:venue_calendar", "", PAGE_TARGET_MS),
    ("events list page, first page", "services:event_list", "", PAGE_TARGET_MS),
    ("event registrations list page, first page", "services:registration_list", "", PAGE_TARGET_MS),
    ("event statistics page", "services:event_stats", "", PAGE_TARGET_MS),
    ("services overview page", "services:overview", "", PAGE_TARGET_MS),
]
ENDPOINTS = [
    ("service orders API", "/api/v1/service-orders"),
    ("facility requests API", "/api/v1/facility-requests"),
    ("redemptions API", "/api/v1/redemptions"),
    ("room bookings API", "/api/v1/room-bookings"),
    ("events API", "/api/v1/events"),
]


def run(engine, *, quick=False):
    counts = dataset_counts(APP, MODELS)
    dataset = ", ".join(f"{n:,} {name}" for name, n in counts.items()) + " in the dataset"
    return congress.run_lists(
        engine, group=GROUP, pages=PAGES, endpoints=ENDPOINTS, quick=quick, dataset=dataset,
        empty="the dataset has no service records" if not any(counts.values()) else "")
