"""Test helpers of the `annual` area: a small registry of hand-made metrics with known values on
the test tree (`core.testing.factories.Tree`), for tests of the report's layout, files, pages and
API that should not depend on the domain metrics; the domain figures are checked cell by cell in
`tests/test_annual_reconciliation.py`.

    with known_figures(tree) as known:
        report = build_annual_report(org=tree.district, year=known.year)
"""

import contextlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse

from .. import metrics
from .rollups import fixed_provider, only_metrics, refresh

YEAR = 2025


def drill_members(org, year):
    return f"{reverse('members:list')}?org={org.pk}&year={year}"


COUNT = metrics.Metric(code="k.unions", label="基层工会数", section="organisation", help="在册的基层工会")
PEOPLE = metrics.Metric(code="k.members", label="会员数", section="members", unit="people", drill=drill_members,
                        help="年末在册会员")
BASE = metrics.Metric(code="k.headcount", label="职工数", section="organisation", unit="people")
MONEY = metrics.Metric(code="k.spend", label="慰问金额", section="welfare", unit="yuan", drill=drill_members)
SCORE = metrics.Metric(code="k.score", label="评分合计", section="voice", unit="score", shown=False)
RATED = metrics.Metric(code="k.rated", label="评价数", section="voice")
RATE = metrics.Ratio(code="k.rate", label="入会率", section="members", numerator="k.members",
                     denominator="k.headcount")
AVERAGE = metrics.Ratio(code="k.average", label="平均评分", section="voice", numerator="k.score",
                        denominator="k.rated", percent=False, decimals=2)
METRICS = [COUNT, BASE, PEOPLE, MONEY, SCORE, RATED]
RATIOS = [RATE, AVERAGE]


@dataclass
class Known:
    """The hand-made values: (org attribute of the tree, code, value); `year` they were rolled up for."""

    tree: object
    year: int = YEAR
    values: list = field(default_factory=list)

    def held(self, org_name, code):
        return sum((Decimal(v) for name, c, v in self.values if name == org_name and c == code), Decimal(0))


# Where each value is held. The district holds a little itself (本级), town2 too; union1 has a group.
VALUES = [
    ("district", "k.spend", "100.50"),
    ("town1", "k.unions", 0), ("union1", "k.unions", 1), ("union1b", "k.unions", 1), ("union2", "k.unions", 1),
    ("union1", "k.headcount", 300), ("union1b", "k.headcount", 100), ("union2", "k.headcount", 80),
    ("union1", "k.members", 240), ("union1b", "k.members", 60), ("union2", "k.members", 80),
    ("group", "k.members", 20),
    ("union1", "k.spend", "1000.25"), ("union2", "k.spend", "500"), ("town2", "k.spend", "50"),
    ("union1", "k.score", 9), ("union1", "k.rated", 2), ("town2", "k.score", 4), ("town2", "k.rated", 1),
]


@contextlib.contextmanager
def known_figures(tree, *, year=YEAR, group=None, extra=()):
    """Within the block the registry holds the hand-made metrics and the year is rolled up.
    `group`: a union group under union1 (its value is held there); `extra`: more
    (org, code, value[, industry]) tuples with real orgs."""
    places = {name: getattr(tree, name) for name in ("district", "town1", "town2", "union1", "union1b", "union2")}
    if group is not None:
        places["group"] = group
    values = [(places[name].pk, code, value) for name, code, value in VALUES if name in places]
    values += [(org.pk, code, value, *rest) for org, code, value, *rest in extra]
    with only_metrics(METRICS, fixed_provider(values), ratios=RATIOS):
        refresh(year)
        yield Known(tree=tree, year=year, values=[v for v in VALUES if v[0] in places])
