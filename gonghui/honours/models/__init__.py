"""Honours (DOMAIN.md §5), one module per area:

- `awards`: award types and quotas, nomination → town review → district review → 公示 with
  objections → conferral, and every person's or team's honour record (`HonourRecord`);
- `modelworkers`: the model-worker registry (劳模): titles by level and year, care records,
  published profiles;
- `leaders`: skill leaders (职业技能带头人): yearly selection and the monthly special post
  allowance ledger;
- `rewards`: 高技能人才培训奖励: claims for certificates earned, review, payment ledger.
"""

from .awards import *  # noqa: F403
from .leaders import *  # noqa: F403
from .modelworkers import *  # noqa: F403
from .rewards import *  # noqa: F403
