"""The workers' voice at district scale (seed_demo: appeals with their history, surveys with
questions and responses) through Django's test Client, signed in: each list page, the statistics
page and the list endpoints of the API, as the district user and a town user.

Reference, measured in the same process: GET /healthz, as in bench/competitions.py.
"""

from . import congress
from .competitions import dataset_counts
from .pages import DASHBOARD_TARGET_MS, PAGE_TARGET_MS

GROUP = "voice"
APP = "voice"
MODELS = ("Appeal", "AppealEvent", "Survey", "SurveyResponse")

PAGES = [
    ("appeals list page, first page", "voice:appeal_list", "", PAGE_TARGET_MS),
    ("appeals list page, overdue", "voice:appeal_list", "overdue=1", PAGE_TARGET_MS),
    ("surveys list page", "voice:survey_list", "", PAGE_TARGET_MS),
    # A dashboard: DESIGN.md's target for dashboards is 300 ms (cached figures answer in less).
    ("appeal statistics page, this year", "voice:appeal_stats", "", DASHBOARD_TARGET_MS),
    ("voice overview page", "voice:overview", "", PAGE_TARGET_MS),
]
ENDPOINTS = [
    ("appeals API", "/api/v1/appeals"),
    ("surveys API", "/api/v1/surveys"),
]


def run(engine, *, quick=False):
    counts = dataset_counts(APP, MODELS)
    dataset = ", ".join(f"{n:,} {name}" for name, n in counts.items()) + " in the dataset"
    return congress.run_lists(
        engine, group=GROUP, pages=PAGES, endpoints=ENDPOINTS, quick=quick, dataset=dataset,
        empty="the dataset has no appeals or surveys" if not any(counts.values()) else "")
