"""Scheduled jobs (Celery beat, see CELERY_BEAT_SCHEDULE) of honours and model workers, one module per area:
awards, modelworkers, leaders, rewards."""
from .awards import *  # noqa: F403
from .leaders import *  # noqa: F403
from .modelworkers import *  # noqa: F403
from .rewards import *  # noqa: F403
