"""The figures of skills contests (技能比武), as defaults a deployment may override with the
`COMPETITIONS_CONTESTS_RULES` setting (a dict with any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings

# The district's ten regular trades (code, name): seeded into the trade catalogue by the demo and
# by `services.contests.ensure_default_trades`; the district edits the catalogue afterwards.
DEFAULT_TRADES = (
    ("ELEC", "电工"), ("WELD", "焊工"), ("TURN", "车工"), ("FIT", "钳工"), ("CNC", "数控车工"),
    ("AUTO", "汽车维修工"), ("CHEF", "中式烹调师"), ("NURSE", "养老护理员"), ("ECOM", "电子商务师"),
    ("TEXT", "纺织挡车工"),
)


@dataclass(frozen=True)
class Rules:
    theory_weight: int = 30          # default weights of a new contest (percent; the two sum to 100)
    practical_weight: int = 70
    winners: int = 3                 # ranks 1..3 enter the honours registry by default
    min_age: int = 18
    max_age: int = 60
    capacity: int = 60
    results_due_days: int = 30       # results are "due" this many days after the contest day
    trades: tuple = DEFAULT_TRADES


def rules() -> Rules:
    overrides = getattr(settings, "COMPETITIONS_CONTESTS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: (tuple(tuple(t) for t in v) if k == "trades" else v) for k, v in overrides.items()
                    if k in known})
