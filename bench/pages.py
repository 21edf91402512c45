"""The member list page and the member list API through Django's test Client, signed in.

The full stack runs (middleware, sessions, CSP, templates or ninja schemas); only the network
is missing. References, measured in the same process: GET /healthz (a bare view through the
same middleware) for both. A URL that does not resolve yet is reported as skipped.
"""

import json

from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from .common import QueryCounter, latency_result, measure, ref, skipped
from .search import _sample_memberships, _users

PAGE_TARGET_MS = 80  # DESIGN.md: every list page p95 ≤ 80 ms on PostgreSQL
DASHBOARD_TARGET_MS = 300  # dashboards ≤ 300 ms at district scale (roll-ups refreshed by jobs)
API_TARGET_MS = 30  # every list endpoint p95 ≤ 30 ms


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _token(user):
    """A Bearer token from POST /api/v1/auth/token with the demo password. The user's earlier
    bench tokens are deleted first: every run mints one, and on the cached dataset the demo users
    would soon hold the most live tokens a user may (`token_limit`)."""
    from gonghui.accounts.models import ApiToken
    from gonghui.core.demo.accounts import DEMO_PASSWORD

    ApiToken.objects.filter(user=user).delete()

    response = Client().post("/api/v1/auth/token", json.dumps({"username": user.username, "password": DEMO_PASSWORD}),
                             content_type="application/json")
    if response.status_code != 200:
        raise RuntimeError(f"/api/v1/auth/token answered {response.status_code}: {response.content[:200]!r}")
    return response.json()["token"]


def _check(response, url):
    if response.status_code >= 400:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response


def run(engine, *, quick=False):
    import random

    from gonghui.members.models import LIVE_STATUSES, Membership

    iterations, seconds = (30, 4.0) if quick else (150, 10.0)
    district, town_user, town = _users()
    rng = random.Random(7)
    live = Membership.objects.filter(status__in=LIVE_STATUSES)
    samples = {
        "district": _sample_memberships(rng, live, 20),
        "town": _sample_memberships(rng, live.filter(union__path__startswith=town.path), 20),
    }
    users = {"district": district, "town": town_user}

    client = _client(district)
    health = measure(lambda _: _check(client.get("/healthz"), "/healthz"), [None], max_iterations=iterations * 2,
                     max_seconds=seconds)
    health_result = latency_result("GET /healthz (bare view)", "pages", engine, health, None)
    results = [health_result]
    reference = ref(health_result)

    results += _dashboards(engine, users, reference, iterations=iterations, seconds=seconds)

    # --- the member list page ---------------------------------------------------------------
    try:
        list_url = reverse("members:list")
    except NoReverseMatch:
        results.append(skipped("member list page", "pages", engine,
                               "not available yet: members:list does not resolve"))
    else:
        for label, user in users.items():
            c = _client(user)
            people = [m.person for m in samples[label]]
            cases = [
                ("first page", "get", [{}]),
                ("name search", "get", [{"q": p.name[:1]} for p in people]),
                ("initials search", "get", [{"q": p.name_initials[:3]} for p in people]),
                ("ID search (POST)", "post", [{"q": p.id_number()} for p in people]),
            ]
            for case, method, params in cases:
                def call(data, c=c, method=method):
                    return _check(getattr(c, method)(list_url, data), list_url)

                with QueryCounter(connection) as ctx:
                    call(params[0])
                stats = measure(call, params, max_iterations=iterations, max_seconds=seconds)
                results.append(latency_result(
                    f"member list page, {case}, {label} user", "pages", engine, stats, reference,
                    target_ms=PAGE_TARGET_MS if engine == "postgresql" else None,
                    queries=ctx.count, note=f"{ctx.count} queries"))

    # --- the member list API ----------------------------------------------------------------
    try:
        resolve("/api/v1/members")
    except Resolver404:
        results.append(skipped("member list API", "pages", engine,
                               "not available yet: /api/v1/members does not resolve"))
        return results
    for label, user in users.items():
        c = Client(HTTP_AUTHORIZATION=f"Bearer {_token(user)}", HTTP_ACCEPT_LANGUAGE="zh-hans")
        people = [m.person for m in samples[label]]
        cases = [
            ("first page", "get", "/api/v1/members", [{}]),
            ("name search", "get", "/api/v1/members", [{"q": p.name[:1]} for p in people]),
            ("ID search (POST /members/search)", "post", "/api/v1/members/search",
             [{"q": p.id_number()} for p in people]),
        ]
        for case, method, url, params in cases:
            try:
                resolve(url)
            except Resolver404:
                results.append(skipped(f"member API {case}", "pages", engine, f"not available yet: {url}"))
                continue

            def call(data, c=c, method=method, url=url):
                if method == "get":
                    return _check(c.get(url, data), url)
                return _check(c.post(url, json.dumps(data), content_type="application/json"), url)

            with QueryCounter(connection) as ctx:
                call(params[0])
            stats = measure(call, params, max_iterations=iterations, max_seconds=seconds)
            results.append(latency_result(
                f"member API {case}, {label} user", "pages", engine, stats, reference,
                target_ms=API_TARGET_MS if engine == "postgresql" else None,
                queries=ctx.count, note=f"{ctx.count} queries"))
    return results


def _dashboards(engine, users, reference, *, iterations, seconds):
    """The home dashboard: with the figures the scheduled job keeps in the cache (what cadres
    get), and counted on the request with an empty cache (the first visit if the job is not
    running)."""
    from django.core.cache import cache

    from gonghui.members.figures import refresh_upper_levels

    results = []
    url = reverse("core:home")
    for label, user in users.items():
        c = _client(user)
        for case, cold, runs in (("figures from the job's cache", False, iterations),
                                 ("figures counted on the request", True, 10)):
            prepare = cache.clear if cold else refresh_upper_levels
            prepare()

            def call(_, c=c, cold=cold):
                if cold:
                    cache.clear()
                return _check(c.get(url), url)

            with QueryCounter(connection) as ctx:
                call(None)
            prepare()
            stats = measure(call, [None], max_iterations=runs, max_seconds=seconds)
            results.append(latency_result(
                f"dashboard, {case}, {label} user", "pages", engine, stats, reference,
                # DESIGN's target assumes roll-ups refreshed by jobs: it applies to the cached path.
                target_ms=DASHBOARD_TARGET_MS if engine == "postgresql" and not cold else None,
                queries=ctx.count, note=f"{ctx.count} queries"))
    return results
