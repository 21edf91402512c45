"""Tasks of workers' voice, one module per area:
appeals, intake, surveys, stats."""

from . import appeals, surveys  # noqa: F401 — registers the scheduled tasks with Celery (autodiscovery imports this package only)
