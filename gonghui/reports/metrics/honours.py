"""Metrics of honours, the model-worker registry, skill leaders' allowance and skill rewards
(DOMAIN.md §5).

Definitions (docs/reports-metrics.md has the table):
- an *honour conferred* in year Y is a `HonourRecord` (the one registry every honour ends in:
  awards after 公示, contest results, competition 立功, model-worker and skill-leader titles,
  honours entered by hand) with `conferred_on` in Y, held by the union it was conferred in
  (`org`); the group "honours.category" splits it by `category`. (The record list filters by
  the honour's own year, which differs from the conferral year only for an honour recorded for
  another year, e.g. a 2024 award conferred in January 2025.)
- a *model worker on the register* at as_of: a registry entry (`ModelWorker`) holding a title
  conferred on or before as_of (an entry without any title row counts from its `year`), held by
  the union looking after them now;
- *allowance paid* in Y: the skill leaders' special post allowance of the months of Y
  (`LeaderAllowance.year`, the month paid for), in yuan, held by the leader's union at payment;
  *allowance people*: the leaders paid at least one month of Y (once per union);
- *skill rewards paid* in Y: 高技能人才培训奖励 claims PAID with `paid_on` in Y, in yuan and in
  claims, held by the claiming union.
"""

import datetime
from collections import Counter

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gonghui.honours.models import (
    HonourCategory,
    HonourRecord,
    LeaderAllowance,
    ModelWorker,
    ModelWorkerTitle,
    RewardClaimStatus,
    SkillRewardClaim,
)

from . import Metric, register
from . import drill_list as _drill
from . import grouped_rows as _rows

SECTION = "honours"
CATEGORY_GROUP = "honours.category"


def _category_metric(code, label):
    return Metric(code=f"honours.awards.{code}", label=format_lazy(_("Honours: {category}"), category=label),
                  section=SECTION, group=CATEGORY_GROUP, drill=_drill("honours:record_list", category=code),
                  help=format_lazy(_("Honours of the category “{category}” conferred in the year."), category=label))


METRICS = [
    Metric(code="honours.awards", label=_("Honours conferred"), section=SECTION,
           drill=_drill("honours:record_list"),
           help=_("Honour records (awards, contest results, competition recognition, model-worker and skill-leader "
                  "titles, other honours) conferred in the year, at the union they were conferred in.")),
    *[_category_metric(code, label) for code, label in HonourCategory.choices],
    Metric(code="honours.model_workers", label=_("Model workers on the register"), section=SECTION, unit="people",
           drill=_drill("honours:modelworker_list", year=False),
           help=_("Model workers holding a title conferred on or before the end of the year (or today), "
                  "at the union looking after them.")),
    Metric(code="honours.allowance_paid", label=_("Skill leaders' allowance paid"), section=SECTION, unit="yuan",
           drill=_drill("honours:allowance_list"),
           help=_("Special post allowance of skill leaders for the months of the year, in yuan, at the leader's "
                  "union.")),
    Metric(code="honours.allowance_people", label=_("Skill leaders paid"), section=SECTION, unit="people",
           drill=_drill("honours:allowance_list"),
           help=_("Skill leaders paid the allowance for at least one month of the year.")),
    Metric(code="honours.rewards_paid", label=_("Skill rewards paid"), section=SECTION, unit="yuan",
           drill=_drill("honours:reward_list", status=RewardClaimStatus.PAID),
           help=_("High-skill training rewards paid in the year, in yuan, at the claiming union.")),
    Metric(code="honours.rewards", label=_("Skill reward claims paid"), section=SECTION,
           drill=_drill("honours:reward_list", status=RewardClaimStatus.PAID),
           help=_("High-skill training reward claims paid in the year.")),
]


def on_register(as_of):
    """Registry entries holding a title conferred on or before `as_of`."""
    titles = ModelWorkerTitle.objects.filter(worker=OuterRef("pk"))
    return ModelWorker.objects.filter(Exists(titles.filter(conferred_on__lte=as_of))
                                      | Q(year__lte=as_of.year) & ~Exists(titles))


def _honours(first, until):
    rows = (HonourRecord.objects.filter(conferred_on__gte=first, conferred_on__lte=until).order_by()
            .values_list("org_id", "category").annotate(n=Count("pk")))
    totals = Counter()
    for org_id, category, n in rows:
        totals[org_id] += n
        yield org_id, f"honours.awards.{category}", n
    for org_id, n in totals.items():
        yield org_id, "honours.awards", n


def provide(year: int, as_of: datetime.date):
    first, until = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of)
    yield from _honours(first, until)
    yield from _rows(on_register(as_of), "org_id", "honours.model_workers", Count("pk"))
    allowances = LeaderAllowance.objects.filter(year=year, month__lte=until)
    yield from _rows(allowances, "org_id", "honours.allowance_paid", Sum("amount"))
    yield from _rows(allowances, "org_id", "honours.allowance_people", Count("leader_id", distinct=True))
    rewards = SkillRewardClaim.objects.filter(status=RewardClaimStatus.PAID, paid_on__gte=first, paid_on__lte=until)
    yield from _rows(rewards, "org_id", "honours.rewards_paid", Sum("amount"))
    yield from _rows(rewards, "org_id", "honours.rewards", Count("pk"))


register(METRICS, provide)
