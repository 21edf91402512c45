"""/skill-contests (技能比武): contests, their entries, and the workflow.

- Reads go through the selectors: a contest is visible to its organiser's subtree and to every
  org under the organiser (they may register workers); an entry to its union's subtree and to the
  organiser. Out of scope answers 404 like a missing record.
- `POST /skill-contests` (Idempotency-Key) sets a contest up, `PUT /skill-contests/{id}` changes
  it while it is being prepared or open (not its organiser); actions `open`, `close`, `scores`,
  `publish`, `cancel` each call one service (409 `wrong_stage` when the status does not allow it).
- `POST /skill-contests/{id}/entries` (Idempotency-Key) registers a member through their live
  membership's union: 400 `not_eligible` (with the reasons), `full`, `already_registered`,
  `registration_closed`. `POST .../entries/{entry_id}/withdraw`.
- `GET .../entries/{entry_id}/certificate`: the PDF certificate of a ranked entry once published.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
"""

import datetime
from decimal import Decimal

from django.http import HttpResponse
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
from gonghui.members.models import Person, SkillLevel
from gonghui.orgs.models import Org

from .models.contests import ContestEntryStatus, ContestLevel, ContestStatus, ContestTrade
from .policies import contests as policies
from .selectors import contests as selectors
from .services import contests as services

router = Router(tags=["skill-contests"])


# --- schemas ----------------------------------------------------------------------------------------

class TradeOut(ApiSchema):
    id: int
    code: str
    name: str
    is_regular: bool
    is_active: bool


class ContestRow(ApiSchema):
    id: int
    name: str
    org: Ref = Field(description="The organiser.")
    trade: TradeOut
    level: ContestLevel
    year: int
    held_on: datetime.date
    registration_closes_on: datetime.date
    capacity: int
    registered: int
    status: ContestStatus
    published_on: datetime.date | None


class ContestPage(PageMeta):
    items: list[ContestRow]


class ActionsOut(ApiSchema):
    edit: bool
    open: bool
    close: bool
    register_entrants: bool = Field(description="May register workers now.")
    scores: bool
    publish: bool
    cancel: bool


class ContestDetail(ContestRow):
    venue: str
    min_age: int
    max_age: int
    min_skill_level: SkillLevel
    theory_weight: int
    practical_weight: int
    winners: int
    exam_prefix: str
    cancel_reason: str
    tie_break: str
    actions: ActionsOut


class EntryOut(ApiSchema):
    id: int
    exam_no: str
    person: Ref
    union: Ref
    status: ContestEntryStatus
    self_registered: bool
    registered_at: datetime.datetime
    absent: bool
    theory_score: Decimal | None
    practical_score: Decimal | None
    total_score: Decimal | None
    rank: int | None


class EntryPage(PageMeta):
    items: list[EntryOut]


class FiltersIn(PageParams):
    q: Text(60) | None = Field(None, description="Part of the contest's, trade's or organiser's name.")
    org: Id | None = Field(None, description="Only contests organised in this org's subtree.")
    year: int | None = Field(None, ge=2000, le=2100)
    level: ContestLevel | None = None
    status: ContestStatus | None = None
    trade: Id | None = None
    regular: bool = Field(False, description="Only the ten regular trades.")


class ContestIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The organiser: the district, a town or an enterprise union.")
    name: Text(120)
    trade: Id
    held_on: datetime.date
    registration_closes_on: datetime.date
    capacity: int = Field(ge=1, le=10000)
    theory_weight: int = Field(30, ge=0, le=100)
    practical_weight: int = Field(70, ge=0, le=100)
    min_age: int = Field(18, ge=16, le=70)
    max_age: int = Field(60, ge=16, le=70)
    min_skill_level: SkillLevel = SkillLevel.NONE
    winners: int = Field(3, ge=0, le=100)
    venue: Text(120) = ""


class ContestEditIn(ApiSchema):
    """The same fields as setting up, without the organiser (it does not change)."""

    model_config = ConfigDict(extra="forbid")

    name: Text(120)
    trade: Id
    held_on: datetime.date
    registration_closes_on: datetime.date
    capacity: int = Field(ge=1, le=10000)
    theory_weight: int = Field(ge=0, le=100)
    practical_weight: int = Field(ge=0, le=100)
    min_age: int = Field(ge=16, le=70)
    max_age: int = Field(ge=16, le=70)
    min_skill_level: SkillLevel
    winners: int = Field(ge=0, le=100)
    venue: Text(120) = ""


class EmptyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")


class CancelIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)


class PublishIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    published_on: datetime.date | None = None


class ScoreIn(ApiSchema):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=True)  # NaN/inf reach the service's message

    entry: Id
    # 0–100 with at most two decimals: checked by the service, whose message names the exam number
    theory: Decimal | None = Field(None, description="0–100, at most two decimals.")
    practical: Decimal | None = Field(None, description="0–100, at most two decimals.")
    absent: bool = False


class ScoresIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    scores: list[ScoreIn] = Field(max_length=10000)


class RegisterIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    person: Id = Field(description="The member (GET /members gives their person id).")


class WithdrawIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400) = ""


class EntryFiltersIn(PageParams):
    status: ContestEntryStatus | None = None


# --- output --------------------------------------------------------------------------------------------

TIE_BREAK = ("weighted total desc; then practical score desc; then earlier registration; then lower entry id")


def trade_out(t):
    return {"id": t.pk, "code": t.code, "name": t.name, "is_regular": t.is_regular, "is_active": t.is_active}


def contest_row(c):
    registered = getattr(c, "registered", None)
    return {"id": c.pk, "name": c.name, "org": ref(c.org), "trade": trade_out(c.trade), "level": c.level,
            "year": c.year, "held_on": c.held_on, "registration_closes_on": c.registration_closes_on,
            "capacity": c.capacity, "registered": registered if registered is not None
            else selectors.registered_count(c), "status": c.status, "published_on": c.published_on}


def contest_out(user, c):
    c = selectors.with_counts(type(c).objects.filter(pk=c.pk)).get()
    fields = ("venue", "min_age", "max_age", "min_skill_level", "theory_weight", "practical_weight", "winners",
              "exam_prefix", "cancel_reason")
    return {**contest_row(c), **{f: getattr(c, f) for f in fields}, "tie_break": TIE_BREAK,
            "actions": _actions(user, c)}


def _actions(user, c):
    a = vars(policies.contest_actions(user, c)).copy()
    a["register_entrants"] = a.pop("register")
    return a


def entry_out(e):
    return {"id": e.pk, "exam_no": e.exam_no, "person": {"id": e.person_id, "name": e.person_name},
            "union": ref(e.union), "status": e.status, "self_registered": e.self_registered,
            "registered_at": e.registered_at, "absent": e.absent, "theory_score": e.theory_score,
            "practical_score": e.practical_score, "total_score": e.total_score, "rank": e.rank}


def _contest(user, contest_id):
    c = selectors.contests(user).select_related("org", "trade").filter(pk=contest_id).first()
    if c is None:
        raise not_found()
    return c


def _entry(user, contest_id, entry_id):
    e = (selectors.entries(user).select_related("contest__org", "contest__trade", "union", "person")
         .filter(contest_id=contest_id, pk=entry_id).first())
    if e is None:
        raise not_found()
    return e


# --- contests ------------------------------------------------------------------------------------------

@router.get("/skill-contests", response={200: ContestPage, **READ_ERRORS}, summary="List skills contests")
def list_contests(request, filters: Query[FiltersIn]):
    user = request.auth
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first() if filters.org else None
    trade = ContestTrade.objects.filter(pk=filters.trade).first() if filters.trade else None
    qs = selectors.filtered(user, selectors.ContestFilters(
        q=filters.q or "", org=org, year=filters.year, level=filters.level or "", status=filters.status or "",
        trade=trade, regular=filters.regular))
    if (filters.org and org is None) or (filters.trade and trade is None):
        qs = qs.none()
    return paginate(qs, filters, row=contest_row, load=selectors.with_counts(qs.model.objects.all()))


@router.get("/skill-contests/trades", response={200: list[TradeOut], **READ_ERRORS},
            summary="The trade catalogue (the ten regular trades first)")
def list_trades(request):
    if not policies.can(request.auth, policies.VIEW):
        return []
    return [trade_out(t) for t in ContestTrade.objects.all()]


@router.get("/skill-contests/{contest_id}", response={200: ContestDetail, **READ_ERRORS},
            summary="Get a skills contest with its rules and the steps the caller may take")
def get_contest(request, contest_id: Id):
    user = request.auth
    return contest_out(user, _contest(user, contest_id))


@router.post("/skill-contests", response={201: ContestDetail, **WRITE_ERRORS}, summary="Set up a skills contest")
def create_contest(request, payload: ContestIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                        description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        data = _contest_input(payload)
        return 201, contest_out(user, services.create_contest(actor=user, org=org, data=data))

    return idempotent(request, idempotency_key, payload, run, schema=ContestDetail)


@router.put("/skill-contests/{contest_id}", response={200: ContestDetail, **WRITE_ERRORS},
            summary="Change a contest (while being prepared or open)")
def update_contest(request, contest_id: Id, payload: ContestEditIn):
    user = request.auth
    c = _contest(user, contest_id)
    return contest_out(user, services.update_contest(actor=user, contest=c, data=_contest_input(payload)))


def _contest_input(payload):
    trade = resolve(ContestTrade.objects.all(), payload.trade, field="trade")
    return services.ContestInput(
        name=payload.name, trade=trade, held_on=payload.held_on,
        registration_closes_on=payload.registration_closes_on, capacity=payload.capacity,
        theory_weight=payload.theory_weight, practical_weight=payload.practical_weight, min_age=payload.min_age,
        max_age=payload.max_age, min_skill_level=payload.min_skill_level, winners=payload.winners,
        venue=payload.venue)


_action = workflow_actions(router, path="/skill-contests", id_param="contest_id", load=_contest,
                           render=contest_out, response=ContestDetail, operation_prefix="skill_contest")


@_action("open", "Open the registration", EmptyIn)
def open_contest(user, c, p):
    services.open_registration(actor=user, contest=c)


@_action("close", "Close the registration (scoring starts)", EmptyIn)
def close_contest(user, c, p):
    services.close_registration(actor=user, contest=c)


@_action("scores", "Record theory and practical scores (or absent) by entry", ScoresIn)
def record_scores(user, c, p):
    services.record_scores(actor=user, contest=c, scores={
        s.entry: services.ScoreInput(theory=s.theory, practical=s.practical, absent=s.absent) for s in p.scores})


@_action("publish", "Publish the results: rank, and record the winners' honours", PublishIn)
def publish(user, c, p):
    """Ranking: weighted total, then practical score, then earlier registration (see tie_break)."""
    services.publish_results(actor=user, contest=c, published_on=p.published_on)


@_action("cancel", "Cancel the contest", CancelIn)
def cancel(user, c, p):
    services.cancel_contest(actor=user, contest=c, reason=p.reason)


# --- entries ---------------------------------------------------------------------------------------------

@router.get("/skill-contests/{contest_id}/entries", response={200: EntryPage, **READ_ERRORS},
            summary="The entries of a contest the caller may see")
def list_entries(request, contest_id: Id, filters: Query[EntryFiltersIn]):
    user = request.auth
    c = _contest(user, contest_id)
    qs = selectors.entries(user).filter(contest=c)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(qs, filters, row=entry_out, descending=False,
                    load=selectors.entries(user).select_related("union"))


@router.post("/skill-contests/{contest_id}/entries", response={201: EntryOut, **WRITE_ERRORS},
             summary="Register a member for the contest (through their union)")
def register(request, contest_id: Id, payload: RegisterIn,
             idempotency_key: str | None = Header(None, alias="Idempotency-Key", description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        c = _contest(user, contest_id)
        person = resolve(Person.objects.visible_to(user, policies.SUBMIT), payload.person, field="person")
        e = services.register_entrant(actor=user, contest=c, person=person)
        return 201, entry_out(type(e).objects.select_related("union").get(pk=e.pk))

    return idempotent(request, idempotency_key, payload, run, schema=EntryOut)


@router.post("/skill-contests/{contest_id}/entries/{entry_id}/withdraw", response={200: EntryOut, **WRITE_ERRORS},
             summary="Withdraw a registered worker", operation_id="skill_contest_entry_withdraw")
def withdraw(request, contest_id: Id, entry_id: Id, payload: WithdrawIn):
    user = request.auth
    e = services.withdraw_entry(actor=user, entry=_entry(user, contest_id, entry_id), reason=payload.reason)
    return entry_out(type(e).objects.select_related("union").get(pk=e.pk))


@router.get("/skill-contests/{contest_id}/entries/{entry_id}/certificate", response={200: None, **READ_ERRORS},
            summary="The PDF certificate of a ranked entry", operation_id="skill_contest_certificate")
def certificate(request, contest_id: Id, entry_id: Id):
    user = request.auth
    data = services.render_certificate(actor=user, entry=_entry(user, contest_id, entry_id))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{entry_id}.pdf"'
    return response
