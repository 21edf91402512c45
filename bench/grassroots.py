"""Grassroots building at district scale (seed_demo: committees of every union, elections,
union-founding applications, the enterprises still without a union, liaison visits, 职工之家
assessments and 和谐劳动关系 self-assessments) through Django's test Client, signed in: each
area's list page (first page, and the lists cadres filter most) and the list endpoints of the
API, as the district user and a town user.

Reference, measured in the same process: GET /healthz (a bare view through the same middleware),
as in bench/pages.py and bench/congress.py. A page that does not exist is reported as skipped with
the reason.
"""

from . import congress
from .pages import PAGE_TARGET_MS

GROUP = "grassroots"

# (label, URL name, query string, target)
PAGES = [
    ("founding applications list page, first page", "grassroots:founding_list", "", PAGE_TARGET_MS),
    ("enterprises without a union, first page", "grassroots:unorganised_list", "", PAGE_TARGET_MS),
    ("committees list page, first page", "grassroots:committee_list", "", PAGE_TARGET_MS),
    ("committees list page, expired terms", "grassroots:committee_list", "expiry=EXPIRED", PAGE_TARGET_MS),
    ("elections list page, first page", "grassroots:election_list", "", PAGE_TARGET_MS),
    ("liaison visits list page, first page", "grassroots:liaison_visit_list", "", PAGE_TARGET_MS),
    ("liaison coverage report, this quarter", "grassroots:liaison_coverage", "", PAGE_TARGET_MS),
    ("workers' home assessments list page, first page", "grassroots:home_list", "", PAGE_TARGET_MS),
    ("harmony self-assessments list page, first page", "grassroots:harmony_list", "", PAGE_TARGET_MS),
]
ENDPOINTS = [
    ("foundings API", "/api/v1/foundings"),
    ("committees API", "/api/v1/committees"),
    ("elections API", "/api/v1/elections"),
    ("liaison visits API", "/api/v1/liaison-visits"),
    ("home assessments API", "/api/v1/home-assessments"),
    ("harmony assessments API", "/api/v1/harmony-assessments"),
]


def run(engine, *, quick=False):
    from django.apps import apps

    counts = {name: apps.get_model("grassroots", name).objects.count()
              for name in ("Committee", "Election", "FoundingApplication", "LiaisonVisit", "HomeAssessment",
                           "HarmonyAssessment") if _has_model(name)}
    dataset = ", ".join(f"{n:,} {name}" for name, n in counts.items()) + " in the dataset"
    return congress.run_lists(
        engine, group=GROUP, pages=PAGES, endpoints=ENDPOINTS, quick=quick, dataset=dataset,
        empty="the dataset has no grassroots records" if not any(counts.values()) else "")


def _has_model(name):
    from django.apps import apps

    try:
        apps.get_model("grassroots", name)
    except LookupError:
        return False
    return True
