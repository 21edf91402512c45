"""/competition-activities: on-the-job activities (岗位成才/建功/练兵) and their participants.

Scoped to the organising org's subtree (out of scope: 404). Recording, editing, deleting and the
participants need `competitions.change` on the organiser (403 otherwise); rules refused answer
400 with code and field (e.g. `not_a_member` on `person`, `already_exists`). Creating POSTs accept
an Idempotency-Key. Lists: keyset pagination, newest first."""

import datetime

from ninja import Field, Header, Query, Router, Status
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
)
from gonghui.members.models import Person
from gonghui.orgs.models import Org

from .models.activities import ActivityKind
from .policies import activities as policies
from .selectors import activities as selectors
from .services import activities as services

router = Router(tags=["competition-activities"])


class ActivityRow(ApiSchema):
    id: int
    org: Ref
    kind: ActivityKind
    title: str
    held_on: datetime.date
    ends_on: datetime.date | None
    place: str
    participants: int


class ActivityPage(PageMeta):
    items: list[ActivityRow]


class ParticipantOut(ApiSchema):
    id: int
    person: Ref
    result: str
    note: str


class ActivityDetail(ActivityRow):
    description: str
    participant_list: list[ParticipantOut]
    can_change: bool


class FiltersIn(PageParams):
    kind: ActivityKind | None = None
    org: Id | None = Field(None, description="Only activities of this town's or union's subtree.")
    year: int | None = Field(None, ge=2000, le=2100)
    q: Text(60) | None = Field(None, description="Part of the title, the organiser's name or the place.")


class ActivityIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: ActivityKind
    title: Text(120)
    held_on: datetime.date
    ends_on: datetime.date | None = None
    place: Text(120) = ""
    description: Text(4000) = ""


class CreateIn(ActivityIn):
    org: Id = Field(description="The organising union or town.")


class ParticipantIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    person: Id = Field(description="A live member of the organiser's subtree.")
    result: Text(120) = ""
    note: Text(200) = ""


def activity_row(a):
    return {"id": a.pk, "org": ref(a.org), "kind": a.kind, "title": a.title, "held_on": a.held_on,
            "ends_on": a.ends_on, "place": a.place, "participants": a.participant_count}


def activity_out(user, a):
    a = type(a).objects.select_related("org").get(pk=a.pk)
    return {**activity_row(a), "description": a.description, "can_change": policies.can(user, policies.CHANGE, a.org),
            "participant_list": [{"id": p.pk, "person": ref(p.person), "result": p.result, "note": p.note}
                                 for p in selectors.participants_of(a)]}


def _activity(user, activity_id):
    a = selectors.activities(user).select_related("org").filter(pk=activity_id).first()
    if a is None:
        raise not_found()
    return a


@router.get("/competition-activities", response={200: ActivityPage, **READ_ERRORS},
            summary="List on-the-job activities")
def list_activities(request, filters: Query[FiltersIn]):
    user = request.auth
    org = None
    if filters.org is not None:
        org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first()
    qs = selectors.filtered(user, selectors.ActivityFilters(q=filters.q or "", org=org, kind=filters.kind or "",
                                                            year=filters.year))
    if filters.org is not None and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=activity_row, load=selectors.page_rows())


@router.get("/competition-activities/{activity_id}", response={200: ActivityDetail, **READ_ERRORS},
            summary="Get an activity with its participants")
def get_activity(request, activity_id: Id):
    return activity_out(request.auth, _activity(request.auth, activity_id))


@router.post("/competition-activities", response={201: ActivityDetail, **WRITE_ERRORS},
             summary="Record an activity")
def create_activity(request, payload: CreateIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                         description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        data = payload.model_dump(exclude={"org"})
        a = services.create_activity(actor=user, org=org, **data)
        return 201, activity_out(user, a)

    return idempotent(request, idempotency_key, payload, run, schema=ActivityDetail)


@router.put("/competition-activities/{activity_id}", response={200: ActivityDetail, **WRITE_ERRORS},
            summary="Change an activity")
def update_activity(request, activity_id: Id, payload: ActivityIn):
    user = request.auth
    a = services.update_activity(actor=user, activity=_activity(user, activity_id), **payload.model_dump())
    return activity_out(user, a)


@router.delete("/competition-activities/{activity_id}", response={204: None, **WRITE_ERRORS},
               summary="Delete an activity and its participants")
def delete_activity(request, activity_id: Id):
    user = request.auth
    services.delete_activity(actor=user, activity=_activity(user, activity_id))
    return Status(204, None)


@router.post("/competition-activities/{activity_id}/participants", response={201: ActivityDetail, **WRITE_ERRORS},
             summary="Add a participant", operation_id="competition_activity_participant_add")
def add_participant(request, activity_id: Id, payload: ParticipantIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                         description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth
    a = _activity(user, activity_id)

    def run():
        person = resolve(Person.objects.visible_to(user), payload.person, field="person")
        services.add_participant(actor=user, activity=a, person=person, result=payload.result, note=payload.note)
        return 201, activity_out(user, a)

    return idempotent(request, idempotency_key, payload, run, schema=ActivityDetail)


@router.delete("/competition-activities/{activity_id}/participants/{participant_id}",
               response={200: ActivityDetail, **WRITE_ERRORS}, summary="Remove a participant",
               operation_id="competition_activity_participant_remove")
def remove_participant(request, activity_id: Id, participant_id: Id):
    user = request.auth
    a = _activity(user, activity_id)
    p = a.participants.filter(pk=participant_id).first()
    if p is None:
        raise not_found()
    services.remove_participant(actor=user, participant=p)
    return activity_out(user, a)
