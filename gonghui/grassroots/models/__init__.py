"""Grassroots building (DOMAIN.md §4), one module per area:

- `foundings`: forming a union (组建) and the enterprises still without one (未建会企业);
- `committees`: each union's committee, term by term, and when its term expires;
- `elections`: committee elections (换届选举) from plan to approved result;
- `liaison`: cadres' liaison points at enterprises (联系基层工作点), visits and follow-ups;
- `homes`: 职工之家 standards and assessments;
- `harmony`: harmonious-labour-relations creation (和谐劳动关系) self-assessments and ratings.
"""

from .committees import *  # noqa: F403
from .elections import *  # noqa: F403
from .foundings import *  # noqa: F403
from .harmony import *  # noqa: F403
from .homes import *  # noqa: F403
from .liaison import *  # noqa: F403
