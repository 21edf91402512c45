"""/facility-requests: facilities for remote enterprises requested by unions.

Scoped by the requesting union's subtree (out of scope = 404). `POST /facility-requests` by a
union (services.submit); actions `approve|reject` (the town, services.approve), `start|open|close`
(the town, services.change), `rate|withdraw` (the union). 409 `wrong_stage` when the status does
not allow the step; 400 with the rule's code otherwise.
"""

import datetime

from ninja import Field, Query, Router

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
from gonghui.orgs.models import Enterprise, Org

from .api_centres import Closed, RateIn, ReasonIn, _org_filter
from .models.facilities import FacilityKind, FacilityStatus
from .policies import facilities as policies
from .selectors import facilities as selectors
from .services import facilities as services

router = Router(tags=["services"])


class RequestRow(ApiSchema):
    id: int
    number: str = Field(description="SS<year>-<nnnn>, given at submission.")
    title: str
    kind: FacilityKind
    org: Ref = Field(description="The requesting union.")
    town: Ref | None
    enterprise: Ref | None
    location: str
    workers_served: int
    status: FacilityStatus
    submitted_on: datetime.date
    decide_due_on: datetime.date
    partner: str
    opened_on: datetime.date | None


class RequestActionsOut(ApiSchema):
    approve: bool
    reject: bool
    start: bool
    open: bool
    close: bool
    rate: bool
    withdraw: bool


class RequestDetail(RequestRow):
    justification: str
    decided_on: datetime.date | None
    reject_reason: str
    partner_contact: str
    planned_open_on: datetime.date | None
    closed_on: datetime.date | None
    close_reason: str
    rating: int | None
    rating_comment: str
    actions: RequestActionsOut


class RequestPage(PageMeta):
    items: list[RequestRow]


class RequestFiltersIn(PageParams):
    org: Id | None = None
    q: Text(60) | None = None
    kind: FacilityKind | None = None
    status: FacilityStatus | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    overdue: bool = False


class RequestCreateIn(Closed):
    org: Id = Field(description="The requesting grassroots union.")
    kind: FacilityKind
    title: Text(120)
    location: Text(200) = ""
    workers_served: int
    justification: Text(2000)
    enterprise: Id | None = None


class StartIn(Closed):
    partner: Text(120)
    partner_contact: Text(120) = ""
    planned_open_on: datetime.date


class OpenIn(Closed):
    opened_on: datetime.date


class CloseIn(Closed):
    closed_on: datetime.date
    reason: Text(400)


def row(r):
    return {"id": r.pk, "number": r.number, "title": r.title, "kind": r.kind, "org": ref(r.org), "town": ref(r.town),
            "enterprise": ref(r.enterprise), "location": r.location, "workers_served": r.workers_served,
            "status": r.status, "submitted_on": r.submitted_on, "decide_due_on": r.decide_due_on,
            "partner": r.partner, "opened_on": r.opened_on}


def out(user, r):
    r = selectors.request_rows().get(pk=r.pk)
    return {**row(r), **{k: getattr(r, k) for k in (
        "justification", "decided_on", "reject_reason", "partner_contact", "planned_open_on", "closed_on",
        "close_reason", "rating", "rating_comment")}, "actions": vars(policies.facility_actions(user, r))}


def _load(user, pk):
    r = selectors.requests(user).select_related("org", "town").filter(pk=pk).first()
    if r is None:
        raise not_found()
    return r


@router.get("/facility-requests", response={200: RequestPage, **READ_ERRORS}, summary="List facility requests")
def list_requests(request, filters: Query[RequestFiltersIn]):
    org, hidden = _org_filter(request.auth, filters.org)
    qs = selectors.filtered_requests(request.auth, selectors.FacilityFilters(
        q=filters.q or "", org=org, kind=filters.kind or "", status=filters.status or "", year=filters.year,
        overdue=filters.overdue))
    return paginate(qs.none() if hidden else qs, filters, row=row, load=selectors.request_rows())


@router.get("/facility-requests/{request_id}", response={200: RequestDetail, **READ_ERRORS},
            summary="Get a facility request")
def get_request(request, request_id: Id):
    return out(request.auth, _load(request.auth, request_id))


@router.post("/facility-requests", response={201: RequestDetail, **WRITE_ERRORS},
             summary="Request a facility (a grassroots union)")
def create_request(request, payload: RequestCreateIn):
    user = request.auth
    org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
    require(user, policies.SUBMIT, org)
    enterprise = resolve(Enterprise.objects.visible_to(user), payload.enterprise, field="enterprise")
    r = services.submit_request(actor=user, org=org, kind=payload.kind, title=payload.title,
                                location=payload.location, workers_served=payload.workers_served,
                                justification=payload.justification, enterprise=enterprise)
    return 201, out(user, r)


_action = workflow_actions(router, path="/facility-requests", id_param="request_id", load=_load, render=out,
                           response=RequestDetail, operation_prefix="facility_request")


@_action("approve", "Approve (the town)", Closed)
def approve(user, r, p):
    services.approve_request(actor=user, request=r)


@_action("reject", "Reject with a reason (the town)", ReasonIn)
def reject(user, r, p):
    services.reject_request(actor=user, request=r, reason=p.reason)


@_action("start", "Name the partner and the planned opening (the town)", StartIn)
def start(user, r, p):
    services.start_request(actor=user, request=r, partner=p.partner, partner_contact=p.partner_contact,
                           planned_open_on=p.planned_open_on)


@_action("open", "Mark the facility open (the town)", OpenIn)
def open_(user, r, p):
    services.open_request(actor=user, request=r, opened_on=p.opened_on)


@_action("close", "Close the facility with a reason (the town)", CloseIn)
def close(user, r, p):
    services.close_request(actor=user, request=r, closed_on=p.closed_on, reason=p.reason)


@_action("rate", "Rate the open facility (the requesting union)", RateIn)
def rate(user, r, p):
    services.rate_request(actor=user, request=r, rating=p.rating, comment=p.comment)


@_action("withdraw", "Withdraw before a decision (the requesting union)", ReasonIn)
def withdraw(user, r, p):
    services.withdraw_request(actor=user, request=r, reason=p.reason)
