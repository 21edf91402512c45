"""Collective wage negotiation at district scale (~3,300 agreements from seed_demo) through
Django's test Client, signed in: the agreement list, the due page, the statistics page and the
list API, as the district user and a town user.

Reference, measured in the same process: GET /healthz (a bare view through the same middleware),
as in bench/pages.py. A page that does not exist yet (its URL does not resolve or answers 404)
is reported as skipped with the reason, so the benchmark runs before and after the pages land.
"""

from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from .common import QueryCounter, latency_result, measure, ref, skipped
from .pages import API_TARGET_MS, DASHBOARD_TARGET_MS, PAGE_TARGET_MS, _client, _token
from .search import _users

GROUP = "bargaining"


def _url(name, fallback):
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def _available(client, url, label, engine):
    """None when `url` answers 200, else a skipped result saying why."""
    try:
        resolve(url.split("?")[0])
    except Resolver404:
        return skipped(label, GROUP, engine, f"not available yet: {url} does not resolve")
    response = client.get(url)
    if response.status_code == 404:
        return skipped(label, GROUP, engine, f"not available yet: {url} answers 404")
    if response.status_code != 200:
        return skipped(label, GROUP, engine, f"{url} answers {response.status_code}, not measured")
    return None


def _bench(results, engine, label, client, url, reference, *, target_ms, iterations, seconds, params=None):
    missing = _available(client, url, label, engine)
    if missing:
        results.append(missing)
        return
    params = params or [{}]

    def call(data):
        response = client.get(url, data)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    with QueryCounter(connection) as ctx:
        call(params[0])
    stats = measure(call, params, max_iterations=iterations, max_seconds=seconds)
    results.append(latency_result(label, GROUP, engine, stats, reference,
                                  target_ms=target_ms if engine == "postgresql" else None,
                                  queries=ctx.count, note=f"{ctx.count} queries"))


def run(engine, *, quick=False):
    from gonghui.bargaining.models import WageAgreement

    iterations, seconds = (30, 4.0) if quick else (150, 10.0)
    district, town_user, _town = _users()
    users = {"district": district, "town": town_user}
    agreements = WageAgreement.objects.count()

    client = _client(district)
    health = measure(lambda _: client.get("/healthz"), [None], max_iterations=iterations * 2, max_seconds=seconds)
    health_result = latency_result("GET /healthz (bare view)", GROUP, engine, health, None,
                                   note=f"{agreements:,} wage agreements in the dataset")
    results = [health_result]
    reference = ref(health_result)
    if not agreements:
        results.append(skipped("wage negotiation pages", GROUP, engine,
                               "the dataset has no wage agreements (regenerate: --regenerate)"))
        return results

    pages = [
        ("agreement list page, first page", _url("bargaining:list", "/bargaining/"), PAGE_TARGET_MS),
        ("due page", _url("bargaining:due", "/bargaining/due/"), PAGE_TARGET_MS),
        ("statistics page", _url("bargaining:stats", "/bargaining/stats/"), DASHBOARD_TARGET_MS),
    ]
    for name, url, target in pages:
        for label, user in users.items():
            _bench(results, engine, f"{name}, {label} user", _client(user), url, reference, target_ms=target,
                   iterations=iterations, seconds=seconds)

    api_url = "/api/v1/wage-agreements"
    for label, user in users.items():
        try:
            resolve(api_url)
        except Resolver404:
            results.append(skipped(f"wage agreements API, first page, {label} user", GROUP, engine,
                                   f"not available yet: {api_url} does not resolve"))
            continue
        c = Client(HTTP_AUTHORIZATION=f"Bearer {_token(user)}", HTTP_ACCEPT_LANGUAGE="zh-hans")
        _bench(results, engine, f"wage agreements API, first page, {label} user", c, api_url, reference,
               target_ms=API_TARGET_MS, iterations=iterations, seconds=seconds)
    return results
