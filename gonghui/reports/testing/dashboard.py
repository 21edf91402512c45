"""Test helpers of the `dashboard` area: a registry of a few metrics under the contract's codes with
known values on a `core.testing.factories.Tree`, so the dashboard tests are about the dashboard
(which figures, where, for whom), not about how a domain counts.

Known figures of YEAR (held by, then summed up the tree by the roll-up engine):

    org        live  migrants  headcount  agreements  GOLDEN  SPRING  appeals recv/closed/on time  sat sum/count
    district      .         .          .           .       .       .       1 / 0 / 0                    .
    town1         .         .          .           .       .       .       . (none)                     .
    union1      100        40        200           1  1000.50      .       4 / 3 / 2                 13 / 3
    union1b      50         5         50           .       .  200.00       .                            .
    town2         .         .          .           .       .       .       1 / 1 / 0                    .
    union2       30        30        100           2       .       .       2 / 2 / 2                  9 / 2

    → district: live 180, rate 180/350 = 51.4 %, migrants 75 (41.7 %), agreements 3,
      welfare 1,200.50 (GOLDEN 1,000.50, SPRING 200.00), appeals 8 / 6 / 4 (66.7 %), satisfaction 22/5 = 4.40
    → town1: live 150, rate 60.0 %, migrants 45 (30.0 %), appeals 4 / 3 / 2 (66.7 %), satisfaction 4.33
    → town2: live 30, rate 30.0 %, migrants 30 (100.0 %), appeals 3 / 3 / 2 (66.7 %), satisfaction 4.50
"""

import contextlib
from decimal import Decimal

from django.urls import reverse

from .. import metrics
from ..testing.rollups import fixed_provider, only_metrics, refresh

YEAR = 2025


def _members_drill(org, year):
    return reverse("members:list") + f"?org={org.pk}"


KNOWN_METRICS = [
    metrics.Metric(code="orgs.headcount", label="职工人数", section="organisation", unit="people"),
    metrics.Metric(code="members.live", label="会员", section="members", unit="people", drill=_members_drill,
                   help="在籍会员"),
    metrics.Metric(code="members.migrants", label="外来务工会员", section="members", unit="people"),
    metrics.Metric(code="bargaining.agreements", label="集体合同", section="bargaining"),
    metrics.Metric(code="welfare.spend.GOLDEN_AUTUMN", label="金秋助学", section="welfare", unit="yuan",
                   group="welfare.campaign"),
    metrics.Metric(code="welfare.spend.SPRING", label="春送温暖", section="welfare", unit="yuan",
                   group="welfare.campaign"),
    metrics.Metric(code="welfare.spend_total", label="帮扶支出", section="welfare", unit="yuan"),
    metrics.Metric(code="voice.appeals_received", label="受理诉求", section="voice"),
    metrics.Metric(code="voice.appeals_closed", label="办结诉求", section="voice"),
    metrics.Metric(code="voice.appeals_on_time", label="按时办结", section="voice"),
    metrics.Metric(code="voice.satisfaction_sum", label="满意度合计", section="voice", unit="score", shown=False),
    metrics.Metric(code="voice.satisfaction_count", label="评价数", section="voice", shown=False),
]
KNOWN_RATIOS = [
    metrics.Ratio(code="members.rate", label="入会率", section="members", numerator="members.live",
                  denominator="orgs.headcount"),
    metrics.Ratio(code="members.migrant_share", label="外来务工占比", section="members",
                  numerator="members.migrants", denominator="members.live"),
    metrics.Ratio(code="voice.on_time_rate", label="按时办结率", section="voice", numerator="voice.appeals_on_time",
                  denominator="voice.appeals_closed"),
    metrics.Ratio(code="voice.satisfaction", label="满意度", section="voice", numerator="voice.satisfaction_sum",
                  denominator="voice.satisfaction_count", percent=False, decimals=2),
]


def known_values(tree):
    """(holding org id, metric code, value) of the table in the module docstring."""
    values = [(tree.district.pk, "voice.appeals_received", 1), (tree.town2.pk, "voice.appeals_received", 1),
              (tree.town2.pk, "voice.appeals_closed", 1)]
    held = {
        tree.union1: {"members.live": 100, "members.migrants": 40, "orgs.headcount": 200, "bargaining.agreements": 1,
                      "welfare.spend.GOLDEN_AUTUMN": "1000.50", "welfare.spend_total": "1000.50",
                      "voice.appeals_received": 4, "voice.appeals_closed": 3, "voice.appeals_on_time": 2,
                      "voice.satisfaction_sum": 13, "voice.satisfaction_count": 3},
        tree.union1b: {"members.live": 50, "members.migrants": 5, "orgs.headcount": 50,
                       "welfare.spend.SPRING": "200.00", "welfare.spend_total": "200.00"},
        tree.union2: {"members.live": 30, "members.migrants": 30, "orgs.headcount": 100, "bargaining.agreements": 2,
                      "voice.appeals_received": 2, "voice.appeals_closed": 2, "voice.appeals_on_time": 2,
                      "voice.satisfaction_sum": 9, "voice.satisfaction_count": 2},
    }
    for org, figures in held.items():
        values += [(org.pk, code, value) for code, value in figures.items()]
    return values


@contextlib.contextmanager
def known_figures(tree, year=YEAR, *, refreshed=True):
    """Within the block the registry holds KNOWN_METRICS / KNOWN_RATIOS with the known values, and
    (unless `refreshed=False`) the year's roll-ups have been computed from them."""
    with only_metrics(KNOWN_METRICS, fixed_provider(known_values(tree)), ratios=KNOWN_RATIOS):
        if refreshed:
            refresh(year)
        yield


def dec(value) -> Decimal:
    return Decimal(str(value))


# --- every real metric with made-up values (layout tours: every tile, column and chart filled) ---

def _made_up(code, unit, rng, live):
    if code == "members.live":
        return live
    if code == "orgs.headcount":
        return int(live * rng.uniform(1.05, 1.8))
    if code == "members.migrants":
        return int(live * rng.uniform(0.2, 0.7))
    if code in ("voice.satisfaction_sum", "voice.satisfaction_count"):
        return None  # set together below (an average of 3–5)
    if unit == "yuan":
        return Decimal(rng.randrange(1_000_00, 80_000_00)) / 100
    return rng.randrange(0, max(3, live // 20))


def made_up_values(orgs, *, seed=11):
    """(holding org id, code, value) for every shown or helper metric of the real registry, for
    each org of `orgs` (unions, say): plausible sizes (headcount above members, ratings 3–5)."""
    import random

    rng = random.Random(seed)
    values = []
    for org in orgs:
        live = rng.randrange(40, 900)
        held = {m.code: _made_up(m.code, m.unit, rng, live) for m in metrics.all_metrics()}
        # parts never exceed their whole: closed ≤ received, on time ≤ closed, covered ≤ staff
        for part, whole in (("voice.appeals_closed", "voice.appeals_received"),
                            ("voice.appeals_on_time", "voice.appeals_closed"),
                            ("bargaining.covered_workers", "orgs.headcount")):
            if part in held and whole in held:
                held[part] = min(held[part] or 0, held[whole] or 0)
        rated = rng.randrange(1, 12)
        held.update({"voice.satisfaction_count": rated, "voice.satisfaction_sum": rated * rng.choice((3, 4, 4, 5))})
        values += [(org.pk, code, value) for code, value in held.items() if value]
    return values


@contextlib.contextmanager
def made_up_figures(orgs, year, *, seed=11):
    """The real registry with `made_up_values` as its one provider, and the year refreshed."""
    with only_metrics(metrics.all_metrics(), fixed_provider(made_up_values(orgs, seed=seed)),
                      ratios=metrics.all_ratios()):
        refresh(year)
        yield
