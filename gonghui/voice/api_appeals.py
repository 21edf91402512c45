"""/appeals: 诉求 handling for cadres.

- Reads go through the selectors (scope: the holding org's subtree); an appeal outside the caller's
  scope answers 404 like a missing one; an org named in a body the caller cannot use is 400
  `unknown_reference` on that field.
- The detail carries the whole history, internal notes and transfer reasons included (cadres
  only: the worker's API is the intake area's and shows public lines only). Mobiles are masked.
- Workflow actions (`POST /appeals/{id}/<action>`: dispatch, transfer, accept, note, reply, close)
  each call one service. A rule that refuses the step answers 400 with its code and field; a step
  the status does not allow 409 `wrong_stage`.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`.
- Files: the detail lists the appeal's `attachments`; `GET /appeals/{id}/attachments/{file_id}`
  sends one (private: scope checked, attachment, no cache); `POST /appeals/{id}/attachments`
  (multipart `file` + optional `public`, `note`; `voice.change`, open appeals) adds a PDF, JPG or
  PNG checked by content, size limit UPLOAD_MAX_BYTES, nothing stored on a bad file (400 `file`).
"""

import datetime

from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict

from gonghui.core.api_support import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiSchema,
    Id,
    PageMeta,
    PageParams,
    Ref,
    Text,
    not_found,
    paginate,
    ref,
    resolve,
    workflow_actions,
)
from gonghui.core.policies import require
from gonghui.core.uploads import private_file_response
from gonghui.orgs.models import Org

from .models.appeals import AppealAttachment, AppealCategory, AppealChannel, AppealEventKind, AppealResult, AppealStatus
from .policies import appeals as policies
from .selectors import appeals as selectors
from .services import appeals as services

router = Router(tags=["voice-appeals"])


class AppealRow(ApiSchema):
    id: int
    number: str
    category: AppealCategory
    channel: AppealChannel
    title: str
    anonymous: bool
    worker_name: str = Field(description="The member's or the contact's name; empty when anonymous.")
    phone_masked: str
    org: Ref = Field(description="The org handling it now.")
    town: Ref | None
    status: AppealStatus
    received_at: datetime.datetime
    due_on: datetime.date
    overdue: bool
    escalation_level: int
    escalated_to: Ref | None
    closed_at: datetime.datetime | None
    closed_on_time: bool | None
    result: str = Field(description="AppealResult once closed; empty before.")
    satisfaction: int | None


class AppealPage(PageMeta):
    items: list[AppealRow]


class EventOut(ApiSchema):
    id: int
    kind: AppealEventKind
    public: bool = Field(description="True: the worker sees this line; false: internal.")
    text: str
    reason: str = Field(description="Internal reason of a transfer or instructions of a dispatch.")
    from_org: Ref | None
    to_org: Ref | None
    actor_org: Ref | None
    actor: str = Field(description="The cadre's username (internal).")
    created_at: datetime.datetime
    attachments: list[str] = Field(description="File names; the files themselves (ids, download URLs) are in "
                                               "the appeal's `attachments`.")


class AttachmentOut(ApiSchema):
    id: int
    name: str = Field(description="The sender's file name (the file is stored under another).")
    size: int = Field(description="Bytes.")
    content_type: str
    public: bool = Field(description="True: the worker sees this file; false: internal.")
    event_id: int | None = Field(description="The history line it was added with.")
    uploaded_at: datetime.datetime
    url: str = Field(description="The private page URL of the file (session login, scope checked).")
    api_url: str = Field(description="The same file through the API (token; scope checked).")


class ActionsOut(ApiSchema):
    accept: bool
    dispatch: bool
    transfer_up: bool
    transfer_down: bool
    note: bool
    reply: bool
    close: bool
    reveal: bool
    attach: bool = Field(description="May add a file (POST /appeals/{id}/attachments).")


class AppealDetail(AppealRow):
    content: str
    enterprise: Ref | None
    enterprise_name: str
    clock_started_on: datetime.date
    working_days_left: int | None = Field(description="Negative: overdue by that many; null once closed.")
    result_text: str
    events: list[EventOut]
    attachments: list[AttachmentOut]
    actions: ActionsOut


class FiltersIn(PageParams):
    org: Id | None = Field(None, description="Only this org's subtree.")
    holder: Id | None = Field(None, description="Held by exactly this org (not its subtree).")
    town: Id | None = None
    status: AppealStatus | None = None
    category: AppealCategory | None = None
    channel: AppealChannel | None = None
    overdue: bool = False
    due_soon: bool = False
    escalated: str | None = Field(None, pattern="^(any|me)$")
    mine: bool = Field(False, description="Held by the caller's own orgs only, not below.")
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    month: int | None = Field(None, ge=1, le=12)
    closed_on_time: str | None = Field(None, pattern="^(yes|no)$")
    q: Text(60) | None = Field(None, description="Start of the number or the worker's name, or part of the title.")


class DispatchIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    to_org: Id = Field(description="An org below the holder (the holder is the district or a town).")
    note: Text(2000) = ""


class TransferIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    to_org: Id = Field(description="The org above the holder, or one below it.")
    reason: Text(2000)


class EmptyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")


class TextIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    text: Text(2000)


class CloseIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    result: AppealResult
    result_text: Text(2000)


def row(a, today=None):
    today = today or services.today()
    open_ = a.status in (AppealStatus.NEW, AppealStatus.HANDLING)
    name = "" if a.anonymous else (a.person.name if a.person_id else a.contact_name)
    phone = "" if a.anonymous else (a.contact_phone_masked or (a.person.phone_masked if a.person_id else ""))
    return {"id": a.pk, "number": a.number, "category": a.category, "channel": a.channel, "title": a.title,
            "anonymous": a.anonymous, "worker_name": name, "phone_masked": phone, "org": ref(a.org),
            "town": ref(a.town), "status": a.status, "received_at": a.received_at, "due_on": a.due_on,
            "overdue": open_ and a.due_on < today, "escalation_level": a.escalation_level,
            "escalated_to": ref(a.escalated_to), "closed_at": a.closed_at, "closed_on_time": a.closed_on_time,
            "result": a.result, "satisfaction": a.satisfaction}


def event_row(e):
    return {"id": e.pk, "kind": e.kind, "public": e.public, "text": e.text, "reason": e.reason,
            "from_org": ref(e.from_org), "to_org": ref(e.to_org), "actor_org": ref(e.actor_org),
            "actor": e.actor.get_username() if e.actor_id else "", "created_at": e.created_at,
            "attachments": [f.name for f in e.attachments.all()]}


def attachment_row(f):
    return {"id": f.pk, "name": f.name, "size": f.size, "content_type": f.content_type, "public": f.public,
            "event_id": f.event_id, "uploaded_at": f.uploaded_at,
            "url": reverse("voice:appeal_attachment", args=[f.appeal_id, f.pk]),
            "api_url": f"/api/v1/appeals/{f.appeal_id}/attachments/{f.pk}"}


def detail(user, a):
    a = selectors.appeal_rows().get(pk=a.pk)
    open_ = a.status in (AppealStatus.NEW, AppealStatus.HANDLING)
    actions = vars(policies.appeal_actions(user, a))
    return {**row(a), "content": a.content, "enterprise": ref(a.enterprise), "enterprise_name": a.enterprise_name,
            "clock_started_on": a.clock_started_on, "result_text": a.result_text,
            "working_days_left": services.working_days_left(a) if open_ else None,
            "events": [event_row(e) for e in selectors.events_of(a)],
            "attachments": [attachment_row(f) for f in selectors.attachments_of(a)],
            # a file is added where a reply could be: an open appeal, `voice.change` on its holder
            "actions": {**actions, "attach": actions["reply"]}}


def _load(user, appeal_id):
    a = selectors.appeals(user).select_related("org").filter(pk=appeal_id).first()
    if a is None:
        raise not_found()
    return a


def _visible_org(user, pk):
    return Org.objects.visible_to(user, policies.VIEW).filter(pk=pk).first() if pk is not None else None


@router.get("/appeals", response={200: AppealPage, **READ_ERRORS}, summary="List appeals")
def list_appeals(request, filters: Query[FiltersIn]):
    user = request.auth
    require(user, policies.VIEW)
    org, town = _visible_org(user, filters.org), _visible_org(user, filters.town)
    holder = _visible_org(user, filters.holder)
    qs = selectors.filtered_appeals(user, selectors.AppealFilters(
        q=filters.q or "", org=org, holder=holder, town=town, status=filters.status or "",
        category=filters.category or "",
        channel=filters.channel or "", overdue=filters.overdue, due_soon=filters.due_soon,
        escalated=filters.escalated or "", mine=filters.mine, received_from=filters.received_from,
        received_to=filters.received_to, year=filters.year, month=filters.month if filters.year else None,
        closed_on_time=filters.closed_on_time or ""))
    if any(asked is not None and found is None
           for asked, found in ((filters.org, org), (filters.town, town), (filters.holder, holder))):
        qs = qs.none()
    today = services.today()
    return paginate(qs, filters, row=lambda a: row(a, today), load=selectors.appeal_rows())


@router.get("/appeals/{appeal_id}", response={200: AppealDetail, **READ_ERRORS},
            summary="Get an appeal with its whole history (internal lines included)")
def get_appeal(request, appeal_id: Id):
    user = request.auth
    return detail(user, _load(user, appeal_id))


_action = workflow_actions(router, path="/appeals", id_param="appeal_id", load=_load, render=detail,
                           response=AppealDetail, operation_prefix="appeal")


@_action("dispatch", "Dispatch an appeal held by the district or a town to an org below it", DispatchIn)
def dispatch(user, a, p):
    to_org = resolve(Org.objects.visible_to(user, policies.CHANGE), p.to_org, field="to_org")
    services.dispatch(actor=user, appeal=a, to_org=to_org, note=p.note)


@_action("transfer", "Transfer up (to the org above) or down (to an org below), with a reason", TransferIn)
def transfer(user, a, p):
    """The org above may lie outside the caller's reach: it is looked up among all orgs, and the
    service accepts only the holder's parent or an org below the holder."""
    parent = services.parent_of(a.org)
    if parent is not None and parent.pk == p.to_org:
        to_org = parent
    else:
        to_org = resolve(Org.objects.visible_to(user, policies.VIEW), p.to_org, field="to_org")
    services.transfer(actor=user, appeal=a, to_org=to_org, reason=p.reason)


@_action("accept", "Accept (NEW → HANDLING)", EmptyIn)
def accept(user, a, p):
    services.accept(actor=user, appeal=a)


@_action("note", "Add an internal note (never shown to the worker)", TextIn)
def note(user, a, p):
    services.add_note(actor=user, appeal=a, text=p.text)


@_action("reply", "Reply to the worker (the worker sees it)", TextIn)
def reply(user, a, p):
    services.reply(actor=user, appeal=a, text=p.text)


@_action("close", "Close with a result told to the worker", CloseIn)
def close(user, a, p):
    services.close(actor=user, appeal=a, result=p.result, result_text=p.result_text)


@router.post("/appeals/{appeal_id}/attachments", response={201: AppealDetail, **WRITE_ERRORS},
             summary="Add a file (multipart: file, public, note; PDF, JPG or PNG)",
             operation_id="appeal_attachment_add")
def add_attachment(request, appeal_id: Id, file: File[UploadedFile] = None, public: bool = Form(False),
                   note: str = Form("")):
    """Internal by default (an internal NOTE line); `public=true` shows it to the worker (a REPLY
    line, the worker told). A refused file stores nothing: 400 with `field` = `file`."""
    user = request.auth
    a = _load(user, appeal_id)
    require(user, policies.CHANGE, a.org)  # rights before reading the upload
    services.add_attachment(actor=user, appeal=a, upload=file, public=public, note=note)
    return Status(201, detail(user, a))


@router.get("/appeals/{appeal_id}/attachments/{file_id}", response={200: None, **READ_ERRORS},
            summary="Download a file of an appeal", operation_id="appeal_attachment_get")
def get_attachment(request, appeal_id: Id, file_id: Id):
    a = _load(request.auth, appeal_id)
    f = AppealAttachment.objects.filter(pk=file_id, appeal=a).first()
    if f is None:
        raise not_found()
    return private_file_response(f.file, f.name)
