"""Daily jobs of this app (Celery beat, see CELERY_BEAT_SCHEDULE), one module per area."""

from .bodies import *  # noqa: F403
from .proposals import *  # noqa: F403
