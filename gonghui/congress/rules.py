"""The numbers of DOMAIN.md §3 as defaults a deployment may override with the `CONGRESS_RULES`
setting (a dict with any of these keys), and the quota table they define."""

import math
from dataclasses import dataclass, fields

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The yearly 厂务公开 checklist: (code, label). A deployment may replace it through
# CONGRESS_RULES["disclosure_items"] with its own (code, label) pairs.
DEFAULT_DISCLOSURE_ITEMS = (
    ("WAGES", _("Wage levels and pay rules")),
    ("BONUSES", _("Bonus distribution")),
    ("SOCIAL_INSURANCE", _("Social insurance and housing fund contributions")),
    ("SAFETY", _("Work safety and occupational health")),
    ("HIRING", _("Hiring, contracts and dismissals")),
    ("HOSPITALITY", _("Business hospitality spending")),
    ("WELFARE", pgettext_lazy("disclosure item", "Welfare spending")),
    ("TRAINING", _("Training plans and spending")),
)


@dataclass(frozen=True)
class Rules:
    congress_min_headcount: int = 100     # ≥100 staff: a congress; fewer: an all-staff meeting
    quota_base: int = 30                  # delegates at the minimum headcount
    quota_step_staff: int = 100           # +quota_step_delegates for every further 100 staff
    quota_step_delegates: int = 5
    quota_cap_headcount: int = 3000       # above it, at least quota_cap_delegates
    quota_cap_delegates: int = 175
    term_years_min: int = 3
    term_years_max: int = 5
    manager_share_max: float = 0.20       # managers ≤20% of the delegates
    papers_days_before: int = 7           # papers to the delegates 7 days before the session
    quorum: float = 2 / 3                 # at least two thirds of the delegates present
    report_working_days: int = 7          # results reported to the upper union in 7 working days
    cosigners_min: int = 2                # a proposal needs ≥2 co-signing delegates
    reply_months: int = 2                 # reply within two months of assignment
    extension_months: int = 1             # extended once, by one month
    reopen_max: int = 1                   # reopened once when the proposer is not satisfied
    remind_days: int = 7                  # reminders for replies and reports due within a week
    disclosure_items: tuple = DEFAULT_DISCLOSURE_ITEMS


def rules() -> Rules:
    overrides = getattr(settings, "CONGRESS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})


def body_kind_for(headcount: int) -> str:
    """CONGRESS from the minimum headcount up, ALL_STAFF below it."""
    from .models import BodyKind

    return BodyKind.CONGRESS if headcount >= rules().congress_min_headcount else BodyKind.ALL_STAFF


def delegate_quota(headcount: int) -> int:
    """The delegate quota for a headcount: 0 below the congress threshold (all staff attend);
    30 at 100 staff, +5 for every full further 100, and at least 175 above 3,000 (DOMAIN.md §3).
    99 → 0, 100 → 30, 199 → 30, 200 → 35, 3000 → 175, 3001 → 175."""
    r = rules()
    if headcount < r.congress_min_headcount:
        return 0
    steps = (min(headcount, r.quota_cap_headcount) - r.congress_min_headcount) // r.quota_step_staff
    quota = r.quota_base + steps * r.quota_step_delegates
    if headcount > r.quota_cap_headcount:
        quota = max(quota, r.quota_cap_delegates)
    return quota


def managers_allowed(delegates: int) -> int:
    """The most managers a roll of `delegates` may hold (20%, rounded down)."""
    return int(delegates * rules().manager_share_max + 1e-9)


def quorum_needed(entitled: int) -> int:
    """Delegates who must be present: two thirds, rounded up (20 of 30, 21 of 31)."""
    return math.ceil(entitled * rules().quorum - 1e-9)


def quorum_met(present: int, entitled: int) -> bool:
    return entitled > 0 and present >= quorum_needed(entitled)


def motion_passes(votes_for: int, entitled: int) -> bool:
    """More than half of ALL entitled delegates, not of those present: 16 of 30 passes, 15 fails."""
    return votes_for * 2 > entitled


def disclosure_items() -> tuple:
    return tuple(rules().disclosure_items)


def disclosure_label(code: str) -> str:
    return dict(disclosure_items()).get(code, code)
