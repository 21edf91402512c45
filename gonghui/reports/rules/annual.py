"""Configurable figures of the `annual` area (the annual statistics report), overridable with the
`REPORTS_ANNUAL_RULES` setting (a dict with any of these keys), e.g.
`REPORTS_ANNUAL_RULES = {"chart_metrics": {"members": "members.joined"}}`."""

from dataclasses import dataclass, field, fields

from django.conf import settings


def _chart_metrics():
    # The figure each section's bar chart (PDF) shows by row; a section not named here charts its
    # first shown metric. Welfare charts the total spent rather than the first campaign kind.
    return {"welfare": "welfare.spend_total", "voice": "voice.appeals_received"}


@dataclass(frozen=True)
class Rules:
    # The years the page, the API and the command accept.
    first_year: int = 2015
    last_year: int = 2100
    chart_metrics: dict = field(default_factory=_chart_metrics)
    # A chart with more bars than this keeps the largest ones (the table keeps every row).
    chart_max_bars: int = 30


def rules() -> Rules:
    overrides = getattr(settings, "REPORTS_ANNUAL_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
