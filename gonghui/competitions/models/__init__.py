"""Competitions and skills (DOMAIN.md §5), one module per area:

- `labour`: labour competitions (五比五赛): teams, weighted criteria, scoring rounds by named
  judges, evidence, the leaderboard, 立功 awards;
- `activities`: 岗位成才/建功/练兵 activities, recorded with their participants;
- `contests`: skills contests (技能比武): trades, eligibility, registration, exam numbers, theory
  and practical scores, ranking, results, certificates.
"""

from .activities import *  # noqa: F403
from .contests import *  # noqa: F403
from .labour import *  # noqa: F403
