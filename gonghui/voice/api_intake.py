"""API of the `intake` area: how appeals arrive and what the worker sees.

- `POST /public/appeals`: no login; per-IP rate limit (`VOICE_INTAKE_RULES["public_submit_rate"]`,
  shared with the public form; 429 + Retry-After); `Idempotency-Key`: the same key and body from
  the same client IP answer the first response again (nothing new is created). Returns the
  number and the tracking code.
- `GET /public/appeals/{number}?code=&phone4=`: the public status and history. `number` is the
  appeal number or the tracking code; `phone4` the mobile's last 4 digits (an anonymous appeal:
  the tracking code alone). Rate-limited per IP (guessing). Every miss is the same 404.
- the member (a login linked to the registry; 404 otherwise): `GET /my/appeals`,
  `POST /my/appeals` (Idempotency-Key), `GET /my/appeals/{id}`,
  `POST /my/appeals/{id}/rate|reopen|withdraw`. Only their own appeals; any other id is a 404.
The worker's view never carries internal notes or cadres' names: public events, org names.
"""

import datetime

from ninja import Field, Header, Query, Router

from gonghui.core.api_support import (
    IDEMPOTENCY_HEADER_DOC,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiSchema,
    Id,
    PageMeta,
    PageParams,
    Text,
    enforce_rate,
    error_responses,
    idempotent,
    not_found,
    paginate,
    resolve,
    workflow_actions,
)
from gonghui.core.context import client_ip
from gonghui.members.models import Membership
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Enterprise

from .models.appeals import AppealCategory, AppealChannel
from .rules.intake import rules
from .selectors import intake as selectors
from .services import intake as services
from .views.intake import SUBMIT_RATE_SCOPE, TRACK_RATE_SCOPE

router = Router(tags=["voice-intake"])
PUBLIC_ERRORS = error_responses(400, 404, 409, 422, 429)


class EventOut(ApiSchema):
    kind: str
    kind_label: str
    at: datetime.datetime
    text: str
    org: str = Field(description="The acting org's name (never a person's).")


class WorkerAppealOut(ApiSchema):
    id: int
    number: str
    category: str
    category_label: str
    title: str
    content: str
    anonymous: bool
    status: str
    status_label: str
    received_at: datetime.datetime
    due_on: datetime.date
    handled_by: str
    result: str
    result_label: str
    result_text: str
    satisfaction: int | None
    reopen_count: int
    can_rate: bool
    can_reopen: bool
    can_withdraw: bool
    events: list[EventOut] = []


class MyAppealRow(ApiSchema):
    id: int
    number: str
    category: str
    title: str
    status: str
    status_label: str
    received_at: datetime.datetime
    due_on: datetime.date
    handled_by: str


class MyAppealPage(PageMeta):
    items: list[MyAppealRow]


class SubmittedOut(ApiSchema):
    number: str
    tracking_code: str
    status: str
    due_on: datetime.date
    handled_by: str


class PublicAppealIn(ApiSchema):
    category: AppealCategory
    title: Text(120)
    content: Text(5000)
    anonymous: bool = False
    name: Text(64) = ""
    mobile: Text(20) = ""
    enterprise: Text(200) = Field("", description="The enterprise's exact name or unified social credit code.")

    model_config = {"extra": "forbid"}


class MyAppealIn(ApiSchema):
    category: AppealCategory
    title: Text(120)
    content: Text(5000)
    anonymous: bool = False
    enterprise: Id | None = Field(None, description="An enterprise of the member's memberships (default: the "
                                                    "live membership's); another one by `enterprise_name`.")
    enterprise_name: Text(200) = ""

    model_config = {"extra": "forbid"}


class RateIn(ApiSchema):
    score: int = Field(ge=1, le=5)
    comment: Text(400) = ""

    model_config = {"extra": "forbid"}


class ReasonIn(ApiSchema):
    reason: Text(1000) = ""

    model_config = {"extra": "forbid"}


def worker_out(appeal, *, events=True) -> dict:
    return {
        "id": appeal.pk, "number": appeal.number, "category": appeal.category,
        "category_label": str(appeal.get_category_display()), "title": appeal.title, "content": appeal.content,
        "anonymous": appeal.anonymous, "status": appeal.status, "status_label": str(appeal.get_status_display()),
        "received_at": appeal.received_at, "due_on": appeal.due_on, "handled_by": appeal.org.name,
        "result": appeal.result, "result_label": str(appeal.get_result_display()) if appeal.result else "",
        "result_text": appeal.result_text, "satisfaction": appeal.satisfaction, "reopen_count": appeal.reopen_count,
        "can_rate": services.can_rate(appeal), "can_reopen": services.can_reopen(appeal),
        "can_withdraw": services.can_withdraw(appeal),
        "events": [{"kind": e.kind, "kind_label": str(e.get_kind_display()), "at": e.created_at, "text": e.text,
                    "org": selectors.event_org_name(e)} for e in selectors.public_events(appeal)] if events else [],
    }


def _submitted(appeal) -> dict:
    return {"number": appeal.number, "tracking_code": appeal.tracking_code, "status": appeal.status,
            "due_on": appeal.due_on, "handled_by": appeal.org.name}


# --- public ------------------------------------------------------------------------------------------

@router.post("/public/appeals", auth=None, response={201: SubmittedOut, **PUBLIC_ERRORS},
              summary="Submit an appeal without a login (rate-limited; Idempotency-Key)")
def public_submit(request, payload: PublicAppealIn,
                  idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                       description=IDEMPOTENCY_HEADER_DOC)):
    def run():
        enforce_rate(request, SUBMIT_RATE_SCOPE, rules().public_submit_rate)
        appeal = services.submit_public(category=payload.category, title=payload.title, content=payload.content,
                                        anonymous=payload.anonymous, contact_name=payload.name,
                                        contact_phone=payload.mobile, enterprise_name=payload.enterprise,
                                        channel=AppealChannel.API)
        return 201, _submitted(appeal)

    # Anonymous callers are told apart by their IP: a replay needs the same key, body and network.
    return idempotent(request, idempotency_key, payload, run, schema=SubmittedOut,
                      owner=f"ip:{client_ip(request) or '-'}")


@router.get("/public/appeals/{number}", auth=None, response={200: WorkerAppealOut, **PUBLIC_ERRORS},
            summary="The public status and history of an appeal (tracking code, + mobile's last 4 digits)")
def public_status(request, number: Text(20), code: Text(20) = "", phone4: Text(4) = ""):
    enforce_rate(request, TRACK_RATE_SCOPE, rules().public_track_rate)
    appeal = selectors.tracked_appeal(code or number, phone4)
    if appeal is None or (code and number.upper() not in (appeal.number, appeal.tracking_code)):
        raise not_found()
    return worker_out(appeal)


# --- the member's own --------------------------------------------------------------------------------

def _person(user):
    person = person_of_account(user)
    if person is None:
        raise not_found()
    return person


def _own(user, pk):
    appeal = selectors.own_appeal(user, _person(user), pk)
    if appeal is None:
        raise not_found()
    return appeal


@router.get("/my/appeals", response={200: MyAppealPage, **READ_ERRORS}, summary="My appeals (a member's login)")
def my_appeals(request, page: Query[PageParams]):
    user = request.auth
    qs = selectors.own_appeals(user, _person(user))
    return paginate(qs, page, row=lambda a: {
        "id": a.pk, "number": a.number, "category": a.category, "title": a.title, "status": a.status,
        "status_label": str(a.get_status_display()), "received_at": a.received_at, "due_on": a.due_on,
        "handled_by": a.org.name})


@router.get("/my/appeals/{appeal_id}", response={200: WorkerAppealOut, **READ_ERRORS}, summary="One of my appeals")
def my_appeal(request, appeal_id: Id):
    return worker_out(_own(request.auth, appeal_id))


@router.post("/my/appeals", response={201: WorkerAppealOut, **WRITE_ERRORS},
             summary="Send an appeal as a member (Idempotency-Key)")
def my_submit(request, payload: MyAppealIn,
              idempotency_key: str | None = Header(None, alias="Idempotency-Key", description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth
    person = _person(user)

    def run():
        # Only an enterprise of the member's own memberships: an id is not a way to learn which
        # union holds any enterprise (others are named by `enterprise_name`, as on the page).
        mine = Membership.objects.filter(person=person, enterprise__isnull=False).values("enterprise_id")
        enterprise = resolve(Enterprise.objects.filter(pk__in=mine), payload.enterprise, field="enterprise")
        appeal = services.submit_as_member(user=user, person=person, category=payload.category, title=payload.title,
                                           content=payload.content, anonymous=payload.anonymous,
                                           enterprise=enterprise, enterprise_name=payload.enterprise_name,
                                           channel=AppealChannel.API)
        return 201, worker_out(appeal)

    return idempotent(request, idempotency_key, payload, run, schema=WorkerAppealOut)


action = workflow_actions(router, path="/my/appeals", id_param="appeal_id", load=_own,
                          render=lambda user, appeal: worker_out(appeal.__class__.objects.get(pk=appeal.pk)),
                          response=WorkerAppealOut, operation_prefix="my_appeal")


@action("rate", "Rate a closed appeal (1–5, once)", RateIn)
def rate(user, appeal, p):
    services.rate(actor=user, appeal=appeal, score=p.score, comment=p.comment)


@action("reopen", "Re-open a closed appeal (once, with a reason)", ReasonIn)
def reopen(user, appeal, p):
    services.reopen(actor=user, appeal=appeal, reason=p.reason)


@action("withdraw", "Withdraw an open appeal", ReasonIn)
def withdraw(user, appeal, p):
    services.withdraw(actor=user, appeal=appeal, reason=p.reason)
