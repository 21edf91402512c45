"""Tasks of training and worker schools, one module per area:
schools, courses, enrolment, attendance, mentoring, stats."""

from . import mentoring  # noqa: F401 — registers the scheduled tasks with Celery (autodiscovery imports this package only)
