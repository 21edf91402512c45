"""/appeal-stats — the appeal statistics of a year (or a month of it), the same figures as the page
(`selectors.stats`), in the caller's reach (`voice.view`).

`GET /appeal-stats?year=&month=&category=&org_offset=&org_limit=` — the total, the rows by category,
by town, by handling org (a page of them, ranked by received, 100 by default) and by month, the top
issues of the month and the survey participation by town. A bad year/month/category is 400 with its field.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router
from pydantic import BaseModel

from gonghui.core.api_support import READ_ERRORS, ApiError, ApiSchema
from gonghui.core.policies import require

from .models.appeals import AppealCategory
from .policies.stats import VIEW
from .rules.stats import rules
from .selectors import stats as selectors

router = Router(tags=["voice-stats"])


# The response models are plain pydantic models, not ninja Schemas: a Schema wraps every nested
# object in ninja's attribute getter before validating it, which for the hundreds of rows here cost
# more than counting the figures. The view returns plain dicts, so nothing needs the getter.
class FiguresOut(BaseModel):
    received: int = Field(description="Appeals received in the period (withdrawn included).")
    closed: int = Field(description="Of those, closed now.")
    closed_on_time: int = Field(description="Closed on or before the due date.")
    on_time_rate: Decimal | None = Field(description="closed_on_time ÷ closed, percent; null when none closed.")
    average_days_to_close: Decimal | None = Field(description="Working days received → closed, averaged.")
    withdrawn: int
    open: int = Field(description="Still received or being handled.")
    overdue_now: int = Field(description="Open and past the due date today.")
    rated: int
    average_satisfaction: Decimal | None = Field(description="Average rating (1–5) of the rated ones.")
    satisfied: int = Field(description="Rated at or above rules().satisfied_from (4).")
    satisfied_rate: Decimal | None = Field(description="satisfied ÷ rated, percent.")
    reopened: int


class RowOut(BaseModel):
    key: str | int | None = Field(description="Category code, town / org id, month; null: above town level.")
    label: str
    figures: FiguresOut


class TrendOut(BaseModel):
    category: str
    label: str
    count: int
    previous: int = Field(description="The month before.")
    change: int


class EnterpriseOut(BaseModel):
    enterprise_id: int | None = Field(description="null: an enterprise named by the worker, not registered.")
    name: str
    count: int


class ParticipationOut(BaseModel):
    town_id: int | None
    town_name: str
    surveys: int
    targeted: int
    responded: int
    rate: Decimal | None = Field(description="responded ÷ targeted, percent.")


class TopOut(BaseModel):
    year: int
    month: int
    categories: list[TrendOut]
    enterprises: list[EnterpriseOut]


class StatsOut(BaseModel):
    year: int
    month: int | None
    category: str
    computed_at: datetime.datetime = Field(description="When the figures were counted (kept for a few minutes: "
                                                       "FIGURES_CACHE_SECONDS).")
    cached: bool = Field(description="The figures are kept for FIGURES_CACHE_SECONDS and may be that old.")
    total: FiguresOut
    by_category: list[RowOut]
    by_town: list[RowOut]
    by_org: list[RowOut] = Field(description="One page of the handling organisations, ranked by received "
                                             "(org_offset, org_limit); by_org_count counts them all.")
    by_org_count: int = Field(description="How many handling organisations have figures in the period.")
    by_month: list[RowOut]
    top_issues: TopOut
    survey_participation: list[ParticipationOut] | None = Field(
        description="null while the surveys area does not provide it.")


class StatsIn(ApiSchema):
    year: int | None = Field(None, description="Default: this year.")
    month: int | None = Field(None, description="1–12; default: the whole year.")
    category: str = Field("", max_length=20, description="An appeal category code; default: all.")
    # The district's table has thousands of organisations: as one response it cost ~0.4 s of CPU
    # to validate and encode (docs/performance.md). The page shows them a page at a time too; the
    # workbook export (/voice/stats/export/) has every row.
    org_offset: int = Field(0, ge=0, description="Skip this many rows of by_org.")
    org_limit: int = Field(100, ge=1, le=1000, description="At most this many rows of by_org.")


def _bad(field, message):
    return ApiError(400, f"bad_{field}", message, field=field,
                    errors=[{"field": field, "code": f"bad_{field}", "message": message}])


def _period(filters):
    r = rules()
    year = filters.year if filters.year is not None else timezone.localdate().year
    if not r.first_year <= year <= r.last_year:
        raise _bad("year", _("The year must be between %(first)s and %(last)s.") % {"first": r.first_year,
                                                                                      "last": r.last_year})
    if filters.month is not None and not 1 <= filters.month <= 12:
        raise _bad("month", _("Choose a month from 1 to 12."))
    if filters.category and filters.category not in AppealCategory.values:
        raise _bad("category", _("Choose one of the appeal categories."))
    return year, filters.month, filters.category


def _row(row):
    return {"key": row.key, "label": str(row.label), "figures": row.figures.as_dict()}


@router.get("/appeal-stats", response={200: StatsOut, **READ_ERRORS}, summary="Appeal statistics of a period")
def get_appeal_stats(request, filters: Query[StatsIn]):
    user = request.auth
    require(user, VIEW)
    year, month, category = _period(filters)
    stats = selectors.appeal_stats(user, year=year, month=month, category=category)
    top_year, top_month = stats.top_month
    return {
        "year": stats.year, "month": stats.month, "category": stats.category, "computed_at": stats.computed_at,
        "cached": stats.cached,
        "total": stats.total.figures.as_dict(),
        **{f"by_{key}": [_row(r) for r in rows] for key, _title, _first, rows in stats.tables() if key != "org"},
        "by_org": [_row(r) for r in stats.by_org[filters.org_offset:filters.org_offset + filters.org_limit]],
        "by_org_count": len(stats.by_org),
        "by_month": [_row(r) for r in stats.monthly],
        "top_issues": {"year": top_year, "month": top_month,
                       "categories": [{"category": t.key, "label": t.label, "count": t.count, "previous": t.previous,
                                       "change": t.change} for t in stats.top_categories],
                       "enterprises": [{"enterprise_id": e.enterprise_id, "name": e.name, "count": e.count}
                                       for e in stats.top_enterprises]},
        "survey_participation": [{**row, "town_name": str(row.get("town_name") or "")}
                                 for row in stats.participation] if stats.participation is not None else None,
    }
