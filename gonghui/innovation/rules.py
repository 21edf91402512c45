"""The scoring form of suggestions as defaults a deployment may override with the
`INNOVATION_RULES` setting (a dict with any of these keys):

    INNOVATION_RULES = {
        "criteria": [("innovation", "Innovation", 30), ("feasibility", "Feasibility", 30),
                     ("economic", "Economic benefit", 25), ("safety", "Safety and environment", 15)],
        "grades": [("A", 85), ("B", 70), ("C", 60)],   # the first whose threshold the total reaches
        "adopt_min_score": 60,                         # None: any evaluated suggestion may be adopted
    }

The maximum points of the criteria add up to 100 (the total is "out of 100"); a misconfigured
setting is refused when it is first read, not when an evaluator saves a form.
"""

from dataclasses import dataclass, fields

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    max_points: int


DEFAULT_CRITERIA = (
    Criterion("innovation", pgettext_lazy("scoring criterion", "Innovation"), 30),
    Criterion("feasibility", _("Feasibility"), 30),
    Criterion("economic", _("Economic benefit"), 25),
    Criterion("safety", _("Safety and environment"), 15),
)
# (grade, lowest total that earns it), best first; a total below the last is the lowest grade.
DEFAULT_GRADES = (("A", 85), ("B", 70), ("C", 60))
LOWEST_GRADE = "D"
GRADE_LABELS = {
    "A": pgettext_lazy("suggestion grade", "A (excellent)"),
    "B": pgettext_lazy("suggestion grade", "B (good)"),
    "C": pgettext_lazy("suggestion grade", "C (acceptable)"),
    "D": pgettext_lazy("suggestion grade", "D (not recommended)"),
}
TOTAL_POINTS = 100


@dataclass(frozen=True)
class Rules:
    criteria: tuple = DEFAULT_CRITERIA
    grades: tuple = DEFAULT_GRADES
    adopt_min_score: int | None = None

    def criterion(self, code):
        return next((c for c in self.criteria if c.code == code), None)

    def grade_for(self, total: int) -> str:
        for grade, threshold in self.grades:
            if total >= threshold:
                return grade
        return LOWEST_GRADE


def _criteria(raw):
    criteria = tuple(c if isinstance(c, Criterion) else Criterion(str(c[0]), c[1], int(c[2])) for c in raw)
    if sum(c.max_points for c in criteria) != TOTAL_POINTS or any(c.max_points < 1 for c in criteria):
        raise ImproperlyConfigured("INNOVATION_RULES['criteria']: the maximum points must be positive and add "
                                   "up to 100.")
    if len({c.code for c in criteria}) != len(criteria):
        raise ImproperlyConfigured("INNOVATION_RULES['criteria']: each criterion code once.")
    return criteria


def rules() -> Rules:
    overrides = getattr(settings, "INNOVATION_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    values = {k: v for k, v in overrides.items() if k in known}
    if "criteria" in values:
        values["criteria"] = _criteria(values["criteria"])
    if "grades" in values:
        values["grades"] = tuple(sorted(((str(g), int(t)) for g, t in values["grades"]), key=lambda g: -g[1]))
    minimum = values.get("adopt_min_score")
    if minimum is not None and not 0 <= int(minimum) <= TOTAL_POINTS:
        raise ImproperlyConfigured("INNOVATION_RULES['adopt_min_score'] must be between 0 and 100 or None.")
    return Rules(**values)


def grade_label(grade: str) -> str:
    return str(GRADE_LABELS.get(grade, grade))
