"""Tasks of portal, one module per area: auth, joins, home."""

from . import auth  # noqa: F401 — registers the scheduled tasks with Celery (autodiscovery imports this package only)
