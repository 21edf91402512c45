"""Local policy of the `dashboard` area (settings.REPORTS_DASHBOARD_RULES overrides: a dict with
any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # The bar chart of a metric by the organisations below shows this many bars (the largest);
    # the table below it lists all of them.
    chart_children: int = 30
    # The table of the organisations below shows this many rows a page.
    children_per_page: int = 50
    # The metric the bar chart shows when none is chosen.
    default_chart_metric: str = "members.live"
    # The columns of the table of the organisations below (metric or ratio codes; codes that no
    # module has registered are left out).
    table_columns: tuple[str, ...] = (
        "members.live", "members.rate", "members.migrant_share", "bargaining.agreements", "bargaining.coverage",
        "congress.sessions", "congress.proposals", "competitions.competitions", "competitions.contests",
        "training.trainees", "honours.awards", "honours.allowance_paid", "welfare.spend_total",
        "voice.appeals_received", "voice.on_time_rate", "voice.satisfaction",
    )
    # The oldest year the page and the API accept (the newest is this year).
    first_year: int = 2015
    # The deadlines card (each module's count of due and overdue items in the user's reach) is kept
    # this long per user, so clicking down through several dashboards counts it once (0: never kept).
    due_cache_seconds: int = 120


def rules() -> Rules:
    overrides = getattr(settings, "REPORTS_DASHBOARD_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    values = {k: v for k, v in overrides.items() if k in known}
    if "table_columns" in values:
        values["table_columns"] = tuple(values["table_columns"])
    return Rules(**values)
