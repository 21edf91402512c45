"""/theme-activities: theme activities (中国梦·劳动美, 五进五送), their workflow and the yearly counts.

- Reads are scoped (the organiser's subtree); an activity outside the caller's scope answers 404
  like a missing one; an org named in a body the caller cannot use is 400 `unknown_reference`.
- `POST /theme-activities` logs a DRAFT (Idempotency-Key replays the first answer); workflow
  actions `POST /theme-activities/{id}/<action>`: update, submit, review (CONFIRMED / RETURNED
  with a reason). A step the status does not allow answers 400 `wrong_stage`.
- `GET /theme-activities/stats?year=` — the yearly counts by town and theme (confirmed only).
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`.
- Photos: `POST /theme-activities/{id}/photos` (multipart `file` + optional `caption`; JPG/PNG by
  content, size and count limits, nothing stored on a bad file), `GET …/photos/{photo_id}` (the
  image, private: scope checked, attachment, no cache), `DELETE …/photos/{photo_id}` — while the
  activity is a draft or returned, like the pages.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Form, Header, Query, Router
from ninja.files import UploadedFile
from pydantic import ConfigDict

from gonghui.core.api_support import (
    IDEMPOTENCY_HEADER_DOC,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiSchema,
    Id,
    PageMeta,
    PageParams,
    Ref,
    Text,
    idempotent,
    not_found,
    paginate,
    ref,
    resolve,
    workflow_actions,
)
from gonghui.core.policies import require
from gonghui.core.uploads import private_file_response
from gonghui.orgs.models import Org

from .models.activities import ActivityPhoto, ActivityStatus
from .policies import activities as policies
from .selectors import activities as selectors
from .services import activities as services

router = Router(tags=["theme-activities"])


class ActivityRow(ApiSchema):
    id: int
    org: Ref = Field(description="The organiser.")
    town: Ref | None = Field(description="The organiser's town; null for the district's own activities.")
    theme: str = Field(description="A theme code of the configured list (PUBLICITY_ACTIVITIES_RULES['themes']).")
    theme_label: str
    title: str
    held_on: datetime.date
    place: str
    participants: int = Field(description="Participants, person-times.")
    status: ActivityStatus


class ActivityPage(PageMeta):
    items: list[ActivityRow]


class PhotoOut(ApiSchema):
    id: int
    caption: str
    url: str = Field(description="The private page URL of the image (session login, scope checked).")
    api_url: str = Field(description="The same image through the API (token; scope checked).")


class ActionsOut(ApiSchema):
    edit: bool
    submit: bool
    review: bool
    photos: bool


class ActivityDetail(ActivityRow):
    content: str
    organisers: str
    return_reason: str
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    photos: list[PhotoOut]
    actions: ActionsOut


class FiltersIn(PageParams):
    org: Id | None = Field(None, description="Only this town's or union's subtree.")
    theme: Text(20) | None = None
    status: ActivityStatus | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = Field(None, description="Inclusive.")
    year: int | None = Field(None, ge=2000, le=2100, description="Held in this year.")
    q: Text(60) | None = Field(None, description="Part of the title, place or organiser's name.")


class ActivityIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    theme: Text(20)
    title: Text(120)
    held_on: datetime.date
    place: Text(120)
    content: Text(4000)
    participants: int = Field(ge=1, le=1_000_000)
    organisers: Text(200) = ""


class CreateIn(ActivityIn):
    org: Id = Field(description="The organiser: a union, a town or the district in the caller's reach.")


class EmptyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")


class ReviewIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(pattern="^(CONFIRMED|RETURNED)$")
    reason: Text(400) = Field("", description="Required to return.")


class CellOut(ApiSchema):
    activities: int
    participants: int


class StatsRowOut(ApiSchema):
    town: Ref | None = Field(description="Null: the district's own activities (“District level”) or the total.")
    label: str
    activities: int
    participants: int
    organisers: int
    pending: int
    by_theme: dict[str, CellOut]


class StatsOut(ApiSchema):
    year: int
    themes: list[dict[str, str]]
    rows: list[StatsRowOut]
    total: StatsRowOut


def row(a):
    return {"id": a.pk, "org": ref(a.org), "town": ref(a.town), "theme": a.theme, "theme_label": str(a.theme_label),
            "title": a.title, "held_on": a.held_on, "place": a.place, "participants": a.participants,
            "status": a.status}


def detail(user, a):
    a = selectors.activity_rows().get(pk=a.pk)
    return {**row(a), "content": a.content, "organisers": a.organisers, "return_reason": a.return_reason,
            "submitted_at": a.submitted_at, "reviewed_at": a.reviewed_at,
            "photos": [{"id": p.pk, "caption": p.caption,
                        "url": reverse("publicity:activity_photo", args=[a.pk, p.pk]),
                        "api_url": f"/api/v1/theme-activities/{a.pk}/photos/{p.pk}"}
                       for p in selectors.photos_of(a)],
            "actions": vars(policies.activity_actions(user, a))}


def _load(user, activity_id):
    a = selectors.activities(user).select_related("org", "town").filter(pk=activity_id).first()
    if a is None:
        raise not_found()
    return a


@router.get("/theme-activities", response={200: ActivityPage, **READ_ERRORS}, summary="List theme activities")
def list_activities(request, filters: Query[FiltersIn]):
    user = request.auth
    require(user, policies.VIEW)
    org = None
    if filters.org is not None:
        org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first()
    qs = selectors.filtered_activities(user, selectors.ActivityFilters(
        q=filters.q or "", org=org, theme=filters.theme or "", status=filters.status or "",
        date_from=filters.date_from, date_to=filters.date_to, year=filters.year))
    if filters.org is not None and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=row, load=selectors.activity_rows())


def _stats_row(r, towns):
    return {"town": ref(towns.get(r.town_id)) if r.town_id else None, "label": str(r.label),
            "activities": r.activities, "participants": r.participants, "organisers": r.organisers,
            "pending": r.pending,
            "by_theme": {k: {"activities": c.activities, "participants": c.participants}
                         for k, c in r.by_theme.items()}}


@router.get("/theme-activities/stats", response={200: StatsOut, **READ_ERRORS},
            summary="Theme activities of a year by town and theme (confirmed only)")
def activity_stats(request, year: int = Query(None, ge=2000, le=2100)):
    user = request.auth
    require(user, policies.VIEW)
    stats = selectors.yearly_stats(user, year or timezone.localdate().year)
    towns = Org.objects.in_bulk([r.town_id for r in stats.rows if r.town_id])
    return {"year": stats.year, "themes": [{"code": c, "label": str(label)} for c, label in stats.themes],
            "rows": [_stats_row(r, towns) for r in stats.rows], "total": _stats_row(stats.total, towns)}


@router.get("/theme-activities/{activity_id}", response={200: ActivityDetail, **READ_ERRORS},
            summary="Get a theme activity")
def get_activity(request, activity_id: Id):
    user = request.auth
    return detail(user, _load(user, activity_id))


@router.post("/theme-activities", response={201: ActivityDetail, **WRITE_ERRORS},
             summary="Log a theme activity (draft)")
def create_activity(request, payload: CreateIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                         description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        org = resolve(Org.objects.visible_to(user, policies.CHANGE), payload.org, field="org")
        values = payload.dict(exclude={"org"})
        a = services.log_activity(actor=user, org=org, **values)
        return 201, detail(user, a)

    return idempotent(request, idempotency_key, payload, run, schema=ActivityDetail)


_action = workflow_actions(router, path="/theme-activities", id_param="activity_id", load=_load, render=detail,
                           response=ActivityDetail, operation_prefix="theme_activity")


@_action("update", "Edit a draft or returned activity", ActivityIn)
def update(user, a, p):
    services.update_activity(actor=user, activity=a, **p.dict())


@_action("submit", "Submit to the town for confirmation", EmptyIn)
def submit(user, a, p):
    services.submit_activity(actor=user, activity=a)


@_action("review", "The town's decision: confirm or return with a reason", ReviewIn)
def review(user, a, p):
    services.review_activity(actor=user, activity=a, decision=p.decision, reason=p.reason)


def _photo(user, activity_id, photo_id):
    a = _load(user, activity_id)
    photo = ActivityPhoto.objects.filter(pk=photo_id, activity=a).first()
    if photo is None:
        raise not_found()
    return a, photo


@router.post("/theme-activities/{activity_id}/photos", response={201: ActivityDetail, **WRITE_ERRORS},
             summary="Add a photo (multipart: file, caption; JPG or PNG)", operation_id="theme_activity_photo_add")
def add_photo(request, activity_id: Id, file: File[UploadedFile], caption: str = Form("", max_length=120)):
    user = request.auth
    a = _load(user, activity_id)
    require(user, policies.CHANGE, a.org)  # rights before reading the upload
    services.add_photo(actor=user, activity=a, upload=file, caption=caption)
    return 201, detail(user, a)


@router.get("/theme-activities/{activity_id}/photos/{photo_id}", response={200: None, **READ_ERRORS},
            summary="Download a photo", operation_id="theme_activity_photo_get")
def get_photo(request, activity_id: Id, photo_id: Id):
    _a, photo = _photo(request.auth, activity_id, photo_id)
    ext = "jpg" if photo.kind == "jpeg" else "png"
    response = private_file_response(photo.image, f"activity-{photo.activity_id}-{photo.pk}.{ext}")
    response["Content-Type"] = "image/jpeg" if photo.kind == "jpeg" else "image/png"
    return response


@router.delete("/theme-activities/{activity_id}/photos/{photo_id}", response={200: ActivityDetail, **WRITE_ERRORS},
               summary="Remove a photo", operation_id="theme_activity_photo_delete")
def delete_photo(request, activity_id: Id, photo_id: Id):
    user = request.auth
    a, photo = _photo(user, activity_id, photo_id)
    services.delete_photo(actor=user, photo=photo)
    return detail(user, a)
