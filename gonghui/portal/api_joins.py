"""API of the `joins` area: 实名入会 and the member's own transfer request.

Cadres (`portal.view` / `portal.change` in the deciding org's subtree; out of scope = 404):
- `GET /join-requests` (filters as the list page; keyset pages), `GET /join-requests/{id}` (with the
  unions a town-routed request may be admitted to, and the caller's actions);
- `POST /join-requests/{id}/approve` `{"union": id}` (the union only for a town-routed request),
  `POST /join-requests/{id}/reject` `{"reason"}`. A request decided meanwhile answers 409 `wrong_stage`.

The worker's own login (no role needed):
- `POST /my/join-request` (Idempotency-Key) → 201; `GET /my/join-request` (the latest, 404 when
  none); `POST /my/join-request/withdraw`;
- `GET /join-enterprises?q=` the directory of registered enterprises (name and town only) the
  request names by id;
- `POST /my/transfer-request` (a member changing jobs; Idempotency-Key) → 201, the registry's
  transfer as the member sees it.
ID and mobile are masked in every answer.
"""

import datetime

from ninja import Field, Header, Query, Router
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
from gonghui.members.models import TransferStatus
from gonghui.orgs.models import Enterprise, Org

from .models.joins import JoinRoute, JoinStatus
from .policies import joins as policies
from .selectors import joins as selectors
from .services import joins as services

router = Router(tags=["portal-joins"])


class JoinRow(ApiSchema):
    id: int
    name: str
    id_number_masked: str
    phone_masked: str
    gender: str
    birth_on: datetime.date
    hometown_province: str
    is_migrant: bool
    enterprise: Ref | None = Field(description="The registered enterprise; null when the worker typed a name.")
    enterprise_name: str
    town: Ref
    route: JoinRoute = Field(description="UNION: the enterprise's union decides; TOWN: the town admits to a "
                                         "union of its choice.")
    org: Ref = Field(description="The deciding org.")
    union: Ref | None = Field(description="The union the worker was admitted to (once approved).")
    status: JoinStatus
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str = Field(description="The reason given when not approved.")
    overdue: bool = Field(description="Pending longer than PORTAL_JOINS_RULES['decide_within_days'].")


class JoinPage(PageMeta):
    items: list[JoinRow]


class ActionsOut(ApiSchema):
    approve: bool
    reject: bool
    choose_union: bool = Field(description="Approval names the union (`union` in the body).")


class JoinDetail(JoinRow):
    channel: str
    consented_at: datetime.datetime
    person_id: int | None
    membership_id: int | None
    unions: list[Ref] = Field(description="Unions a town-routed request may be admitted to (joint unions first).")
    actions: ActionsOut


class FiltersIn(PageParams):
    q: Text(32) | None = Field(None, description="The worker's name starts with.")
    status: JoinStatus | None = None
    org: Id | None = Field(None, description="The deciding org's (or the admitting union's) subtree.")
    town: Id | None = None
    route: JoinRoute | None = None
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None
    overdue: bool = False


class ApproveIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    union: Id | None = Field(None, description="Required for a town-routed request: an active union in the town.")


class RejectIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)


class MyJoinIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    name: Text(64)
    id_number: Text(18)
    phone: Text(20) = Field("", description="Used when the login has no mobile of its own.")
    hometown_province: Text(16) = Field("", description="Empty: the province of the ID card number.")
    is_migrant: bool | None = Field(None, description="Null: decided from the hometown province.")
    enterprise: Id | None = Field(None, description="A registered enterprise (GET /join-enterprises).")
    enterprise_name: Text(200) = Field("", description="Or the enterprise's name; with `town` when not registered.")
    town: Id | None = Field(None, description="The town or platform of an unregistered enterprise.")
    consent: bool = Field(description="The worker accepts the Constitution of the Chinese Trade Unions.")


class MyJoinOut(ApiSchema):
    id: int
    name: str
    id_number_masked: str
    enterprise_name: str
    org: str = Field(description="The deciding org's name.")
    union: str = Field(description="The union admitted to, once approved.")
    status: JoinStatus
    status_label: str
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str
    can_withdraw: bool


class EnterpriseOut(ApiSchema):
    id: int
    name: str
    town: str
    has_union: bool


class MyTransferIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    enterprise: Id | None = Field(None, description="The new enterprise (GET /join-enterprises).")
    enterprise_name: Text(200) = Field("", description="Or its name; with `town` when not registered.")
    town: Id | None = None
    union: Id | None = Field(None, description="The receiving union when the new enterprise has none "
                                               "(one of the town's).")
    effective_on: datetime.date | None = Field(None, description="Working there since; default today.")
    reason: Text(150) = ""


class MyTransferOut(ApiSchema):
    id: int
    from_union: str
    to_union: str
    to_enterprise: str
    status: TransferStatus
    status_label: str
    effective_on: datetime.date
    requested_at: datetime.datetime
    reason: str


# --- cadres ----------------------------------------------------------------------------------------------

def row(j, overdue_before=None):
    overdue_before = overdue_before or selectors.overdue_before()
    return {"id": j.pk, "name": j.name, "id_number_masked": j.id_number_masked, "phone_masked": j.phone_masked,
            "gender": j.gender, "birth_on": j.birth_on, "hometown_province": j.hometown_province,
            "is_migrant": j.is_migrant, "enterprise": ref(j.enterprise), "enterprise_name": j.enterprise_name,
            "town": ref(j.town), "route": j.route, "org": ref(j.org), "union": ref(j.union), "status": j.status,
            "submitted_at": j.submitted_at, "decided_at": j.decided_at, "decision_note": j.decision_note,
            "overdue": j.status == JoinStatus.PENDING and j.submitted_at < overdue_before}


def detail(user, j):
    j = selectors.join_rows().get(pk=j.pk)
    actions = policies.join_actions(user, j)
    unions = selectors.union_choices(user, j) if actions.choose_union else []
    return {**row(j), "channel": j.channel, "consented_at": j.consented_at, "person_id": j.person_id,
            "membership_id": j.membership_id, "unions": [ref(u) for u in unions],
            "actions": {"approve": actions.approve, "reject": actions.reject, "choose_union": actions.choose_union}}


def _load(user, join_id):
    j = selectors.join_requests(user).select_related("org").filter(pk=join_id).first()
    if j is None:
        raise not_found()
    return j


def _visible_org(user, pk):
    return Org.objects.visible_to(user, policies.VIEW).filter(pk=pk).first() if pk is not None else None


@router.get("/join-requests", response={200: JoinPage, **READ_ERRORS}, summary="List join requests (实名入会)")
def list_join_requests(request, filters: Query[FiltersIn]):
    user = request.auth
    require(user, policies.VIEW)
    org, town = _visible_org(user, filters.org), _visible_org(user, filters.town)
    qs = selectors.filtered_join_requests(user, selectors.JoinFilters(
        q=filters.q or "", status=filters.status or "", org=org, town=town, route=filters.route or "",
        submitted_from=filters.submitted_from, submitted_to=filters.submitted_to, overdue=filters.overdue))
    if (filters.org is not None and org is None) or (filters.town is not None and town is None):
        qs = qs.none()
    overdue_before = selectors.overdue_before()
    return paginate(qs, filters, row=lambda j: row(j, overdue_before), load=selectors.join_rows())


@router.get("/join-requests/{join_id}", response={200: JoinDetail, **READ_ERRORS}, summary="Get a join request")
def get_join_request(request, join_id: Id):
    user = request.auth
    return detail(user, _load(user, join_id))


_action = workflow_actions(router, path="/join-requests", id_param="join_id", load=_load, render=detail,
                           response=JoinDetail, operation_prefix="join_request")


@_action("approve", "Approve: register the member in the union and link the worker's login", ApproveIn)
def approve(user, j, p):
    union = resolve(Org.objects.visible_to(user, policies.CHANGE), p.union, field="union")
    services.approve_join(actor=user, join_request=j, union=union)


@_action("reject", "Do not approve, with the reason the worker reads", RejectIn)
def reject(user, j, p):
    services.reject_join(actor=user, join_request=j, reason=p.reason)


# --- the worker's own ----------------------------------------------------------------------------------------

def my_out(j) -> dict:
    return {"id": j.pk, "name": j.name, "id_number_masked": j.id_number_masked, "enterprise_name": j.enterprise_name,
            "org": j.org.name, "union": j.union.name if j.union_id else "", "status": j.status,
            "status_label": str(j.get_status_display()), "submitted_at": j.submitted_at, "decided_at": j.decided_at,
            "decision_note": j.decision_note, "can_withdraw": j.status == JoinStatus.PENDING}


def _latest(user):
    j = selectors.own_join_requests(user).first()
    if j is None:
        raise not_found()
    return j


@router.get("/join-enterprises", response={200: list[EnterpriseOut], **READ_ERRORS},
            summary="Find a registered enterprise by name (the join and transfer requests name it by id)")
def join_enterprises(request, q: Text(60)):
    return [{"id": e.pk, "name": e.name, "town": e.town.name, "has_union": bool(e.union_id and e.union.is_active)}
            for e in selectors.search_enterprises(q)]


@router.get("/my/join-request", response={200: MyJoinOut, **READ_ERRORS}, summary="My latest join request")
def my_join_request(request):
    return my_out(_latest(request.auth))


@router.post("/my/join-request", response={201: MyJoinOut, **WRITE_ERRORS},
             summary="Ask to join the union with my real name (Idempotency-Key)")
def my_join_submit(request, payload: MyJoinIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                        description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        enterprise = resolve(Enterprise.objects.all(), payload.enterprise, field="enterprise")
        town = resolve(Org.objects.filter(level__in=selectors.TOWN_LEVELS, is_active=True), payload.town,
                       field="town")
        j = services.submit_join(actor=user, data=services.JoinInput(
            name=payload.name, id_number=payload.id_number, phone=payload.phone,
            hometown_province=payload.hometown_province, is_migrant=payload.is_migrant, enterprise=enterprise,
            enterprise_name=payload.enterprise_name, town=town, consent=payload.consent, channel="API"))
        return 201, my_out(selectors.own_join_request(user, j.pk))

    return idempotent(request, idempotency_key, payload, run, schema=MyJoinOut)


@router.post("/my/join-request/withdraw", response={200: MyJoinOut, **WRITE_ERRORS},
             summary="Withdraw my pending join request")
def my_join_withdraw(request):
    user = request.auth
    pending = selectors.open_join_request(user)
    if pending is None:
        raise not_found()
    services.withdraw_join(actor=user, join_request=pending)
    return my_out(selectors.own_join_request(user, pending.pk))


def transfer_out(t) -> dict:
    return {"id": t.pk, "from_union": t.from_union.name, "to_union": t.to_union.name,
            "to_enterprise": t.to_enterprise.name if t.to_enterprise_id else "", "status": t.status,
            "status_label": str(t.get_status_display()), "effective_on": t.effective_on,
            "requested_at": t.requested_at, "reason": t.reason}


@router.post("/my/transfer-request", response={201: MyTransferOut, **WRITE_ERRORS},
             summary="Changed jobs: ask for my membership to move to the new enterprise's union (Idempotency-Key)")
def my_transfer_request(request, payload: MyTransferIn,
                        idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                             description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        enterprise = resolve(Enterprise.objects.all(), payload.enterprise, field="enterprise")
        town = resolve(Org.objects.filter(level__in=selectors.TOWN_LEVELS, is_active=True), payload.town,
                       field="town")
        union = resolve(Org.objects.filter(is_active=True), payload.union, field="union")
        t = services.request_my_transfer(actor=user, enterprise=enterprise, enterprise_name=payload.enterprise_name,
                                         town=town, union=union, effective_on=payload.effective_on,
                                         reason=payload.reason)
        return 201, transfer_out(t)

    return idempotent(request, idempotency_key, payload, run, schema=MyTransferOut)
