"""Training at district scale (seed_demo: worker schools and teachers, courses and sessions,
enrolments, attendance and certificates, 名师带徒 pairs, yearly targets) through Django's test
Client, signed in: each area's list page, the statistics page and the list endpoints of the API,
as the district user and a town user.

Reference, measured in the same process: GET /healthz, as in bench/competitions.py.
"""

from . import congress
from .competitions import dataset_counts
from .pages import PAGE_TARGET_MS

GROUP = "training"
APP = "training"
MODELS = ("WorkerSchool", "Teacher", "Course", "CourseSession", "Enrolment", "Attendance", "Certificate",
          "Mentorship")

PAGES = [
    ("courses list page, first page", "training:course_list", "", PAGE_TARGET_MS),
    ("enrolments list page, first page", "training:enrolment_list", "", PAGE_TARGET_MS),
    ("certificates list page, first page", "training:certificate_list", "", PAGE_TARGET_MS),
    ("master-apprentice pairs list page, first page", "training:mentoring_list", "", PAGE_TARGET_MS),
    ("worker schools list page", "training:school_list", "", PAGE_TARGET_MS),
    ("teachers list page, first page", "training:teacher_list", "", PAGE_TARGET_MS),
    ("training statistics page", "training:stats", "", PAGE_TARGET_MS),
    ("training overview page", "training:overview", "", PAGE_TARGET_MS),
]
ENDPOINTS = [
    ("courses API", "/api/v1/courses"),
    ("enrolments API", "/api/v1/enrolments"),
    ("certificates API", "/api/v1/certificates"),
    ("mentorships API", "/api/v1/mentorships"),
    ("teachers API", "/api/v1/teachers"),
]


def run(engine, *, quick=False):
    counts = dataset_counts(APP, MODELS)
    dataset = ", ".join(f"{n:,} {name}" for name, n in counts.items()) + " in the dataset"
    return congress.run_lists(
        engine, group=GROUP, pages=PAGES, endpoints=ENDPOINTS, quick=quick, dataset=dataset,
        empty="the dataset has no training records" if not any(counts.values()) else "")
