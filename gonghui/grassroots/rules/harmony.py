"""和谐劳动关系 creation: the built-in indicator set, the rating thresholds and the submission
deadline, as defaults a deployment may override with the `GRASSROOTS_HARMONY_RULES` setting (a
dict with any of these keys):

    GRASSROOTS_HARMONY_RULES = {
        "model_threshold": 90,   # reviewed score ≥ 90 → 和谐劳动关系示范企业
        "pass_threshold": 75,    # ≥ 75 → 达标企业; below → 未达标
        "submit_due": (9, 30),   # (month, day) self-assessments of a year are due by
        "remind_days": 30,       # "due soon" from this many days before the deadline
        "review_days": 30,       # a review (town) or rating (district) waiting longer is overdue
        "indicators": [...],     # DefaultIndicator rows (or tuples) of the built-in set
    }

The built-in set only seeds a new year's set; each year's set is then edited by the district on
its own page (and frozen when published), so changing the setting never rewrites a past year.
"""

import datetime
from dataclasses import dataclass, fields

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

TOTAL_POINTS = 100


@dataclass(frozen=True)
class DefaultIndicator:
    code: str
    name: str
    max_score: int
    source: str  # IndicatorSource value: SELF, CONGRESS or AGREEMENT
    evidence: str


DEFAULT_INDICATORS = (
    DefaultIndicator("contracts", _("Labour contracts signed with every worker"), 15, "SELF",
                     _("Contract register and the signing rate")),
    DefaultIndicator("wages", _("Wages paid in full and on time"), 15, "SELF",
                     _("Payroll records of the year; no wage arrears")),
    DefaultIndicator("insurance", _("Social insurance paid for every worker"), 15, "SELF",
                     _("Social insurance payment statements")),
    DefaultIndicator("safety", _("Work safety and occupational health"), 15, "SELF",
                     _("Safety records; no serious accident in the year")),
    DefaultIndicator("congress", _("Workers' congress held this year"), 15, "CONGRESS",
                     _("Taken from the congress records")),
    DefaultIndicator("agreement", _("Collective wage agreement in force"), 10, "AGREEMENT",
                     _("Taken from the wage negotiation records")),
    DefaultIndicator("responsibility", _("Social responsibility: a community of interests, careers and destiny"),
                     15, "SELF", _("Care for workers, training, disputes settled within the enterprise")),
)


@dataclass(frozen=True)
class Rules:
    model_threshold: int = 90
    pass_threshold: int = 75
    submit_due: tuple = (9, 30)
    remind_days: int = 30
    review_days: int = 30
    indicators: tuple = DEFAULT_INDICATORS

    def rating_for(self, total: int) -> str:
        """MODEL from `model_threshold`, PASS from `pass_threshold`, else FAIL (edges included:
        90 → MODEL, 89 → PASS, 75 → PASS, 74 → FAIL with the defaults)."""
        if total >= self.model_threshold:
            return "MODEL"
        if total >= self.pass_threshold:
            return "PASS"
        return "FAIL"

    def due_on(self, year: int) -> datetime.date:
        month, day = self.submit_due
        return datetime.date(year, month, day)


def check_indicators(rows) -> tuple:
    rows = tuple(r if isinstance(r, DefaultIndicator) else DefaultIndicator(*r) for r in rows)
    if sum(r.max_score for r in rows) != TOTAL_POINTS or any(r.max_score < 1 for r in rows):
        raise ImproperlyConfigured("GRASSROOTS_HARMONY_RULES['indicators']: the maximum scores must be positive "
                                   "and add up to 100.")
    if len({r.code for r in rows}) != len(rows):
        raise ImproperlyConfigured("GRASSROOTS_HARMONY_RULES['indicators']: each code once.")
    if any(r.source not in ("SELF", "CONGRESS", "AGREEMENT") for r in rows):
        raise ImproperlyConfigured("GRASSROOTS_HARMONY_RULES['indicators']: source is SELF, CONGRESS or AGREEMENT.")
    return rows


def rules() -> Rules:
    overrides = getattr(settings, "GRASSROOTS_HARMONY_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    values = {k: v for k, v in overrides.items() if k in known}
    if "indicators" in values:
        values["indicators"] = check_indicators(values["indicators"])
    r = Rules(**values)
    if not 0 < r.pass_threshold <= r.model_threshold <= TOTAL_POINTS:
        raise ImproperlyConfigured("GRASSROOTS_HARMONY_RULES: 0 < pass_threshold ≤ model_threshold ≤ 100.")
    try:
        r.due_on(2024)  # a leap year: 29 February is allowed
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured("GRASSROOTS_HARMONY_RULES['submit_due'] must be a (month, day) pair.") from exc
    return r
