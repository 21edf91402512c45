"""Every list page and every list endpoint, discovered rather than listed by hand.

Pages: every URL pattern without path arguments (walked from the root URLconf), minus the kinds
that are not pages to read (`SKIP_PREFIXES`, `SKIP_SEGMENTS`: exports, downloads, forms that
write, sign-out, the admin, the API); each is measured only when it answers 200 HTML to the user,
any other answer is reported as skipped with the status. Endpoints: every GET operation without
path parameters in the API's OpenAPI schema, with a Bearer token (required query parameters get
a plausible value from `QUERY_VALUES`, or the operation is skipped).

Each is measured as the `district` and the `town1` user against GET /healthz measured in the same
run. Targets (DESIGN.md): pages p95 ≤ 80 ms, endpoints ≤ 30 ms, dashboards and statistics
≤ 300 ms (classified by URL name: `DASHBOARD_WORDS`), the annual report ≤ 5 s. The budget per
measurement is small (30 calls or 2 s after 2 warm-ups) because there are some 400 of them; p95
of 30 calls lies between the two slowest, which is enough to flag a miss, not to rank close
figures.
"""

import datetime

from django.db import connection
from django.test import Client

from gonghui.core.testing.crawl import all_routes

from .common import QueryCounter, latency_result, measure, ref, skipped
from .pages import API_TARGET_MS, DASHBOARD_TARGET_MS, PAGE_TARGET_MS, _client, _token
from .search import _users

GROUP = "lists"
ANNUAL_REPORT_TARGET_MS = 5000  # DESIGN.md: the annual report ≤ 5 s
API_PREFIX = "/api/v1/"

# Whole URL subtrees that are not pages of the project to measure here, and why.
SKIP_PREFIXES = {
    "admin/": "Django admin (superusers only; not a project page)",
    "api/": "the API: measured from the OpenAPI schema below",
    "i18n/": "language switch (POST only)",
    "healthz": "the reference",
    "readyz": "the readiness probe (JSON, for the load balancer)",
    "bench/": "the load benchmark's reference (bench/urls.py)",
}
DOWNLOAD_SUFFIXES = (".xlsx", ".pdf", ".csv", ".zip")
# The last path segment of routes that are actions or forms rather than pages to read.
SKIP_SEGMENTS = {
    "export": "an export (a background job writing a file)",
    "logout": "signs the user out",
    "read-all": "an action that writes (marks messages read)",
    "refresh": "an action that writes (recomputes roll-ups)",
    "new": "a form that writes (its GET is an empty form, not a list)",
    "preview": "a step of a form that writes",
    "record": "a form that writes",
    "assign": "a form that writes",
    "run": "a form that writes (the allowance run)",
    "pay": "a form that writes (the reward payment)",
    "password": "a form that writes (password change)",
    "signup": "a form that writes (sign-up)",
    "setup": "a form that writes (OTP setup)",
    "verify": "a verification form, rate-limited per client (one card or certificate at a time)",
}
# Words in a URL name that make a page or an endpoint a dashboard or statistics (≤ 300 ms).
# Pages by URL name, endpoints by path (an operationId carries its module's name, e.g. api_stats).
DASHBOARD_WORDS = ("stats", "statistic", "dashboard", "totals", "summary")
DASHBOARD_NAMES = {"core:home"}
ANNUAL_NAMES = {"reports:annual", "/api/v1/reports/annual"}
QUERY_VALUES = {"year": lambda: str(datetime.date.today().year), "q": lambda: "公司"}


# --- discovery ------------------------------------------------------------------------------

def discover_routes():
    """(route, URL name) of every pattern without path arguments, in URLconf order: the URLconf
    walk of the security suites (core.testing.crawl.all_routes), each route once."""
    seen, unique = set(), []
    for route in all_routes():
        if route.has_args or route.route in seen:
            continue
        seen.add(route.route)
        unique.append((route.route, route.name or "?"))
    return unique


def skipped_prefix(route):
    return next((prefix for prefix in SKIP_PREFIXES if route.startswith(prefix)), "")


def skip_reason(route):
    """Why a route is not a page to measure, or "" when it is one."""
    prefix = skipped_prefix(route)
    if prefix:
        return SKIP_PREFIXES[prefix]
    if route.endswith(DOWNLOAD_SUFFIXES):
        return "a download (a file, not a page)"
    segments = [s for s in route.split("/") if s]
    last = segments[-1] if segments else ""
    return SKIP_SEGMENTS.get(last, "")


def list_operations():
    """(path, operationId, required query parameters) of every API GET without path parameters."""
    from gonghui.api import api

    schema = api.get_openapi_schema(path_prefix=API_PREFIX)
    operations = []
    for path, methods in schema["paths"].items():
        op = methods.get("get")
        if op is None or "{" in path:
            continue
        required = [p["name"] for p in op.get("parameters", []) if p.get("required") and p.get("in") == "query"]
        operations.append((path, op.get("operationId", path), required))
    return operations


def target_for(name):
    if name in ANNUAL_NAMES:
        return ANNUAL_REPORT_TARGET_MS, "annual report"
    if name in DASHBOARD_NAMES or any(word in name for word in DASHBOARD_WORDS):
        return DASHBOARD_TARGET_MS, "dashboard"
    return None, ""


# --- measuring ------------------------------------------------------------------------------

def _status_problem(response, *, html):
    if response.status_code != 200:
        where = f" → {response['Location']}" if response.has_header("Location") else ""
        return f"answers {response.status_code}{where}"
    kind = response.get("Content-Type", "")
    if html and not kind.startswith("text/html"):
        return f"answers {kind or 'no content type'}, not HTML"
    return ""


def _measure_one(client, url, *, html, budget):
    """(stats, queries) of GET url, or (None, why) when it does not answer 200 (HTML)."""
    problem = _status_problem(client.get(url), html=html)
    if problem:
        return None, problem

    def call(_):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code} during the measurement")

    try:
        with QueryCounter(connection) as ctx:
            call(None)
        return measure(call, [None], **budget), ctx.count
    except RuntimeError as exc:  # e.g. a rate limit that trips mid-way: reported, not fatal
        return None, str(exc)


def _record(results, engine, label, stats_or_none, detail, reference, *, target_ms, kind):
    if stats_or_none is None:
        results.append(skipped(label, GROUP, engine, detail))
        return
    note = f"{detail} queries" + (f", {kind}" if kind else "")
    result = latency_result(label, GROUP, engine, stats_or_none, reference,
                            target_ms=target_ms if engine == "postgresql" else None, queries=detail, note=note)
    result["kind"] = kind or "list"
    results.append(result)


def run(engine, *, quick=False):
    budget = {"max_iterations": 10, "max_seconds": 1.0, "warmup": 1} if quick else \
        {"max_iterations": 30, "max_seconds": 2.0, "warmup": 2}
    district, town_user, _town = _users()
    users = {"district": district, "town": town_user}
    clients = {label: _client(user) for label, user in users.items()}

    health = measure(lambda _: clients["district"].get("/healthz"), [None], max_iterations=200, max_seconds=5.0)
    health_result = latency_result("GET /healthz (bare view)", GROUP, engine, health, None)
    results = [health_result]
    reference = ref(health_result)

    subtrees = {}  # skipped URL subtrees: one line each, with how many routes
    for route, name in discover_routes():
        url = "/" + route
        prefix = skipped_prefix(route)
        if prefix:
            subtrees[prefix] = subtrees.get(prefix, 0) + 1
            continue
        why = skip_reason(route)
        if why:
            results.append({**skipped(f"page {url} ({name})", GROUP, engine, why), "kind": "skip-rule"})
            continue
        target, kind = target_for(name)
        for label, client in clients.items():
            stats, detail = _measure_one(client, url, html=True, budget=budget)
            _record(results, engine, f"page {url} ({name}), {label} user", stats, detail, reference,
                    target_ms=target or PAGE_TARGET_MS, kind=kind)

    for prefix, count in subtrees.items():
        results.append({**skipped(f"pages /{prefix}… ({count} routes)", GROUP, engine, SKIP_PREFIXES[prefix]),
                        "kind": "skip-rule"})

    api_clients = {label: Client(HTTP_AUTHORIZATION=f"Bearer {_token(user)}", HTTP_ACCEPT_LANGUAGE="zh-hans")
                   for label, user in users.items()}
    for path, _operation_id, required in list_operations():
        missing = [q for q in required if q not in QUERY_VALUES]
        if missing:
            results.append(skipped(f"API GET {path}", GROUP, engine,
                                   f"needs the query parameter {', '.join(missing)} (no plausible value)"))
            continue
        query = "&".join(f"{q}={QUERY_VALUES[q]()}" for q in required)
        url = path + (f"?{query}" if query else "")
        target, kind = target_for(path)
        for label, client in api_clients.items():
            stats, detail = _measure_one(client, url, html=False, budget=budget)
            _record(results, engine, f"API GET {url}, {label} user", stats, detail, reference,
                    target_ms=target or API_TARGET_MS, kind=kind)

    closing = measure(lambda _: clients["district"].get("/healthz"), [None], max_iterations=200, max_seconds=5.0)
    results.append(latency_result("GET /healthz again (drift check)", GROUP, engine, closing, reference))
    return results
