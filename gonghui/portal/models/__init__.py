"""Models of portal, one module per area."""

from .auth import *  # noqa: F403
from .home import *  # noqa: F403
from .joins import *  # noqa: F403
