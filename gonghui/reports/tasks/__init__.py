"""Tasks of reports, one module per area: rollups, dashboard, annual."""

from . import rollups  # noqa: F401 — registers the scheduled tasks with Celery (autodiscovery imports this package only)
