"""/skill-leaders (职业技能带头人: nominations, selection, titles) and /allowances (the special post
allowance ledger).

- Reads go through the selectors (scope: the nominating union's subtree). A record outside the
  caller's scope answers 404 like a missing one; a union or person named in a body the caller
  cannot use is 400 `unknown_reference` on that field.
- Every workflow action (`POST /skill-leaders/{id}/<action>`) calls exactly one service. A rule that
  refuses the step answers 400 with its code and field; a step the status does not allow 409
  `wrong_stage`.
- `POST /allowances/runs` runs a month (district, `honours.pay`); running it again pays nobody
  twice (`paid_now` is 0).
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
"""

import datetime
from decimal import Decimal

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
from gonghui.orgs.models import Industry, Org

from .models.leaders import LeaderEndKind, LeaderStatus
from .policies import leaders as policies
from .selectors import leaders as selectors
from .services import leaders as services

router = Router(tags=["skill-leaders"])


# --- schemas ----------------------------------------------------------------------------------------

class PersonRef(ApiSchema):
    id: int
    name: str
    id_number_masked: str


class LeaderRow(ApiSchema):
    id: int
    person: PersonRef
    org: Ref = Field(description="The nominating union.")
    town: Ref | None
    year: int
    trade: str
    industry: Industry
    status: LeaderStatus
    nominated_on: datetime.date
    decided_on: datetime.date | None
    starts_on: datetime.date | None = Field(description="The title is held from this day …")
    ends_on: datetime.date | None = Field(description="… to this day, inclusive (earlier than term_ends_on when "
                                                      "ended early).")
    term_ends_on: datetime.date | None


class LeaderPage(PageMeta):
    items: list[LeaderRow]


class LeaderActionsOut(ApiSchema):
    select: bool
    decline: bool
    withdraw: bool
    end: bool


class AllowanceLine(ApiSchema):
    month: datetime.date
    amount: Decimal


class LeaderDetail(LeaderRow):
    achievements: str
    decision_note: str
    end_kind: str
    end_reason: str
    allowances: list[AllowanceLine]
    actions: LeaderActionsOut


class LeaderFiltersIn(PageParams):
    year: int | None = Field(None, ge=2000, le=2100)
    status: LeaderStatus | None = None
    industry: Industry | None = None
    trade: Text(60) | None = None
    org: Id | None = Field(None, description="Only this town's or union's subtree.")
    holding: bool = Field(False, description="Only titles held today.")
    q: Text(60) | None = Field(None, description="Start of the name, or part of the trade or union name.")


class NominateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The grassroots union nominating.")
    person: Id = Field(description="A live member of that union.")
    year: int | None = Field(None, description="The selection year (default: this year).")
    trade: Text(60)
    industry: Industry
    achievements: Text(2000) = ""


class SelectIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    selected_on: datetime.date | None = None
    starts_on: datetime.date | None = Field(None, description="Default: the day of selection.")
    note: Text(400) = ""


class DeclineIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    decided_on: datetime.date | None = None
    reason: Text(400)


class WithdrawIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400) = ""


class EndIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: LeaderEndKind
    last_day: datetime.date = Field(description="The last day the title is held.")
    reason: Text(400)


class AllowanceRow(ApiSchema):
    id: int
    leader: int
    person: PersonRef
    org: Ref
    town: Ref | None
    trade: str
    month: datetime.date = Field(description="The first day of the month paid.")
    amount: Decimal
    paid_at: datetime.datetime


class AllowancePage(PageMeta):
    items: list[AllowanceRow]


class AllowanceFiltersIn(PageParams):
    year: int | None = Field(None, ge=2000, le=2100)
    month: datetime.date | None = Field(None, description="Any day of the month.")
    org: Id | None = None
    leader: Id | None = None
    q: Text(60) | None = None


class TownTotal(ApiSchema):
    town: str
    leaders: int
    months: int
    amount: Decimal


class YearTotal(ApiSchema):
    year: int
    leaders: int
    months: int
    amount: Decimal


class TotalsOut(ApiSchema):
    year: int
    by_town: list[TownTotal]
    by_year: list[YearTotal]


class TotalsIn(ApiSchema):
    year: int | None = Field(None, ge=2000, le=2100, description="Default: this year.")
    org: Id | None = None


class RunIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    month: datetime.date | None = Field(None, description="Any day of the month to pay (default: this month).")


class RunOut(ApiSchema):
    month: datetime.date
    paid_now: int = Field(description="Allowances paid by this run (0 when the month was already paid).")
    paid_count: int = Field(description="Allowances paid for the month by every run.")
    paid_total: Decimal
    runs: int


# --- output -------------------------------------------------------------------------------------------

def _person(p):
    return {"id": p.pk, "name": p.name, "id_number_masked": p.id_number_masked}


def leader_row(x):
    return {"id": x.pk, "person": _person(x.person), "org": ref(x.org), "town": ref(x.town), "year": x.year,
            "trade": x.trade, "industry": x.industry, "status": x.status, "nominated_on": x.nominated_on,
            "decided_on": x.decided_on, "starts_on": x.starts_on, "ends_on": x.ends_on,
            "term_ends_on": x.term_ends_on}


def leader_out(user, leader):
    x = selectors.leader_detail(leader)
    return {**leader_row(x), "achievements": x.achievements, "decision_note": x.decision_note,
            "end_kind": x.end_kind, "end_reason": x.end_reason,
            "allowances": [{"month": a.month, "amount": a.amount} for a in selectors.leader_allowances(x)],
            "actions": vars(policies.leader_actions(user, x))}


def _leader(user, leader_id):
    x = selectors.leaders(user).select_related("org", "town", "person").filter(pk=leader_id).first()
    if x is None:
        raise not_found()
    return x


def _org(user, org_id):
    if org_id is None:
        return None, False
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=org_id).first()
    return org, org is None


# --- skill leaders -----------------------------------------------------------------------------------

@router.get("/skill-leaders", response={200: LeaderPage, **READ_ERRORS}, summary="List skill-leader nominations "
                                                                                  "and titles")
def list_leaders(request, filters: Query[LeaderFiltersIn]):
    user = request.auth
    org, hidden = _org(user, filters.org)
    qs = selectors.filtered_leaders(user, selectors.LeaderFilters(
        q=filters.q or "", org=org, year=filters.year, status=filters.status or "", industry=filters.industry or "",
        trade=filters.trade or "", holding=filters.holding))
    if hidden:
        qs = qs.none()
    return paginate(qs, filters, row=leader_row, load=selectors.leader_rows())


@router.get("/skill-leaders/{leader_id}", response={200: LeaderDetail, **READ_ERRORS},
            summary="Get a skill leader with the allowance paid")
def get_leader(request, leader_id: Id):
    user = request.auth
    return leader_out(user, _leader(user, leader_id))


@router.post("/skill-leaders", response={201: LeaderDetail, **WRITE_ERRORS}, summary="Nominate a worker")
def create_leader(request, payload: NominateIn,
                  idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                       description=IDEMPOTENCY_HEADER_DOC)):
    """The union nominates one of its live members for the year's selection."""
    user = request.auth

    def run():
        from gonghui.members.models import Person

        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        require(user, policies.SUBMIT, org)
        person = resolve(Person.objects.visible_to(user), payload.person, field="person")
        x = services.nominate_leader(actor=user, org=org, person=person, year=payload.year, trade=payload.trade,
                                     industry=payload.industry, achievements=payload.achievements)
        return 201, leader_out(user, x)

    return idempotent(request, idempotency_key, payload, run, schema=LeaderDetail)


_action = workflow_actions(router, path="/skill-leaders", id_param="leader_id", load=_leader, render=leader_out,
                           response=LeaderDetail, operation_prefix="skill_leader")


@_action("select", "Select the nomination (district): the title and the honour record", SelectIn)
def select(user, x, p):
    services.select_leader(actor=user, leader=x, selected_on=p.selected_on, starts_on=p.starts_on, note=p.note)


@_action("decline", "Do not select the nomination (district)", DeclineIn)
def decline(user, x, p):
    services.decline_leader(actor=user, leader=x, decided_on=p.decided_on, reason=p.reason)


@_action("withdraw", "Withdraw a nomination still waiting", WithdrawIn)
def withdraw(user, x, p):
    services.withdraw_nomination(actor=user, leader=x, reason=p.reason)


@_action("end", "End the title early (revoked, or the holder left): the allowance stops", EndIn)
def end(user, x, p):
    """400 `already_paid` when a month after `last_day` was already paid."""
    services.end_title(actor=user, leader=x, kind=p.kind, last_day=p.last_day, reason=p.reason)


# --- allowances ----------------------------------------------------------------------------------------

def allowance_row(a):
    return {"id": a.pk, "leader": a.leader_id, "person": _person(a.leader.person), "org": ref(a.org),
            "town": ref(a.town), "trade": a.leader.trade, "month": a.month, "amount": a.amount,
            "paid_at": a.created_at}


@router.get("/allowances", response={200: AllowancePage, **READ_ERRORS}, tags=["allowances"],
            summary="List skill-leader allowance payments")
def list_allowances(request, filters: Query[AllowanceFiltersIn]):
    user = request.auth
    org, hidden = _org(user, filters.org)
    qs = selectors.filtered_allowances(user, selectors.AllowanceFilters(
        q=filters.q or "", org=org, year=filters.year, month=filters.month, leader=filters.leader))
    if hidden:
        qs = qs.none()
    return paginate(qs, filters, row=allowance_row, load=selectors.allowance_rows())


@router.get("/allowances/totals", response={200: TotalsOut, **READ_ERRORS}, tags=["allowances"],
            summary="Allowance totals by town (for a year) and by year")
def allowance_totals(request, filters: Query[TotalsIn]):
    user = request.auth
    org, hidden = _org(user, filters.org)
    year = filters.year or services.today().year
    if hidden or not policies.can(user, policies.VIEW):
        return {"year": year, "by_town": [], "by_year": []}
    f = selectors.AllowanceFilters(org=org, year=year)
    by_town, by_year = selectors.ledger_totals(user, f, year)
    return {"year": year, "by_town": by_town, "by_year": by_year}


@router.post("/allowances/runs", response={200: RunOut, **WRITE_ERRORS}, tags=["allowances"],
             summary="Run a month's allowance (district; idempotent)")
def run_month(request, payload: RunIn):
    """Pays every leader holding the title on the month's first day who is not paid for it yet."""
    run = services.run_allowances(actor=request.auth, month=payload.month)
    return {"month": run.month, "paid_now": run.paid_now, "paid_count": run.paid_count,
            "paid_total": run.paid_total, "runs": run.runs}


# After /allowances/totals and /allowances/runs: a path parameter would swallow them.
@router.get("/allowances/{allowance_id}", response={200: AllowanceRow, **READ_ERRORS}, tags=["allowances"],
            summary="Get one allowance payment")
def get_allowance(request, allowance_id: Id):
    a = selectors.allowance_rows().filter(pk__in=selectors.allowances(request.auth).filter(pk=allowance_id)
                                          .values("pk")).first()
    if a is None:
        raise not_found()
    return allowance_row(a)
