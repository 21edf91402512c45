"""Tasks of publicity and education, one module per area:
articles, activities, studies."""

from . import articles, studies  # noqa: F401 — registers the scheduled tasks with Celery (autodiscovery imports this package only)
