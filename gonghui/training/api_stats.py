"""/training-stats (the year's training figures against the targets) and /training-targets.

- `GET /training-stats?year=` — the same figures as the statistics page (`selectors.stats`), in
  the caller's reach (`training.view`): the total, the breakdowns by town, worker school,
  programme, industry and year, and the year's targets with their progress. Seven queries.
- `GET /training-targets?year=` — the targets the caller may see.
- `POST /training-targets` — set a target (district staff, `training.configure`); one per org
  and year: a second is 400 `duplicate` on `year`.
- `PUT /training-targets/{id}` — edit one. A target out of scope answers 404.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router

from gonghui.core.api_support import READ_ERRORS, WRITE_ERRORS, ApiError, ApiSchema, Id, Ref, get_visible, ref, resolve
from gonghui.core.policies import require
from gonghui.orgs.models import Org

from .models import TrainingTarget
from .policies.stats import CONFIGURE, VIEW
from .rules.stats import rules
from .selectors import stats as selectors
from .services import stats as services

router = Router(tags=["training"])


class FiguresOut(ApiSchema):
    trainees: int = Field(description="Distinct people holding a seat (once per year however many courses).")
    person_times: int = Field(description="Seat enrolments (ENROLLED, COMPLETED, NOT_COMPLETED).")
    hours: Decimal = Field(description="Hours of the sessions attended (present or late), over the trainees.")
    completed: int
    decided: int = Field(description="COMPLETED + NOT_COMPLETED.")
    completion_rate: Decimal | None = Field(description="completed ÷ decided, percent; null when none decided.")
    certificates: int = Field(description="Valid (not revoked) certificates.")


class TargetOut(ApiSchema):
    id: int
    org: Ref
    year: int
    trainees: int
    person_times: int
    hours: Decimal
    note: str
    updated_at: datetime.datetime


class RowOut(ApiSchema):
    key: str | int | None = Field(description="Town / school id, programme / industry code, year; null: none.")
    label: str
    figures: FiguresOut
    target: TargetOut | None = None
    trainees_progress: Decimal | None = Field(None, description="Percent of the trainees target.")
    person_times_progress: Decimal | None = None
    hours_progress: Decimal | None = None


class StatsOut(ApiSchema):
    year: int
    computed_at: datetime.datetime | None = Field(None, description="When the figures were counted (they are kept for "
                                                               "a few minutes, FIGURES_CACHE_SECONDS).")
    total: FiguresOut
    targets: list[RowOut]
    by_town: list[RowOut]
    by_school: list[RowOut]
    by_programme: list[RowOut]
    by_industry: list[RowOut]
    by_year: list[RowOut]


class YearIn(ApiSchema):
    year: int | None = Field(None, description="Default: this year.")


def _target(t):
    if t is None:
        return None
    return {"id": t.pk, "org": ref(t.org), "year": t.year, "trainees": t.trainees, "person_times": t.person_times,
            "hours": t.hours, "note": t.note, "updated_at": t.updated_at}


def _row(row):
    return {"key": row.key, "label": str(row.label), "figures": row.figures.as_dict(), "target": _target(row.target),
            "trainees_progress": row.trainees_progress, "person_times_progress": row.person_times_progress,
            "hours_progress": row.hours_progress}


def _year(value):
    r = rules()
    if value is None:
        return timezone.localdate().year
    if not r.first_year <= value <= r.last_year:
        message = _("The year must be between %(first)s and %(last)s.") % {"first": r.first_year, "last": r.last_year}
        raise ApiError(400, "bad_year", message, field="year",
                       errors=[{"field": "year", "code": "bad_year", "message": message}])
    return value


@router.get("/training-stats", response={200: StatsOut, **READ_ERRORS}, summary="Training statistics of a year")
def get_stats(request, filters: Query[YearIn]):
    user = request.auth
    require(user, VIEW)
    stats = selectors.training_stats(user, year=_year(filters.year))
    return {"year": stats.year, "computed_at": stats.computed_at, "total": stats.total.as_dict(),
            "targets": [_row(r) for r in stats.targets],
            **{f"by_{key}": [_row(r) for r in rows] for key, _title, _first, rows in stats.breakdowns()}}


@router.get("/training-targets", response={200: list[TargetOut], **READ_ERRORS}, summary="List yearly targets")
def list_targets(request, filters: Query[YearIn]):
    user = request.auth
    require(user, VIEW)
    return [_target(t) for t in selectors.visible_targets(user, year=filters.year)]


class TargetIn(ApiSchema):
    org: int = Field(description="The district or a town / platform federation.")
    year: int
    trainees: int = Field(ge=0)
    person_times: int = Field(ge=0)
    hours: Decimal = Field(ge=0, max_digits=10, decimal_places=1)
    note: str = Field("", max_length=400)


def _save(user, payload, target=None):
    org = resolve(Org.objects.visible_to(user, CONFIGURE), payload.org, field="org")
    row = services.set_target(actor=user, org=org, year=payload.year, trainees=payload.trainees,
                              person_times=payload.person_times, hours=payload.hours, note=payload.note,
                              target=target)
    return _target(TrainingTarget.objects.select_related("org").get(pk=row.pk))


@router.post("/training-targets", response={201: TargetOut, **WRITE_ERRORS}, summary="Set a yearly target")
def create_target(request, payload: TargetIn):
    user = request.auth
    require(user, CONFIGURE)
    return 201, _save(user, payload)


@router.put("/training-targets/{target_id}", response={200: TargetOut, **WRITE_ERRORS}, summary="Edit a yearly target")
def update_target(request, target_id: Id, payload: TargetIn):
    user = request.auth
    target = get_visible(TrainingTarget.objects.select_related("org"), user, target_id, VIEW)
    require(user, CONFIGURE, target.org)
    return _save(user, payload, target)
