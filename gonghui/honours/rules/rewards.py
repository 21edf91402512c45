"""The figures of 高技能人才培训奖励 (DOMAIN.md §5) as defaults a deployment overrides with the
`HONOURS_REWARDS_RULES` setting (a dict with any of these keys), e.g.

    HONOURS_REWARDS_RULES = {"amounts": {"LEVEL3": 1500, "LEVEL1": 6000}, "review_working_days": 5}

`amounts` maps the levels of `members.models.SkillLevel` (LEVEL5 初级工 … LEVEL1 高级技师) to
the reward in yuan; the given levels replace the defaults, a level set to 0 is not rewarded.
"""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.conf import settings

DEFAULT_AMOUNTS = {
    "LEVEL5": Decimal("500"),    # 初级工
    "LEVEL4": Decimal("1000"),   # 中级工
    "LEVEL3": Decimal("2000"),   # 高级工
    "LEVEL2": Decimal("3000"),   # 技师
    "LEVEL1": Decimal("5000"),   # 高级技师
}


@dataclass(frozen=True)
class Rules:
    amounts: tuple = tuple(DEFAULT_AMOUNTS.items())  # (level, yuan) pairs
    review_working_days: int = 10  # a waiting review is overdue after 10 working days
    claim_within_days: int = 730   # a certificate is claimed within 2 years of its issue


def rules() -> Rules:
    overrides = getattr(settings, "HONOURS_REWARDS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    values = {}
    for key, value in overrides.items():
        if key not in known:
            continue
        if key == "amounts":
            merged = dict(DEFAULT_AMOUNTS)
            merged.update({level: Decimal(str(v)) for level, v in dict(value).items()})
            value = tuple(merged.items())
        values[key] = value
    return Rules(**values)


def amount_for(level: str) -> Decimal:
    """The reward for a certificate of `level` (0 when the level is not rewarded)."""
    return dict(rules().amounts).get(level, Decimal("0")).quantize(Decimal("0.01"))


def rewarded_levels() -> list[str]:
    return [level for level, amount in rules().amounts if amount > 0]
