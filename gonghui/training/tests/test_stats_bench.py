"""How long the statistics take on a district-sized year (PostgreSQL, opt-in: STATS_BENCH=1):
100,000 seat enrolments and 200,000 attendance marks over 200 courses. Prints the time of
`training_stats` for the district and a town, and checks the query count stays ten; then the cached reads."""

import os
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.training.models import Attendance, CourseSession, Enrolment, EnrolmentStatus
from gonghui.training.selectors import stats as selectors
from gonghui.training.testing import stats as build

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql" or not os.environ.get("STATS_BENCH"),
                       reason="benchmark: PostgreSQL and STATS_BENCH=1"),
]
YEAR = 2026


def test_district_year(tree, settings):
    people = [tree.member(union=u).person for u in (tree.union1, tree.union2, tree.union1b) for _ in range(167)]
    now = timezone.now()
    statuses = [EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED]
    for i in range(200):
        org = (tree.town1, tree.town2, tree.district)[i % 3]
        c = build.course(org, year=YEAR - (i % 4 == 0), school=None, programme=("SKILLS", "SAFETY", "LEGAL")[i % 3],
                         capacity=600)
        sessions = [build.session(c, "2"), build.session(c, "3")]
        rows = [Enrolment(course=c, person=p, union_id=u, town_id=t, status=statuses[(i + j) % 3], channel="UNION",
                          enrolled_at=now)
                for j, p in enumerate(people)
                for u, t in [((tree.union1.pk, tree.town1.pk), (tree.union2.pk, tree.town2.pk),
                              (tree.union1b.pk, tree.town1.pk))[j % 3]]]
        Enrolment.objects.bulk_create(rows, batch_size=2000)
        marks = [Attendance(enrolment=e, session=s, status="PRESENT", method="LIST", recorded_at=now)
                 for e in rows for s in sessions]
        Attendance.objects.bulk_create(marks, batch_size=5000)
    assert Enrolment.objects.count() == 200 * 501 and CourseSession.objects.count() == 400
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for user in (tree.district_staff, tree.town1_cadre):
        selectors.training_stats(user, year=YEAR)
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            stats = selectors.training_stats(user, year=YEAR)
        took = time.perf_counter() - start
        print(f"\n{user.username}: {stats.total.person_times} person-times, {len(queries.captured_queries)} queries, "
              f"{took * 1000:.0f} ms")
        for q in queries.captured_queries:
            print(q["time"], q["sql"][:160], "…", q["sql"][-160:])
        assert len(queries.captured_queries) == 10
        if os.environ.get("STATS_EXPLAIN"):  # the plans of the three slowest queries
            for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                    print("\n".join(line for (line,) in cursor.fetchall()))
    # With the figures cached per (reach, year) as in production (FIGURES_CACHE_SECONDS): the first
    # call counts and stores, the next ones read the cache and the targets only.
    from django.core.cache import cache

    settings.FIGURES_CACHE_SECONDS = 300
    cache.clear()
    for user in (tree.district_staff, tree.town1_cadre):
        selectors.training_stats(user, year=YEAR)
        times = []
        for _i in range(20):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                stats = selectors.training_stats(user, year=YEAR)
            times.append(time.perf_counter() - start)
        times.sort()
        print(f"\n{user.username} cached: {stats.total.person_times} person-times, {len(queries.captured_queries)} "
              f"queries, median {times[10] * 1000:.1f} ms, p95 {times[18] * 1000:.1f} ms")
        assert len(queries.captured_queries) == 1 and stats.cached
    cache.clear()
