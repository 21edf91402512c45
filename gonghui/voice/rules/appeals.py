"""Configurable figures of the `appeals` area (DOMAIN.md §8), overridable with the
`VOICE_APPEALS_RULES` setting (a dict with any of these keys; `categories` is merged per category).

Time limits are local policy: the defaults follow common practice of 杭州's union 维权 hot line
(wages owed and dismissals are urgent, 5 working days; the rest 10–15), and the district sets its
own. A transfer does not restart the clock unless `transfer_resets_clock` is true: the worker has
waited since the day the appeal arrived, whoever holds it.
"""

from dataclasses import dataclass, field, fields

from django.conf import settings


@dataclass(frozen=True)
class CategoryRule:
    # Working days from the day received (or the clock's restart) to the due date.
    time_limit_days: int
    # Whether a worker may submit this category without a name (the union cannot call back).
    anonymous_allowed: bool


DEFAULT_CATEGORIES = {
    "WAGES_OWED": CategoryRule(time_limit_days=5, anonymous_allowed=False),
    "CONTRACT": CategoryRule(time_limit_days=10, anonymous_allowed=False),
    "INJURY": CategoryRule(time_limit_days=10, anonymous_allowed=False),
    "SOCIAL_INSURANCE": CategoryRule(time_limit_days=10, anonymous_allowed=False),
    "DISMISSAL": CategoryRule(time_limit_days=5, anonymous_allowed=False),
    "HARDSHIP": CategoryRule(time_limit_days=10, anonymous_allowed=False),
    "OTHER": CategoryRule(time_limit_days=15, anonymous_allowed=True),
}


@dataclass(frozen=True)
class Rules:
    categories: dict = field(default_factory=lambda: dict(DEFAULT_CATEGORIES))
    # A transfer restarts the clock (new due date from the day of the transfer) only when true.
    transfer_resets_clock: bool = False
    # Overdue by this many working days at one level → escalated one level up (then again).
    escalate_after_days: int = 0
    # Escalation stops at the district (depth 1); this caps the number of steps.
    max_escalation_level: int = 3
    # A worker may re-open a closed appeal once, within this many days of closing.
    reopen_within_days: int = 15
    # A worker may rate a closed appeal within this many days of closing.
    rate_within_days: int = 30
    # "Due soon" on the dashboard and in lists: due within this many working days.
    due_soon_days: int = 2
    number_prefix: str = "SQ"


def rules() -> Rules:
    overrides = dict(getattr(settings, "VOICE_APPEALS_RULES", {}) or {})
    known = {f.name for f in fields(Rules)}
    values = {k: v for k, v in overrides.items() if k in known}
    if "categories" in values:
        merged = dict(DEFAULT_CATEGORIES)
        for code, rule in values["categories"].items():
            merged[code] = rule if isinstance(rule, CategoryRule) else CategoryRule(**rule)
        values["categories"] = merged
    return Rules(**values)


def category_rule(category: str) -> CategoryRule:
    return rules().categories[category]
