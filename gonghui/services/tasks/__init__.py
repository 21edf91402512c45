"""Tasks of worker services, one module per area:
centres, facilities, benefits, venues, events."""

from . import benefits  # noqa: F401 — registers the scheduled tasks with Celery (autodiscovery imports this package only)
