"""Workers' voice (晴雨表, DOMAIN.md §8), one module per area:

- `appeals`: 诉求 handling — routing, dispatch, transfer up or down, the clock in working days,
  internal notes and replies, escalation when overdue, closing with a result;
- `intake`: how appeals arrive and what the worker sees — the member's phone pages, the public
  form and API (anonymous where allowed, rate-limited, idempotent), staff entry of a call or
  visit, following an appeal, satisfaction rating, one re-open, withdrawal;
- `surveys`: 晴雨表 surveys — building, targeting, collecting on phones, results as charts;
- `stats`: appeal statistics by category, town and org; top issues; survey participation.
"""

from .appeals import *  # noqa: F403
from .intake import *  # noqa: F403
from .stats import *  # noqa: F403
from .surveys import *  # noqa: F403
