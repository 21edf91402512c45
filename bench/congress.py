"""Workers' congresses at district scale (seed_demo: ~1,000 congress terms, ~40,000 delegates,
~3,000 sessions, ~2,800 proposals of 126 enterprises, ~9,000 厂务公开 disclosures) through
Django's test Client, signed in: the list pages (terms, sessions, proposals), the yearly
"held a congress" status page, the 厂务公开 list, the statistics page, and the list endpoints of
the API, as the district user and a town user.

Reference, measured in the same process: GET /healthz (a bare view through the same middleware),
as in bench/pages.py. A page that does not exist yet (its URL name does not resolve, or it
answers 404) is reported as skipped with the reason, so the benchmark runs before and after the
pages land.
"""

from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from .common import QueryCounter, latency_result, measure, ref, skipped
from .pages import API_TARGET_MS, DASHBOARD_TARGET_MS, PAGE_TARGET_MS, _client, _token
from .search import _users

GROUP = "congress"

# (label, URL name, query string, target): the statistics page is a dashboard (DESIGN.md: ≤ 300 ms).
PAGES = [
    ("congress term list page, first page", "congress:body_list", "", PAGE_TARGET_MS),
    ("session list page, first page", "congress:session_list", "", PAGE_TARGET_MS),
    ("proposal list page, first page", "congress:proposal_list", "", PAGE_TARGET_MS),
    ("proposal list page, reply overdue", "congress:proposal_list", "due=overdue", PAGE_TARGET_MS),
    ("proposal list page, search 夜班", "congress:proposal_list", urlencode({"q": "夜班"}), PAGE_TARGET_MS),
    ("'held a congress' status page, first page", "congress:status", "", PAGE_TARGET_MS),
    ("厂务公开 disclosure list page, first page", "congress:disclosure_list", "", PAGE_TARGET_MS),
    ("congress statistics page", "congress:stats", "", DASHBOARD_TARGET_MS),
]
ENDPOINTS = [
    ("congress terms API", "/api/v1/congresses"),
    ("congress sessions API", "/api/v1/congress-sessions"),
    ("proposals API", "/api/v1/proposals"),
]


def _unavailable(client, url, label, engine, group):
    """None when `url` answers 200, else a skipped result saying why."""
    try:
        resolve(url.split("?")[0])
    except Resolver404:
        return skipped(label, group, engine, f"not available yet: {url} does not resolve")
    response = client.get(url)
    if response.status_code == 404:
        return skipped(label, group, engine, f"not available yet: {url} answers 404")
    if response.status_code != 200:
        return skipped(label, group, engine, f"{url} answers {response.status_code}, not measured")
    return None


def _bench(results, engine, group, label, client, url, reference, *, target_ms, iterations, seconds):
    missing = _unavailable(client, url, label, engine, group)
    if missing:
        results.append(missing)
        return

    def call(_):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    with QueryCounter(connection) as ctx:
        call(None)
    stats = measure(call, [None], max_iterations=iterations, max_seconds=seconds)
    results.append(latency_result(label, group, engine, stats, reference,
                                  target_ms=target_ms if engine == "postgresql" else None,
                                  queries=ctx.count, note=f"{ctx.count} queries"))


def run(engine, *, quick=False):
    from gonghui.congress.models import CongressBody, Proposal

    bodies, proposals = CongressBody.objects.count(), Proposal.objects.count()
    return run_lists(engine, group=GROUP, pages=PAGES, endpoints=ENDPOINTS, quick=quick,
                     dataset=f"{bodies:,} congress terms, {proposals:,} proposals in the dataset",
                     empty="the dataset has no congress terms" if not bodies else "")


def run_lists(engine, *, group, pages, endpoints, dataset, empty, quick=False):
    """A module's list pages and list endpoints as the district and a town user, each against
    GET /healthz measured in the same run. `empty`: why there is nothing to measure, if so."""
    iterations, seconds = (30, 4.0) if quick else (150, 10.0)
    district, town_user, _town = _users()
    users = {"district": district, "town": town_user}

    client = _client(district)
    health = measure(lambda _: client.get("/healthz"), [None], max_iterations=iterations * 2, max_seconds=seconds)
    health_result = latency_result("GET /healthz (bare view)", group, engine, health, None, note=dataset)
    results = [health_result]
    reference = ref(health_result)
    if empty:
        results.append(skipped(f"{group} pages", group, engine, f"{empty} (regenerate: --regenerate)"))
        return results

    for name, url_name, query, target in pages:
        try:
            url = reverse(url_name) + (f"?{query}" if query else "")
        except NoReverseMatch:
            results.append(skipped(name, group, engine, f"not available yet: {url_name} does not resolve"))
            continue
        for label, user in users.items():
            _bench(results, engine, group, f"{name}, {label} user", _client(user), url, reference,
                   target_ms=target, iterations=iterations, seconds=seconds)

    # One token per user for the whole group: asking for one per endpoint trips the sign-in rate limit.
    tokens = {}
    for name, url in endpoints:
        try:
            resolve(url)
        except Resolver404:
            results.append(skipped(name, group, engine, f"not available yet: {url} does not resolve"))
            continue
        for label, user in users.items():
            if label not in tokens:
                tokens[label] = _token(user)
            api = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[label]}", HTTP_ACCEPT_LANGUAGE="zh-hans")
            _bench(results, engine, group, f"{name}, first page, {label} user", api, url, reference,
                   target_ms=API_TARGET_MS, iterations=iterations, seconds=seconds)
    return results
