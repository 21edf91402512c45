"""The figures of labour competitions (五比五赛) as defaults a deployment may override with the
`COMPETITIONS_LABOUR_RULES` setting (a dict with any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    weight: str  # percent, as a decimal string ("20")


# 五比五赛: 比质量、比安全、比高效、比创新、比作风, equal weights (sum 100%).
DEFAULT_CRITERIA = (
    Criterion("QUALITY", _("Quality (比质量)"), "20"),
    Criterion("SAFETY", _("Safety (比安全)"), "20"),
    Criterion("EFFICIENCY", _("Efficiency (比高效)"), "20"),
    Criterion("INNOVATION", _("Innovation (比创新)"), "20"),
    Criterion("CONDUCT", _("Conduct (比作风)"), "20"),
)


@dataclass(frozen=True)
class Rules:
    criteria: tuple = DEFAULT_CRITERIA
    max_judges: int = 9               # judges named per round
    round_due_days: int = 10          # an open round is overdue this many days after its period ends
    team_titles: tuple = ("立功竞赛先进集体", "工人先锋号（竞赛）")
    individual_titles: tuple = ("一等功", "二等功", "三等功", "立功竞赛先进个人")


def rules() -> Rules:
    overrides = getattr(settings, "COMPETITIONS_LABOUR_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    values = {}
    for key, value in overrides.items():
        if key not in known:
            continue
        if key == "criteria":
            value = tuple(v if isinstance(v, Criterion) else Criterion(**v) for v in value)
        elif isinstance(value, list):
            value = tuple(value)
        values[key] = value
    return Rules(**values)
