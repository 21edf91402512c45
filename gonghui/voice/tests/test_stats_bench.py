"""How long the appeal statistics take on a district-sized year (PostgreSQL, opt-in:
STATS_BENCH=1): 60,000 appeals over the year in three unions (about what a district of a million
people would receive in several years), most closed and rated. Prints the time of `appeal_stats`
for the district and a town and checks the query count does not grow."""

import datetime
import os
import random
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.voice.models.appeals import Appeal, AppealCategory, AppealStatus
from gonghui.voice.selectors.stats import appeal_stats
from gonghui.voice.testing.stats import at

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql" or not os.environ.get("STATS_BENCH"),
                       reason="benchmark: PostgreSQL and STATS_BENCH=1"),
]
YEAR = 2025
N = 60_000


def test_district_year(tree):
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
    for user in (tree.district_staff, tree.town1_cadre):
        appeal_stats(user, year=YEAR)
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            stats = appeal_stats(user, year=YEAR, month=6)
            stats = appeal_stats(user, year=YEAR)
        elapsed = (time.perf_counter() - start) / 2
        print(f"\nappeal_stats {user.username}: {elapsed * 1000:.0f} ms, {len(queries) // 2} queries, "
              f"{stats.total.figures.received} appeals")
        slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]
        print("  slowest:", [(q["time"], q["sql"][:90]) for q in slow])
        assert len(queries) <= 30
