"""Training and worker schools (DOMAIN.md §6), one module per area:

- `schools`: worker schools (红山, 衙前, 临浦, 河上…) and the teacher pool;
- `courses`: courses of every programme (名师带徒, 技能大讲堂, 技师研修, skills, safety, legal
  rights…) by delivery mode (独立办学 / 委托办班 / 送教入企), and their sessions;
- `enrolment`: enrolment by unions (bulk) and by members, capacity and waiting list;
- `attendance`: attendance per session (list and QR check-in), completion, certificates;
- `mentoring`: 名师带徒 master–apprentice pairs, progress reports, final assessment;
- `stats`: yearly targets and the statistics against them.
"""

from .attendance import *  # noqa: F403
from .courses import *  # noqa: F403
from .enrolment import *  # noqa: F403
from .mentoring import *  # noqa: F403
from .schools import *  # noqa: F403
from .stats import *  # noqa: F403
