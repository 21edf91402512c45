"""Daily jobs of this app (Celery beat, see CELERY_BEAT_SCHEDULE), one module per area."""

from .committees import *  # noqa: F403
from .foundings import *  # noqa: F403
from .harmony import *  # noqa: F403
from .homes import *  # noqa: F403
from .liaison import *  # noqa: F403
