"""Innovation at district scale (seed_demo: ~6,000 suggestions — 合理化建议 and the five smalls
(五小) — and 300 technical projects (技术攻关) with their teams and milestones) through Django's
test Client, signed in: the suggestion list page (first page, filtered by a status, searched),
the project list page, and the list endpoints of the API, as the district user and a town user.

Reference, measured in the same process: GET /healthz (a bare view through the same middleware),
as in bench/pages.py and bench/congress.py. A page that does not exist yet is reported as skipped
with the reason.
"""

from urllib.parse import urlencode

from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from . import congress
from .common import latency_result, measure, ref, skipped
from .pages import API_TARGET_MS, PAGE_TARGET_MS, _client, _token
from .search import _users

GROUP = "innovation"

# (label, URL name, query string, target)
PAGES = [
    ("suggestion list page, first page", "innovation:list", "", PAGE_TARGET_MS),
    ("suggestion list page, status adopted", "innovation:list", "status=ADOPTED", PAGE_TARGET_MS),
    ("suggestion list page, search 节能", "innovation:list", urlencode({"q": "节能"}), PAGE_TARGET_MS),
    ("technical project list page, first page", "innovation:project_list", "", PAGE_TARGET_MS),
]
ENDPOINTS = [
    ("suggestions API", "/api/v1/suggestions"),
    ("technical projects API", "/api/v1/tech-projects"),
]


def _bench(results, engine, label, client, url, reference, *, target_ms, iterations, seconds):
    """congress._bench, with this group's name on the results."""
    before = len(results)
    congress._bench(results, engine, label, client, url, reference, target_ms=target_ms,
                    iterations=iterations, seconds=seconds)
    for result in results[before:]:
        result["group"] = GROUP


def run(engine, *, quick=False):
    from gonghui.innovation.models import Suggestion, TechProject

    iterations, seconds = (30, 4.0) if quick else (150, 10.0)
    district, town_user, _town = _users()
    users = {"district": district, "town": town_user}
    suggestions, projects = Suggestion.objects.count(), TechProject.objects.count()

    client = _client(district)
    health = measure(lambda _: client.get("/healthz"), [None], max_iterations=iterations * 2, max_seconds=seconds)
    health_result = latency_result("GET /healthz (bare view)", GROUP, engine, health, None,
                                   note=f"{suggestions:,} suggestions, {projects:,} technical projects in the dataset")
    results = [health_result]
    reference = ref(health_result)
    if not suggestions:
        results.append(skipped("innovation pages", GROUP, engine,
                               "the dataset has no suggestions (regenerate: --regenerate)"))
        return results

    for name, url_name, query, target in PAGES:
        try:
            url = reverse(url_name) + (f"?{query}" if query else "")
        except NoReverseMatch:
            results.append(skipped(name, GROUP, engine, f"not available yet: {url_name} does not resolve"))
            continue
        for label, user in users.items():
            _bench(results, engine, f"{name}, {label} user", _client(user), url, reference,
                   target_ms=target, iterations=iterations, seconds=seconds)

    apis = {}
    for name, url in ENDPOINTS:
        try:
            resolve(url)
        except Resolver404:
            results.append(skipped(name, GROUP, engine, f"not available yet: {url} does not resolve"))
            continue
        for label, user in users.items():
            if label not in apis:
                apis[label] = Client(HTTP_AUTHORIZATION=f"Bearer {_token(user)}", HTTP_ACCEPT_LANGUAGE="zh-hans")
            _bench(results, engine, f"{name}, first page, {label} user", apis[label], url, reference,
                   target_ms=API_TARGET_MS, iterations=iterations, seconds=seconds)
    return results
