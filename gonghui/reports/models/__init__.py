"""Models of reports, one module per area."""

from .annual import *  # noqa: F403
from .dashboard import *  # noqa: F403
from .rollups import *  # noqa: F403
