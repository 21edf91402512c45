"""Local policy of the `joins` area (settings.PORTAL_JOINS_RULES overrides any key).

DOMAIN.md gives no time limit for deciding a join request; `decide_within_days` is a local
choice (the district's practice of answering a worker within about two weeks) that drives the
"due soon / overdue" line of the cadres' dashboard, not a refusal.
"""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # A pending request should be decided within this many calendar days of its submission.
    decide_within_days: int = 15
    # "Due soon" on the dashboard: pending requests whose decision is due within this many days.
    due_soon_days: int = 3
    # The enterprise search of the member's form: at least this many characters, at most this
    # many results (the worker refines the name rather than scrolls).
    enterprise_search_min_chars: int = 2
    enterprise_search_limit: int = 20
    # The member's own pages list this many earlier requests / transfers.
    own_history_limit: int = 20
    # Join requests a login may have refused in a day for who the ID card number is (a live
    # member, linked to another login, already asked for): the refusals say so, so without a
    # cap a signed-up stranger could test ID numbers one after another.
    identity_refusals_per_day: int = 5
    # The reason a portal transfer carries when the member gives none.
    default_transfer_reason: str = "更换工作单位"


def rules() -> Rules:
    overrides = dict(getattr(settings, "PORTAL_JOINS_RULES", {}) or {})
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
