"""/reports/dashboard — the figures of one org's dashboard, the same numbers as the page
(`selectors.dashboard`), read from the roll-ups only.

`GET /reports/dashboard?org=&year=&industry=` — the org's subtree figures (every metric, by code),
its ratios, the figures held at the org itself (本级; null with an industry), each active direct
child's figures and ratios, the metrics' labels and units, and `as_of`, when the roll-ups were
computed. `org` defaults to the caller's top org (the first, for a caller with several); an org
outside the caller's reach is 404 like a missing one. A bad year or industry is 400 naming the
field. Values are decimal strings ("180", "1200.50"); a ratio is null when its denominator is 0.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router

from gonghui.core.api_support import READ_ERRORS, ApiError, ApiSchema, error_responses
from gonghui.core.policies import require

from .policies.dashboard import VIEW
from .rules.dashboard import rules
from .selectors import dashboard as selectors

router = Router(tags=["reports-dashboard"])


class OrgOut(ApiSchema):
    id: int
    name: str
    short_name: str
    level: str = Field(description="DISTRICT, TOWN, PLATFORM, INDUSTRY, GRASSROOTS or GROUP.")


class PartOut(ApiSchema):
    figures: dict[str, Decimal] = Field(description="Metric code → value (every registered metric; 0 when none).")
    ratios: dict[str, Decimal | None] = Field(description="Ratio code → value; null when the denominator is 0.")


class ChildOut(PartOut):
    org: OrgOut


class ColumnOut(ApiSchema):
    code: str
    label: str
    section: str
    kind: str = Field(description="metric or ratio.")
    unit: str = Field(description="count, people, yuan, score (metrics); percent or number (ratios).")
    shown: bool = Field(description="False for sums only ratios use (e.g. voice.satisfaction_sum).")


class DashboardOut(ApiSchema):
    org: OrgOut
    year: int
    industry: str = Field(description="An industry code; \"\" for all industries.")
    as_of: datetime.datetime | None = Field(description="When the roll-ups of the year were computed; null: never.")
    figures: dict[str, Decimal]
    ratios: dict[str, Decimal | None]
    own: PartOut | None = Field(description="Records held at the org itself (本级); null when an industry is "
                                            "chosen (such records carry none).")
    children: list[ChildOut] = Field(description="Each active direct child, in tree order.")
    metrics: list[ColumnOut]


class DashboardIn(ApiSchema):
    org: int | None = Field(None, description="Org id; default: the caller's top org.")
    year: int | None = Field(None, description="Default: this year.")
    industry: str = Field("", max_length=16, description="An industry code; default: all industries.")


def _bad(field, message):
    return ApiError(400, f"bad_{field}", message, field=field,
                    errors=[{"field": field, "code": f"bad_{field}", "message": message}])


def _year(year):
    this_year = timezone.localdate().year
    year = this_year if year is None else year
    if not rules().first_year <= year <= this_year:
        raise _bad("year", _("The year must be between %(first)s and %(last)s.") % {"first": rules().first_year,
                                                                                      "last": this_year})
    return year


def _industry(industry):
    if industry and industry not in dict(selectors.industry_choices()):
        raise _bad("industry", _("Choose one of the industry codes: %(codes)s.") % {
            "codes": ", ".join(code for code, _label in selectors.industry_choices())})
    return industry


def _org(org):
    return {"id": org.pk, "name": org.name, "short_name": org.short_name, "level": org.level}


def _metrics():
    from . import metrics as registry

    out = [{"code": m.code, "label": str(m.label), "section": m.section, "kind": "metric", "unit": m.unit,
            "shown": m.shown} for m in registry.all_metrics()]
    out += [{"code": r.code, "label": str(r.label), "section": r.section, "kind": "ratio",
             "unit": "percent" if r.percent else "number", "shown": True} for r in registry.all_ratios()]
    return out


@router.get("/reports/dashboard", response={200: DashboardOut, **READ_ERRORS, **error_responses(400, 403)},
            summary="The figures of an org's statistics dashboard")
def get_dashboard(request, filters: Query[DashboardIn]):
    user = request.auth
    require(user, VIEW)
    year, industry = _year(filters.year), _industry(filters.industry)
    org = selectors.dashboard_org(user, filters.org)
    board = selectors.build_dashboard(user, org, year=year, industry=industry, with_due=False)
    return {
        "org": _org(org), "year": year, "industry": industry, "as_of": board.as_of,
        "figures": board.figures, "ratios": board.ratios,
        "own": {"figures": board.own.figures, "ratios": board.own.ratios} if board.own else None,
        "children": [{"org": _org(row.org), "figures": row.figures, "ratios": row.ratios} for row in board.rows],
        "metrics": _metrics(),
    }
