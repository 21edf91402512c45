"""Configurable figures of the `mutualaid` area (DOMAIN.md §7), overridable with the
`WELFARE_MUTUALAID_RULES` setting (a dict with any of these keys).

- `claim_within_days`: a claim is created at most this many days after the discharge (or the
  diagnosis of a serious illness); default 180;
- `max_documents`: documents per claim; default 20;
- `due_soon_days`: claims waiting longer than this for the town review or the district approval
  are "overdue" on the dashboard; default 10;
- `plan_defaults`: the figures a new plan's form starts from (the district edits them per plan).
"""

from dataclasses import dataclass, field, fields

from django.conf import settings


def _defaults():
    return {"premium": "30.00", "hospital_deductible": "500.00", "hospital_ratio": "0.50",
            "hospital_cap": "20000.00", "serious_sum": "10000.00", "serious_cap": "10000.00",
            "overall_cap": "30000.00"}


@dataclass(frozen=True)
class Rules:
    claim_within_days: int = 180
    max_documents: int = 20
    due_soon_days: int = 10
    plan_defaults: dict = field(default_factory=_defaults)


def rules() -> Rules:
    overrides = getattr(settings, "WELFARE_MUTUALAID_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
