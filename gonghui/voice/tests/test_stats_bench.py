"""How long the appeal statistics take on a district-sized year (PostgreSQL, opt-in:
STATS_BENCH=1): 60,000 appeals over the year in three unions (about what a district of a million
people would receive in several years), most closed and rated. Prints the time of counting the
figures (`count_appeal_stats`, no cache) for the district and a town, the year and a month, and of
the page once the figures are cached (FIGURES_CACHE_SECONDS as in production); checks the query
count stays fixed. Numbers in docs/voice-stats.md."""

import datetime
import os
import random
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.voice.models.appeals import Appeal, AppealCategory, AppealStatus
from gonghui.voice.selectors.stats import count_appeal_stats
from gonghui.voice.testing.stats import at

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql" or not os.environ.get("STATS_BENCH"),
                       reason="benchmark: PostgreSQL and STATS_BENCH=1"),
]
YEAR = 2025
N = 60_000


def test_district_year(tree, settings):
    rng = random.Random(10)
    places = [(tree.union1, tree.town1), (tree.union1b, tree.town1), (tree.union2, tree.town2)]
    firms = [f"企业{i}" for i in range(800)]
    rows = []
    for i in range(N):
        org, town = rng.choice(places)
        received = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        closed = received + datetime.timedelta(days=rng.randrange(0, 25)) if rng.random() < 0.85 else None
        rows.append(Appeal(
            number=f"BN{YEAR}-{i:07d}", category=rng.choice(AppealCategory.values), channel="PORTAL", title="t",
            content="c", tracking_code=f"BENCH{i:09d}", org=org, town=town, received_at=at(received),
            clock_started_on=received, due_on=received + datetime.timedelta(days=14),
            status=AppealStatus.CLOSED if closed else AppealStatus.HANDLING, closed_at=at(closed) if closed else None,
            closed_on_time=(closed - received).days <= 14 if closed else None,
            satisfaction=rng.randint(1, 5) if closed and rng.random() < 0.6 else None,
            enterprise_name=rng.choice(firms)))
    Appeal.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE voice_appeal")
    for user in (tree.district_staff, tree.town1_cadre):
        for month in (None, 6):
            count_appeal_stats(user, year=YEAR, month=month)  # warm the connection and the calendar
            times = []
            for _ in range(5):
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    stats = count_appeal_stats(user, year=YEAR, month=month)
                times.append(time.perf_counter() - start)
            print(f"\ncounted {user.username} month={month}: best {min(times) * 1000:.0f} ms, median "
                  f"{sorted(times)[2] * 1000:.0f} ms, {len(queries)} queries, {stats.total.figures.received} appeals")
            slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
            print("  slowest:", [(q["time"], q["sql"][:70]) for q in slow])
            assert len(queries) <= 8
    # As in production: the figures kept for FIGURES_CACHE_SECONDS; the page's time once cached.
    settings.FIGURES_CACHE_SECONDS = 300
    cache.clear()
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(tree.district_staff)
    url = reverse("voice:appeal_stats") + f"?year={YEAR}"
    for label in ("page, first view (counts)", "page, cached"):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        print(f"\n{label}: {(time.perf_counter() - start) * 1000:.0f} ms")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    print(f"page cached: best {min(times) * 1000:.0f} ms, median {sorted(times)[2] * 1000:.0f} ms")
    cache.clear()
