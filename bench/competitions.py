"""Competitions and skills at district scale (seed_demo: labour competitions (五比五赛) with their
teams and scoring rounds, on-the-job activities, skills contests (技能比武) with their entries)
through Django's test Client, signed in: each area's list page and the list endpoints of the API,
as the district user and a town user.

Reference, measured in the same process: GET /healthz (a bare view through the same middleware),
as in bench/pages.py and bench/grassroots.py.
"""

from . import congress
from .pages import PAGE_TARGET_MS

GROUP = "competitions"
APP = "competitions"
MODELS = ("LabourCompetition", "CompetitionTeam", "JobActivity", "SkillContest", "ContestEntry")

# (label, URL name, query string, target)
PAGES = [
    ("labour competitions list page, first page", "competitions:competition_list", "", PAGE_TARGET_MS),
    ("on-the-job activities list page, first page", "competitions:activity_list", "", PAGE_TARGET_MS),
    ("skills contests list page, first page", "competitions:contest_list", "", PAGE_TARGET_MS),
    ("competitions overview page", "competitions:overview", "", PAGE_TARGET_MS),
]
ENDPOINTS = [
    ("competitions API", "/api/v1/competitions"),
    ("competition activities API", "/api/v1/competition-activities"),
    ("skill contests API", "/api/v1/skill-contests"),
]


def dataset_counts(app, names):
    from django.apps import apps

    return {name: apps.get_model(app, name).objects.count() for name in names}


def run(engine, *, quick=False):
    counts = dataset_counts(APP, MODELS)
    dataset = ", ".join(f"{n:,} {name}" for name, n in counts.items()) + " in the dataset"
    return congress.run_lists(
        engine, group=GROUP, pages=PAGES, endpoints=ENDPOINTS, quick=quick, dataset=dataset,
        empty="the dataset has no competition records" if not any(counts.values()) else "")
