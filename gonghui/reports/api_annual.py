"""/reports/annual — the annual statistics report of an org and a year (DESIGN.md resource
`reports/annual`): the same figures as the page and the files (`selectors.annual`).

`GET /reports/annual?year=&org=&industry=&format=json|xlsx|pdf`
- `format=json` (default, `reports.view`): the report as JSON — every value a decimal string
  keyed by metric or ratio code, null for a ratio with nothing to divide by;
- `format=xlsx|pdf` (`reports.export`): the workbook or the printable PDF, audited like the
  page's downloads.
`org` defaults to the top org of the caller's reach, `year` to this year (or the latest with
figures). An org out of reach is 404 like a missing one; a bad year or industry is 400 with its
field.
"""

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router

from gonghui.core.api_support import READ_ERRORS, ApiError, ApiSchema, Id, error_responses
from gonghui.core.policies import require

from .forms.annual import default_year
from .policies.annual import VIEW
from .rules.annual import rules
from .selectors import annual as selectors
from .services import annual as services
from .views.annual import file_response

router = Router(tags=["reports-annual"])


class AnnualIn(ApiSchema):
    year: int | None = Field(None, description="Default: this year, or the latest year with figures.")
    org: Id | None = Field(None, description="An org in the caller's reach; default: the top one.")
    industry: str = Field("", max_length=40, description="An industry code (GET /reports/dashboard lists them); "
                                                         "default: all.")
    format: Literal["json", "xlsx", "pdf"] = Field("json", description="json, or a file: xlsx or pdf.")


class OrgOut(ApiSchema):
    id: int
    name: str
    level: str


class ColumnOut(ApiSchema):
    label: str
    kind: str = Field(description="metric or ratio")
    unit: str = Field(description="count, people, yuan or score (metrics); percent or number (ratios)")
    decimals: int
    help: str = Field(description="What is counted.")


class RowOut(ApiSchema):
    kind: str = Field(description="child (a direct child org), own (本级: held at the org itself) or total (合计)")
    org_id: int | None = Field(description="The child org; null for own and total.")
    label: str
    values: dict[str, str | None] = Field(description="code → decimal string; null: a ratio with a zero "
                                                      "denominator.")


class SectionOut(ApiSchema):
    code: str
    title: str
    columns: list[str]
    rows: list[RowOut]


class LevelOut(ApiSchema):
    level: str
    label: str
    values: dict[str, str | None]


class AnnualOut(ApiSchema):
    org: OrgOut
    year: int
    industry: str
    as_of: datetime.date = Field(description="State figures are taken on this day: min(31 December, today).")
    figures_as_of: datetime.datetime | None = Field(description="When the roll-ups were last refreshed; null: "
                                                                "never for this year.")
    generated_at: datetime.datetime
    columns: dict[str, ColumnOut] = Field(description="Every metric and ratio of the report, by code.")
    total: dict[str, str | None] = Field(description="The org's subtree (合计), by code.")
    sections: list[SectionOut]
    levels: list[LevelOut] = Field(description="The subtree split by the level of the holding org.")


def _bad(field, message):
    return ApiError(400, f"bad_{field}", message, field=field,
                    errors=[{"field": field, "code": f"bad_{field}", "message": message}])


def _choice(filters):
    r = rules()
    year = filters.year if filters.year is not None else default_year(selectors.available_years())
    if not r.first_year <= year <= r.last_year:
        raise _bad("year", _("The year must be between %(first)s and %(last)s.") % {"first": r.first_year,
                                                                                      "last": r.last_year})
    industry = filters.industry.strip()
    if industry and industry not in dict(selectors.industry_choices()):
        raise _bad("industry", _("Choose one of the industries in the list."))
    return year, industry


@router.get("/reports/annual", response={200: AnnualOut, **READ_ERRORS, **error_responses(400, 403)},
            summary="The annual statistics report of an org", operation_id="reports_annual")
def get_annual_report(request, filters: Query[AnnualIn]):
    user = request.auth
    require(user, VIEW)
    year, industry = _choice(filters)
    org = selectors.resolve_org(user, filters.org) if filters.org else selectors.default_org(user)
    if org is None:
        raise ApiError(404, "not_found", _("Not found."))
    report = selectors.build_annual_report(org=org, year=year, industry=industry)
    if filters.format == "json":
        return selectors.report_json(report)
    return file_response(services.export_annual_report(actor=user, report=report, fmt=filters.format))
