"""Reports at district scale: one roll-up refresh of this year, the statistics dashboards and their
API, and the annual statistics report (seed_demo computes the roll-ups of this and last year).

- refresh: `services.rollups.refresh_rollups` of this year, once (it replaces the year's rows with
  identical ones, so the cached dataset is unchanged), against a reference measured in the same
  run: one `COUNT(*)` of the membership periods, the largest table the providers aggregate;
- dashboards: `GET /reports/` for the district user (the district), the district user opening a
  town, and the `town1` user (their town), and `GET /api/v1/reports/dashboard` for both users,
  against `GET /healthz` as in bench/pages.py; target p95 ≤ 300 ms on PostgreSQL (DESIGN.md; the
  issue asks for under 1 s);
- annual report: `selectors.annual.build_annual_report` of the district (as the page builds it,
  with links), and with the workbook and the PDF written (`services.annual.report_bytes`),
  against the same `COUNT(*)` reference; target ≤ 5 s.

A piece that does not exist yet (a URL that does not resolve, a function not written) is reported
as skipped with the reason.
"""

import time

from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .common import QueryCounter, latency_result, measure, ref, skipped
from .congress import _bench
from .pages import DASHBOARD_TARGET_MS, _client, _token
from .search import _users

GROUP = "reports"
ANNUAL_TARGET_MS = 5000  # DESIGN.md: the annual report ≤ 5 s at district scale
API_DASHBOARD_TARGET_MS = DASHBOARD_TARGET_MS  # the API of a dashboard: a dashboard's figures, not a list


def _count_reference(engine, quick):
    """One COUNT(*) over every membership period: the size of the work the providers start from."""
    from gonghui.members.models import Membership

    stats = measure(lambda _: Membership.objects.count(), [None], max_iterations=5 if quick else 20,
                    max_seconds=10.0, warmup=1)
    return latency_result("COUNT(*) of membership periods", GROUP, engine, stats, None,
                          note=f"{Membership.objects.count():,} membership periods")


def _refresh(engine, year, reference):
    from gonghui.reports.models.rollups import RollupTrigger
    from gonghui.reports.services.rollups import refresh_rollups

    started = time.perf_counter()
    run = refresh_rollups(year=year, trigger=RollupTrigger.COMMAND)
    ms = (time.perf_counter() - started) * 1000
    stats = {"n": 1, "p50": round(ms, 1), "p95": round(ms, 1), "mean": round(ms, 1), "max": round(ms, 1)}
    return latency_result(f"roll-up refresh of {year} (every metric, every org)", GROUP, engine, stats, reference,
                          note=f"{run.rows:,} rows written, status {run.status}")


def _annual(engine, district, year, reference, quick):
    try:
        from gonghui.reports.selectors.annual import build_annual_report
        from gonghui.reports.services.annual import report_bytes
    except ImportError as exc:
        return [skipped("annual report", GROUP, engine, f"not available yet: {exc}")]
    runs = 2 if quick else 5
    cases = [
        ("annual report of the district, built as the page shows it",
         lambda _: build_annual_report(org=district, year=year, links=True)),
        ("annual report of the district, built and written as xlsx",
         lambda _: report_bytes(build_annual_report(org=district, year=year), "xlsx")),
        ("annual report of the district, built and written as PDF",
         lambda _: report_bytes(build_annual_report(org=district, year=year), "pdf")),
    ]
    results = []
    for name, call in cases:
        with QueryCounter(connection) as ctx:
            call(None)
        stats = measure(call, [None], max_iterations=runs, max_seconds=60.0, warmup=1)
        results.append(latency_result(name, GROUP, engine, stats, reference,
                                      target_ms=ANNUAL_TARGET_MS if engine == "postgresql" else None,
                                      queries=ctx.count, note=f"{ctx.count} queries"))
    return results


def _first_visit(engine, user, url, reference, *, iterations, seconds):
    """The district's dashboard with the deadlines counted on the request (the cache emptied before
    each call): a user's first dashboard; the measurements above reuse the count, as clicking down
    from one dashboard to the next does (rules().due_cache_seconds)."""
    from django.core.cache import cache

    client = _client(user)

    def call(_):
        cache.clear()
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    with QueryCounter(connection) as ctx:
        call(None)
    stats = measure(call, [None], max_iterations=iterations, max_seconds=seconds)
    return latency_result("statistics dashboard of the district, district user, deadlines counted on the request",
                          GROUP, engine, stats, reference,
                          target_ms=DASHBOARD_TARGET_MS if engine == "postgresql" else None, queries=ctx.count,
                          note=f"{ctx.count} queries")


def run(engine, *, quick=False):
    from gonghui.reports.selectors import rollups

    iterations, seconds = (30, 4.0) if quick else (150, 10.0)
    district_user, town_user, town = _users()
    district = district_user.role_assignments.select_related("org").get().org
    year = timezone.localdate().year

    count_ref = _count_reference(engine, quick)
    results = [count_ref]
    results.append(_refresh(engine, year, ref(count_ref)))

    client = _client(district_user)
    health = measure(lambda _: client.get("/healthz"), [None], max_iterations=iterations * 2, max_seconds=seconds)
    health_result = latency_result("GET /healthz (bare view)", GROUP, engine, health, None,
                                   note=f"figures as of {rollups.last_run(year).finished_at:%Y-%m-%d %H:%M}")
    results.append(health_result)
    reference = ref(health_result)
    try:
        url = reverse("reports:dashboard")
    except NoReverseMatch:
        results.append(skipped("dashboard pages", GROUP, engine, "not available yet: reports:dashboard"))
        return results
    pages = [
        ("statistics dashboard of the district, district user", district_user, url),
        ("statistics dashboard of a town, district user", district_user, f"{url}?org={town.pk}"),
        ("statistics dashboard of a town, town user", town_user, url),
    ]
    for name, user, page_url in pages:
        _bench(results, engine, GROUP, name, _client(user), page_url, reference, target_ms=DASHBOARD_TARGET_MS,
               iterations=iterations, seconds=seconds)
    results.append(_first_visit(engine, district_user, url, reference, iterations=iterations, seconds=seconds))
    for label, user in (("district", district_user), ("town", town_user)):
        api = Client(HTTP_AUTHORIZATION=f"Bearer {_token(user)}", HTTP_ACCEPT_LANGUAGE="zh-hans")
        _bench(results, engine, GROUP, f"dashboard API, {label} user", api, "/api/v1/reports/dashboard", reference,
               target_ms=API_DASHBOARD_TARGET_MS, iterations=iterations, seconds=seconds)
    results.extend(_annual(engine, district, year, ref(count_ref), quick))
    return results

