"""Scheduled jobs (Celery beat, see CELERY_BEAT_SCHEDULE) of competitions and skills, one module per area:
labour, activities, contests."""
from .activities import *  # noqa: F403
from .contests import *  # noqa: F403
from .labour import *  # noqa: F403
