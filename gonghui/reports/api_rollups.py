"""/reports/rollups: the refreshes of the figures dashboards and the annual report read.

- `GET /reports/rollups` — refresh runs, newest first (keyset: `?after=&limit=`), filters `year`,
  `status`, `trigger`; `years` tells for each year with figures the run in use ("figures as of"
  its `finished_at`). Needs `reports.view` somewhere (runs belong to no org: one refresh computes
  the whole tree).
- `GET /reports/rollups/{id}` — one run.
- `POST /reports/rollups/refresh` `{"year": 2026}` — queue a refresh now (`reports.refresh`:
  district staff). Answers 202 with the run; the job starts after the request commits. Asking
  again while the year's refresh is still queued returns that same run (safe to retry).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router
from ninja.responses import Status

from gonghui.core.api_support import READ_ERRORS, WRITE_ERRORS, ApiSchema, Id, PageMeta, PageParams, not_found, paginate

from .models.rollups import RollupStatus, RollupTrigger
from .policies import rollups as policies
from .selectors import rollups as selectors
from .services import rollups as services

router = Router(tags=["reports-rollups"])


class RunOut(ApiSchema):
    id: int
    year: int
    trigger: RollupTrigger
    status: RollupStatus
    requested_by: str | None = Field(description="Login of who asked for it; null for the scheduler.")
    requested_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None = Field(description="The figures' \"as of\" time once done.")
    rows: int = Field(description="Figures written (non-zero values of every org, industry and part).")
    seconds: Decimal
    error: str


class YearInUse(ApiSchema):
    year: int
    run_id: int
    as_of: datetime.datetime | None


class RunPage(PageMeta):
    items: list[RunOut]
    years: list[YearInUse]


class RunFiltersIn(PageParams):
    year: int | None = Field(None, ge=1990, le=2100)
    status: RollupStatus | None = None
    trigger: RollupTrigger | None = None


class RefreshIn(ApiSchema):
    year: int = Field(description="The year to recompute (from the first year of records to this year).")


def run_out(run) -> dict:
    return {"id": run.pk, "year": run.year, "trigger": run.trigger, "status": run.status,
            "requested_by": run.requested_by.get_username() if run.requested_by_id else None,
            "requested_at": run.requested_at, "started_at": run.started_at, "finished_at": run.finished_at,
            "rows": run.rows, "seconds": run.seconds, "error": run.error}


def _require_view(user):
    if not policies.can(user, policies.VIEW):
        raise PermissionDenied


@router.get("/reports/rollups", response={200: RunPage, **READ_ERRORS, 403: READ_ERRORS[401]},
            summary="List the refreshes of the statistics")
def list_runs(request, filters: Query[RunFiltersIn]):
    user = request.auth
    _require_view(user)
    page = paginate(selectors.runs(user, {"year": filters.year, "status": filters.status or "",
                                          "trigger": filters.trigger or ""}), filters, row=run_out)
    page["years"] = [{"year": year, "run_id": run.pk, "as_of": run.finished_at}
                     for year, run in selectors.years_in_use()]
    return page


@router.post("/reports/rollups/refresh", response={202: RunOut, **WRITE_ERRORS},
             summary="Refresh a year's statistics now")
def refresh(request, payload: RefreshIn):
    """District staff only (`reports.refresh`). A bad year answers 400 `bad_year`."""
    run = services.request_refresh(actor=request.auth, year=payload.year)
    run = selectors.run_detail(request.auth, run.pk) or run
    return Status(202, run_out(run))


# After /refresh: the path of an id would otherwise answer the POST with 405.
@router.get("/reports/rollups/{run_id}", response={200: RunOut, **READ_ERRORS, 403: READ_ERRORS[401]},
            summary="Get one refresh")
def get_run(request, run_id: Id):
    user = request.auth
    _require_view(user)
    run = selectors.run_detail(user, run_id)
    if run is None:
        raise not_found()
    return run_out(run)
