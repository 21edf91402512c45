"""Welfare and assistance (DOMAIN.md §7), one module per area:

- `mutualaid`: 职工医疗互助保障: yearly plans, enrolment of members by their units, claims,
  review and the payout ledger (caps per person per year);
- `campaigns`: seasonal campaigns (春风行动, 高温慰问, 金秋助学, 平安返乡, ad-hoc) with budgets per
  org, eligibility, applications, review, approval, payments and goods;
- `hardship`: 困难职工 files (household, incomes, rigid costs, the calculator against the local
  低保 line, yearly review and exit) and the help records every area writes onto them.
"""

from .campaigns import *  # noqa: F403
from .hardship import *  # noqa: F403
from .mutualaid import *  # noqa: F403
