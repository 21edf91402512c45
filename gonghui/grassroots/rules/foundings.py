"""The figures of forming a union (组建, DOMAIN.md §4) as defaults a deployment may override with
the `GRASSROOTS_FOUNDINGS_RULES` setting (a dict with any of these keys):

    GRASSROOTS_FOUNDINGS_RULES = {
        "committee_min_members": 25,   # ≥25 members who wish to join: a committee (委员会)
        "review_working_days": 10,     # the town reviews a submitted application within 10 working days
        "approve_working_days": 10,    # the upper union approves (批复) within 10 working days of the review
        "register_working_days": 20,   # the district registers (法人资格) within 20 working days of approval
        "due_soon_working_days": 3,    # "due soon" on the dashboard: the step's deadline within 3 working days
    }

A misconfigured setting is refused when it is first read (ImproperlyConfigured), not when a
cadre saves a form.
"""

from dataclasses import dataclass, fields

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SETTING = "GRASSROOTS_FOUNDINGS_RULES"


@dataclass(frozen=True)
class Rules:
    committee_min_members: int = 25
    review_working_days: int = 10
    approve_working_days: int = 10
    register_working_days: int = 20
    due_soon_working_days: int = 3


def rules() -> Rules:
    overrides = getattr(settings, SETTING, {}) or {}
    known = {f.name for f in fields(Rules)}
    unknown = set(overrides) - known
    if unknown:
        raise ImproperlyConfigured(f"{SETTING}: unknown keys {sorted(unknown)}.")
    values = {}
    for key, value in overrides.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < (2 if key == "committee_min_members"
                                                                               else 0):
            raise ImproperlyConfigured(f"{SETTING}[{key!r}] must be a whole number (≥0; ≥2 for the threshold).")
        values[key] = value
    return Rules(**values)
