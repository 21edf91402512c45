"""Grassroots building (DOMAIN.md §4), one module per area:

- `foundings`: forming a union (组建) and the enterprises still without one (未建会企业);
- `elections`: union committees, their terms and committee elections (换届选举);
- `liaison`: cadres' liaison points at enterprises (联系基层工作点), visits and follow-ups;
- `homes`: 职工之家 standards and assessments;
- `harmony`: harmonious-labour-relations creation (和谐劳动关系) self-assessments and ratings.
"""

from .elections import *  # noqa: F403
from .foundings import *  # noqa: F403
from .harmony import *  # noqa: F403
from .homes import *  # noqa: F403
from .liaison import *  # noqa: F403
