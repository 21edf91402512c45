"""The figures of the 职工之家 assessment (DOMAIN.md §4) as defaults a deployment may override
with the `GRASSROOTS_HOMES_RULES` setting (a dict with any of these keys), and the built-in
standard a fresh install starts from (`DEFAULT_TEMPLATE`, `DEFAULT_PASS_MARKS`)."""

from dataclasses import dataclass, fields

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Criterion:
    code: str
    text: str
    max_score: int
    method: str            # "AUTO" or "REVIEWER"
    auto_source: str = ""  # a code of the record-source registry (selectors.homes.AUTO_SOURCES)
    evidence_hint: str = ""


# The built-in checklist (100 points). Texts are translated when a standard is created from it.
DEFAULT_TEMPLATE = (
    Criterion("MEMBERSHIP", _("Membership rate (members / staff) of at least 90%"), 15, "AUTO",
              "membership_rate"),
    Criterion("CONGRESS", _("A workers' congress (or all-staff meeting) held this year"), 15, "AUTO",
              "congress_held"),
    Criterion("AGREEMENT", _("A collective (wage) agreement in force"), 10, "AUTO", "wage_agreement"),
    Criterion("ACTIVITIES", _("Activities held for the workers this year"), 10, "AUTO", "activities"),
    Criterion("ORGANISATION", _("Sound organisation: committee elected on time, rules in writing"), 10, "REVIEWER",
              evidence_hint=_("Approval of the last election, the committee's list, the union's rules")),
    Criterion("SATISFACTION", _("Members' satisfaction of at least 90%"), 10, "REVIEWER",
              evidence_hint=_("Results of the members' satisfaction survey")),
    Criterion("FACILITIES", _("A workers' home with rooms and equipment for activities"), 10, "REVIEWER",
              evidence_hint=_("Photos of the rooms and a list of the equipment")),
    Criterion("DISCLOSURE", _("Open factory affairs (厂务公开) and democratic management"), 10, "REVIEWER",
              evidence_hint=_("The disclosure board or minutes")),
    Criterion("FINANCE", _("Union funds managed and audited as required"), 10, "REVIEWER",
              evidence_hint=_("The latest funds audit report")),
)

DEFAULT_PASS_MARKS = {"DISTRICT": 80, "CITY": 85, "PROVINCE": 90, "NATIONAL": 95}


@dataclass(frozen=True)
class Rules:
    recheck_years: int = 3                 # an award is re-checked every 3 years
    recheck_soon_days: int = 90            # a re-check is "due soon" this many days before it is due
    review_working_days: int = 10          # a waiting review is overdue after 10 working days
    membership_rate_min: float = 0.90      # AUTO membership_rate: live members / headcount ≥ 90%
    activities_min: int = 2                # AUTO activities: congress sessions + suggestions in the year
    pass_marks: tuple = tuple(DEFAULT_PASS_MARKS.items())
    template: tuple = DEFAULT_TEMPLATE


def rules() -> Rules:
    overrides = getattr(settings, "GRASSROOTS_HOMES_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    values = {}
    for key, value in overrides.items():
        if key not in known:
            continue
        if key == "pass_marks" and isinstance(value, dict):
            value = tuple(value.items())
        elif key == "template":
            value = tuple(v if isinstance(v, Criterion) else Criterion(**v) for v in value)
        values[key] = value
    return Rules(**values)


def default_pass_mark(level: str) -> int:
    return dict(rules().pass_marks).get(level, 80)
