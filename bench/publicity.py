"""Publicity and education at district scale (seed_demo: articles with their read counts, theme
activities, cadre study sessions with attendance) through Django's test Client, signed in: each
list page and the list endpoints of the API, as the district user and a town user.

Reference, measured in the same process: GET /healthz, as in bench/competitions.py.
"""

from . import congress
from .competitions import dataset_counts
from .pages import PAGE_TARGET_MS

GROUP = "publicity"
APP = "publicity"
MODELS = ("Article", "ThemeActivity", "StudySession")

PAGES = [
    ("articles list page, first page", "publicity:article_list", "", PAGE_TARGET_MS),
    ("theme activities list page, first page", "publicity:activity_list", "", PAGE_TARGET_MS),
    ("study sessions list page, first page", "publicity:study_list", "", PAGE_TARGET_MS),
    ("publicity overview page", "publicity:overview", "", PAGE_TARGET_MS),
]
ENDPOINTS = [
    ("articles API", "/api/v1/articles"),
    ("theme activities API", "/api/v1/theme-activities"),
    ("study sessions API", "/api/v1/study-sessions"),
]


def run(engine, *, quick=False):
    counts = dataset_counts(APP, MODELS)
    dataset = ", ".join(f"{n:,} {name}" for name, n in counts.items()) + " in the dataset"
    return congress.run_lists(
        engine, group=GROUP, pages=PAGES, endpoints=ENDPOINTS, quick=quick, dataset=dataset,
        empty="the dataset has no publicity records" if not any(counts.values()) else "")
