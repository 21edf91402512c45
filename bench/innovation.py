"""Innovation at district scale (seed_demo: ~6,000 suggestions — 合理化建议 and the five smalls
(五小) — and 300 technical projects (技术攻关) with their teams and milestones) through Django's
test Client, signed in: the suggestion list page (first page, filtered by a status, searched),
the project list page, and the list endpoints of the API, as the district user and a town user.

Reference, measured in the same process: GET /healthz (a bare view through the same middleware),
as in bench/pages.py and bench/congress.py. A page that does not exist yet is reported as skipped
with the reason.
"""

from urllib.parse import urlencode

from . import congress
from .pages import PAGE_TARGET_MS

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


def run(engine, *, quick=False):
    from gonghui.innovation.models import Suggestion, TechProject

    suggestions, projects = Suggestion.objects.count(), TechProject.objects.count()
    return congress.run_lists(
        engine, group=GROUP, pages=PAGES, endpoints=ENDPOINTS, quick=quick,
        dataset=f"{suggestions:,} suggestions, {projects:,} technical projects in the dataset",
        empty="the dataset has no suggestions" if not suggestions else "")
