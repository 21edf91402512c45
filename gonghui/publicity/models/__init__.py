"""Publicity and education (DOMAIN.md §8), one module per area:

- `articles`: news, notices, policy, advanced-model stories and 劳模/工匠 profiles — sanitised
  rich text, images, publish scope, scheduled publishing, read counts, the member's news pages;
- `activities`: theme activities (中国梦·劳动美, 五进五送) logged by unions, with photos;
- `studies`: cadre study sessions with attendance and materials.
"""

from .activities import *  # noqa: F403
from .articles import *  # noqa: F403
from .studies import *  # noqa: F403
