"""/wage-agreements: collective wage negotiations (工资集体协商) from the written offer to the
published agreement and its renewal.

- Reads go through `selectors` (scope: the union party's subtree, plus the unions and towns of
  every covered enterprise). A negotiation outside the caller's scope answers 404 like a missing
  one; one the caller sees but may not record steps of (a union chair looking at the town's area
  agreement that covers their enterprise) answers 403 on every action.
- Every action (`POST /wage-agreements/{id}/<action>`) calls exactly one service. A rule that
  refuses the step answers 400 with its code and field; a step the negotiation's stage does not
  allow (`wrong_stage`) or a second open negotiation (`already_open`) answers 409.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
- `POST /wage-agreements` and `POST /wage-agreements/{id}/renew` honour `Idempotency-Key`.
- The signed agreement (PDF, JPG or PNG, checked by its content) is uploaded as multipart to
  `POST /wage-agreements/{id}/signed-file` and downloaded from `GET` on the same path.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from ninja import Field, File, Header, Query, Router
from ninja.files import UploadedFile
from pydantic import ConfigDict

from gonghui.core.api_support import (
    IDEMPOTENCY_HEADER_DOC,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
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
from gonghui.core.uploads import extension_of, private_file_response, validate_document
from gonghui.orgs.models import Enterprise, Industry, Org

from . import policies, selectors, services, timeline
from .models import AgreementKind, Coverage, Side, Stage, VotingBody
from .services import CoveredEnterprise, Offer, RepresentativeInput, VoteInput

router = Router(tags=["wage-agreements"])


# DomainError codes of the bargaining services that mean "conflicts with the current state".

MAX_COUNT = 10_000_000
Count_ = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]
Percent = Annotated[Decimal, Field(max_digits=5, decimal_places=2)]
LongText = Text(5000)


# --- schemas -----------------------------------------------------------------------------------

class AgreementRef(ApiSchema):
    id: int
    title: str


class AgreementRow(ApiSchema):
    id: int
    kind: AgreementKind
    title: str
    org: Ref = Field(description="The union party.")
    employer_party: str
    stage: Stage
    offered_on: datetime.date
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    next_step: str | None = Field(description="Code of the earliest open statutory step (see `timeline`).")
    next_due_on: datetime.date | None
    overdue: bool = Field(description="The next step's due date has passed.")
    enterprises: int = Field(description="Enterprises covered.")
    workers: int = Field(description="Workers covered, over all enterprises.")


class AgreementPage(PageMeta):
    items: list[AgreementRow]


class CoverageOut(ApiSchema):
    enterprise: Ref
    town: Ref | None
    workers: int


class RepresentativeOut(ApiSchema):
    side: Side
    name: str
    position: str
    is_chief: bool


class RoundOut(ApiSchema):
    number: int
    held_on: datetime.date
    chaired_by: Side
    minutes: str


class VoteOut(ApiSchema):
    body: VotingBody
    held_on: datetime.date
    eligible: int
    present: int
    yes: int
    no: int
    abstain: int
    passed: bool


class TermsOut(ApiSchema):
    term_years: int
    wage_system: str
    avg_wage: Decimal | None
    avg_increase_pct: Decimal | None
    min_wage: Decimal | None
    min_increase_pct: Decimal | None
    payment_terms: str
    allowances: str
    piece_rates: str
    overtime_pay: str
    leave_pay: str
    special_groups: str
    skilled_worker_clause: bool
    skilled_worker_terms: str


class StepOut(ApiSchema):
    code: str
    label: str
    rule: str = Field(description="The statutory limit, e.g. “within 20 days of receiving the offer”.")
    due_on: datetime.date | None
    done_on: datetime.date | None
    state: Literal["done", "overdue", "due_soon", "waiting", "pending", "skipped"]
    provisional: bool = Field(description="The due date relies on a Monday–Friday estimate (no holiday data).")
    done_late: bool


class ActionsOut(ApiSchema):
    """What the caller may record now (the actions answer 403 or 409 otherwise)."""

    edit_offer: bool
    reply: bool
    schedule: bool
    representatives: bool
    data: bool
    round: bool
    terms: bool
    vote: bool
    sign: bool
    attach: bool
    file: bool
    objection: bool
    publish: bool
    renew: bool
    cancel: bool


class AgreementDetail(AgreementRow):
    industry: Industry | None
    renewal_of: AgreementRef | None
    renewals: list[AgreementRef]
    offered_by: Side
    offer_received_on: datetime.date
    offer_points: str
    proposed_talks_on: datetime.date | None
    replied_on: datetime.date | None
    reply_note: str
    first_meeting_on: datetime.date | None
    data_provided_on: datetime.date | None
    recorder_name: str
    terms: TermsOut
    signed_on: datetime.date | None
    has_signed_file: bool
    filed_on: datetime.date | None
    bureau_ref: str
    objection_on: datetime.date | None
    objection_note: str
    effective_on: datetime.date | None
    published_on: datetime.date | None
    publish_method: str
    cancelled_reason: str
    coverage: list[CoverageOut]
    representatives: list[RepresentativeOut]
    rounds: list[RoundOut]
    votes: list[VoteOut]
    timeline: list[StepOut]
    actions: ActionsOut


class AgreementFilters(PageParams):
    kind: AgreementKind | None = None
    stage: Stage | None = None
    org: Id | None = Field(None, description="Only negotiations whose union party is in this org's subtree.")
    q: Text(64) | None = Field(None, description="Part of the title, the employer party or the union's name.")
    due: Literal["overdue", "soon"] | None = Field(
        None, description="overdue: the next step is late; soon: due within the reminder window.")
    year: int | None = Field(None, ge=1990, le=2100, description="Offer sent in this year.")


class CoverageIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    enterprise: Id
    workers: Count_


class AgreementCreateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The union party: an enterprise union (single), or a town, platform, "
                                "industry or district union (area, industry).")
    kind: AgreementKind
    title: Text(120)
    employer_party: Text(120)
    offered_by: Side = Side.UNION
    offered_on: datetime.date
    offer_received_on: datetime.date
    offer_points: LongText = ""
    proposed_talks_on: datetime.date | None = None
    industry: Industry | None = Field(None, description="Required for an industry agreement.")
    term_years: int = Field(1, ge=1, le=3)
    coverage: list[CoverageIn] = Field(max_length=2000, description="The enterprises bound and their workers.")


class OfferUpdateIn(ApiSchema):
    """Correct the offer while the negotiation is open. Fields left out keep their value;
    `coverage`, when sent, replaces the whole list."""

    model_config = ConfigDict(extra="forbid")

    title: Text(120) = None
    employer_party: Text(120) = None
    offer_points: LongText = None
    proposed_talks_on: datetime.date | None = None
    coverage: list[CoverageIn] = Field(None, max_length=2000)


class ReplyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    replied_on: datetime.date
    reply_note: LongText = ""
    first_meeting_on: datetime.date | None = None


class ScheduleIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    first_meeting_on: datetime.date


class DataExchangeIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    provided_on: datetime.date


class RepresentativeIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    side: Side
    name: Text(64)
    position: Text(64) = ""
    is_chief: bool = False


class RepresentativesIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    representatives: list[RepresentativeIn] = Field(max_length=40, description="Both sides, 3–10 each.")
    recorder_name: Text(64)


class RoundIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    held_on: datetime.date
    minutes: LongText


class TermsIn(ApiSchema):
    """Only the fields sent change; `null` clears a figure."""

    model_config = ConfigDict(extra="forbid")

    term_years: int = Field(None, ge=1, le=3)
    wage_system: LongText = None
    avg_wage: Money | None = None
    avg_increase_pct: Percent | None = None
    min_wage: Money | None = None
    min_increase_pct: Percent | None = None
    payment_terms: LongText = None
    allowances: LongText = None
    piece_rates: LongText = None
    overtime_pay: LongText = None
    leave_pay: LongText = None
    special_groups: LongText = None
    skilled_worker_clause: bool = None
    skilled_worker_terms: LongText = None


class VoteIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    body: VotingBody
    held_on: datetime.date
    eligible: Count_
    present: Count_
    yes: Count_
    no: Count_
    abstain: Count_


class SignIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    signed_on: datetime.date
    starts_on: datetime.date = Field(description="In force from; the term runs whole years from this day.")


class FileIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    filed_on: datetime.date
    bureau_ref: Text(64) = ""


class ObjectionIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    objection_on: datetime.date
    note: LongText


class PublishIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    published_on: datetime.date
    method: Text(120) = Field(description="Notice board, staff meeting, intranet…")


class CancelIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(200)


class RenewIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    offered_by: Side = Side.UNION
    offered_on: datetime.date
    offer_received_on: datetime.date
    offer_points: LongText = ""
    proposed_talks_on: datetime.date | None = None


# --- output --------------------------------------------------------------------------------------

def _row(a, figures, today):
    enterprises, workers = figures.get(a.pk, (0, 0))
    return {"id": a.pk, "kind": a.kind, "title": a.title, "org": ref(a.org), "employer_party": a.employer_party,
            "stage": a.stage, "offered_on": a.offered_on, "starts_on": a.starts_on, "ends_on": a.ends_on,
            "next_step": a.next_step or None, "next_due_on": a.next_due_on,
            "overdue": bool(a.next_due_on and a.next_due_on < today),
            "enterprises": enterprises, "workers": workers}


def _coverage_figures(ids):
    """{agreement id: (enterprises, workers)} for a page of agreements, in one query. Counted
    from Coverage itself, not through the scoped list query (whose joins on the covered
    enterprises would count only the caller's own)."""
    rows = (Coverage.objects.filter(agreement_id__in=ids).values("agreement_id")
            .annotate(n=Count("id"), w=Sum("workers")).order_by())
    return {r["agreement_id"]: (r["n"], r["w"] or 0) for r in rows}


def agreement_rows(agreements):
    figures = _coverage_figures([a.pk for a in agreements]) if agreements else {}
    today = timeline.today()
    return [_row(a, figures, today) for a in agreements]


def _aref(a):
    return {"id": a.pk, "title": a.title} if a is not None else None


def _step(s):
    # steps_of() passes False as the renewal's "done" when there is none: no date.
    return {"code": s.code, "label": str(s.label), "rule": str(s.rule), "due_on": s.due_on,
            "done_on": s.done_on or None, "state": s.state, "provisional": s.provisional, "done_late": s.done_late}


def agreement_out(user, agreement):
    """The detail of one agreement (already checked visible), its related rows in one query each."""
    a = selectors.agreement_detail(agreement)
    coverage = list(a.coverages.all())
    renewals = list(a.renewals.all())
    figures = {a.pk: (len(coverage), sum(c.workers for c in coverage))}
    actions = policies.agreement_actions(user, a, has_renewal=bool(renewals))
    return {
        **_row(a, figures, timeline.today()),
        "industry": a.industry or None, "renewal_of": _aref(a.renewal_of), "renewals": [_aref(r) for r in renewals],
        "offered_by": a.offered_by, "offer_received_on": a.offer_received_on, "offer_points": a.offer_points,
        "proposed_talks_on": a.proposed_talks_on, "replied_on": a.replied_on, "reply_note": a.reply_note,
        "first_meeting_on": a.first_meeting_on, "data_provided_on": a.data_provided_on,
        "recorder_name": a.recorder_name,
        "terms": {name: getattr(a, name) for name in services.TERMS_FIELDS},
        "signed_on": a.signed_on, "has_signed_file": bool(a.signed_file), "filed_on": a.filed_on,
        "bureau_ref": a.bureau_ref, "objection_on": a.objection_on, "objection_note": a.objection_note,
        "effective_on": a.effective_on, "published_on": a.published_on, "publish_method": a.publish_method,
        "cancelled_reason": a.cancelled_reason,
        "coverage": [{"enterprise": ref(c.enterprise), "town": ref(c.enterprise.town), "workers": c.workers}
                     for c in coverage],
        "representatives": [{"side": r.side, "name": r.name, "position": r.position, "is_chief": r.is_chief}
                            for r in a.representatives.all()],
        "rounds": [{"number": r.number, "held_on": r.held_on, "chaired_by": r.chaired_by, "minutes": r.minutes}
                   for r in a.rounds.all()],
        "votes": [{"body": v.body, "held_on": v.held_on, "eligible": v.eligible, "present": v.present,
                   "yes": v.yes, "no": v.no, "abstain": v.abstain, "passed": v.passed} for v in a.votes.all()],
        "timeline": [_step(s) for s in selectors.steps_of(a)],
        "actions": vars(actions),
    }


# --- helpers -------------------------------------------------------------------------------------

def _agreement(user, agreement_id):
    """A negotiation the caller can see, or the one 404."""
    agreement = selectors.agreements(user).filter(pk=agreement_id).first()
    if agreement is None:
        raise not_found()
    return agreement


def _coverage(user, items, field="coverage"):
    """CoveredEnterprise list from the request; an enterprise the caller cannot see is an
    unknown reference (400 on `coverage.<n>.enterprise`)."""
    ids = [item.enterprise for item in items]
    found = (Enterprise.objects.visible_to(user).select_related("union", "town").in_bulk(ids) if ids else {})
    result = []
    for number, item in enumerate(items):
        enterprise = found.get(item.enterprise)
        if enterprise is None:
            resolve(Enterprise.objects.none(), item.enterprise, field=f"{field}.{number}.enterprise")
        result.append(CoveredEnterprise(enterprise, item.workers))
    return result


def _party_orgs(user):
    return Org.objects.visible_to(user, policies.VIEW)


def _check_upload(upload):
    """The kind of a signed agreement by its first bytes; 400 on `file` otherwise."""
    try:
        return validate_document(upload)
    except ValidationError as exc:
        code = exc.code or "invalid_file"
        message = " ".join(exc.messages)
        raise ApiError(400, code, message, field="file",
                       errors=[{"field": "file", "code": code, "message": message}]) from exc




# --- list, detail, create ------------------------------------------------------------------------

@router.get("/wage-agreements", response={200: AgreementPage, **READ_ERRORS}, summary="List wage negotiations")
def list_agreements(request, filters: Query[AgreementFilters]):
    """Negotiations and agreements the caller can see, newest first. An `org` the caller cannot
    see matches nothing (like /members)."""
    user = request.auth
    org = None
    nothing = False
    if filters.org is not None:
        org = _party_orgs(user).filter(pk=filters.org).first()
        nothing = org is None
    qs = selectors.filtered(user, selectors.AgreementFilters(
        q=filters.q or "", kind=filters.kind or "", stage=filters.stage or "", org=org, due=filters.due or "",
        year=filters.year))
    if nothing:
        qs = qs.none()
    return paginate(qs, filters, rows=agreement_rows, load=selectors.page_rows())


@router.get("/wage-agreements/{agreement_id}", response={200: AgreementDetail, **READ_ERRORS},
            summary="Get a wage negotiation with its timeline")
def get_agreement(request, agreement_id: Id):
    user = request.auth
    return agreement_out(user, _agreement(user, agreement_id))


@router.post("/wage-agreements", response={201: AgreementDetail, **WRITE_ERRORS},
             summary="Start a negotiation (record the written offer)")
def create_agreement(request, payload: AgreementCreateIn,
                     idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                          description=IDEMPOTENCY_HEADER_DOC)):
    """Record the written offer (要约书). A union party that already has an open negotiation of
    the same kind is refused (409 `already_open`)."""
    user = request.auth

    def run():
        org = resolve(_party_orgs(user), payload.org, field="org")
        offer = Offer(kind=payload.kind, title=payload.title, employer_party=payload.employer_party,
                      offered_by=payload.offered_by, offered_on=payload.offered_on,
                      offer_received_on=payload.offer_received_on, coverage=_coverage(user, payload.coverage),
                      offer_points=payload.offer_points, proposed_talks_on=payload.proposed_talks_on,
                      industry=payload.industry or "", term_years=payload.term_years)
        agreement = services.start_negotiation(actor=user, org=org, offer=offer)
        return 201, agreement_out(user, agreement)

    return idempotent(request, idempotency_key, payload, run, schema=AgreementDetail)


@router.patch("/wage-agreements/{agreement_id}", response={200: AgreementDetail, **WRITE_ERRORS},
              summary="Correct the offer (parties, points, enterprises covered)")
def update_agreement_offer(request, agreement_id: Id, payload: OfferUpdateIn):
    user = request.auth
    agreement = _agreement(user, agreement_id)
    sent = payload.model_dump(exclude_unset=True)  # explicit nulls are refused (422) but proposed_talks_on
    if "coverage" in sent:
        coverage = _coverage(user, payload.coverage)
    else:
        coverage = [CoveredEnterprise(c.enterprise, c.workers)
                    for c in agreement.coverages.select_related("enterprise__union", "enterprise__town")]
    services.update_offer(
        actor=user, agreement=agreement, title=sent.get("title", agreement.title),
        employer_party=sent.get("employer_party", agreement.employer_party),
        offer_points=sent.get("offer_points", agreement.offer_points),
        proposed_talks_on=sent.get("proposed_talks_on", agreement.proposed_talks_on), coverage=coverage)
    return agreement_out(user, agreement)


# --- workflow actions ----------------------------------------------------------------------------

_action = workflow_actions(router, path="/wage-agreements", id_param="agreement_id", load=_agreement,
                           render=agreement_out, response=AgreementDetail, operation_prefix="wage_agreement")


@_action("reply", "Record the other side's written reply", ReplyIn)
def reply(user, agreement, p):
    """Due within 20 days of receiving the offer."""
    services.record_reply(actor=user, agreement=agreement, replied_on=p.replied_on, reply_note=p.reply_note,
                          first_meeting_on=p.first_meeting_on)


@_action("schedule", "Plan the first meeting", ScheduleIn)
def schedule(user, agreement, p):
    """Talks start within 10 working days of the reply."""
    services.schedule_first_meeting(actor=user, agreement=agreement, first_meeting_on=p.first_meeting_on)


@_action("data-exchange", "Record that the enterprise provided its wage data", DataExchangeIn)
def data_exchange(user, agreement, p):
    """Wage totals, costs, finances, social insurance and training spending, due 5 working days
    before the first meeting."""
    services.record_data_exchange(actor=user, agreement=agreement, provided_on=p.provided_on)


@_action("representatives", "Name both sides' representatives and the recorder", RepresentativesIn)
def representatives(user, agreement, p):
    """Replaces the whole list: 3–10 per side, equal numbers, one chief each (the workers' chief
    is the union chair)."""
    reps = [RepresentativeInput(side=r.side, name=r.name, position=r.position, is_chief=r.is_chief)
            for r in p.representatives]
    services.set_representatives(actor=user, agreement=agreement, representatives=reps,
                                 recorder_name=p.recorder_name)


@_action("rounds", "Record a round of talks", RoundIn)
def rounds(user, agreement, p):
    """Rounds are numbered in order and chaired in turn, the first by the side that made the offer."""
    services.record_round(actor=user, agreement=agreement, held_on=p.held_on, minutes=p.minutes)


@_action("terms", "Change the agreed terms (only the fields sent)", TermsIn)
def terms(user, agreement, p):
    """Until the draft is approved; `null` clears a figure."""
    services.update_terms(actor=user, agreement=agreement, **p.model_dump(exclude_unset=True))


@_action("vote", "Record the vote of the workers' congress (or all staff) on the draft", VoteIn)
def vote(user, agreement, p):
    """Passes with at least two thirds present and more than half of ALL entitled in favour; a
    failed vote sends the draft back to the table."""
    services.record_vote(actor=user, agreement=agreement, data=VoteInput(
        body=p.body, held_on=p.held_on, eligible=p.eligible, present=p.present, yes=p.yes, no=p.no,
        abstain=p.abstain))


@_action("sign", "Record the signing (dates; upload the scan to signed-file)", SignIn)
def sign(user, agreement, p):
    services.sign_agreement(actor=user, agreement=agreement, signed_on=p.signed_on, starts_on=p.starts_on)


@_action("file", "Record the filing with the labour bureau", FileIn)
def file_with_bureau(user, agreement, p):
    """Due within 10 days of signing; the agreement takes effect 15 days later unless the bureau objects."""
    services.file_agreement(actor=user, agreement=agreement, filed_on=p.filed_on, bureau_ref=p.bureau_ref)


@_action("objection", "Record the bureau's objection (back to the table)", ObjectionIn)
def objection(user, agreement, p):
    services.record_objection(actor=user, agreement=agreement, objection_on=p.objection_on, note=p.note)


@_action("publish", "Record the publication to staff", PublishIn)
def publish(user, agreement, p):
    """Due within 5 days of taking effect."""
    services.publish_agreement(actor=user, agreement=agreement, published_on=p.published_on, method=p.method)


@_action("cancel", "Cancel an open negotiation", CancelIn)
def cancel(user, agreement, p):
    services.cancel_negotiation(actor=user, agreement=agreement, reason=p.reason)


@router.post("/wage-agreements/{agreement_id}/renew", response={201: AgreementDetail, **WRITE_ERRORS},
             summary="Start the renewal of a concluded agreement")
def renew_agreement(request, agreement_id: Id, payload: RenewIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                         description=IDEMPOTENCY_HEADER_DOC)):
    """A new negotiation with the same parties and enterprises (answered with the new one)."""
    user = request.auth

    def run():
        agreement = _agreement(user, agreement_id)
        renewal = services.start_renewal(
            actor=user, agreement=agreement, offered_by=payload.offered_by, offered_on=payload.offered_on,
            offer_received_on=payload.offer_received_on, offer_points=payload.offer_points,
            proposed_talks_on=payload.proposed_talks_on)
        return 201, agreement_out(user, renewal)

    return idempotent(request, idempotency_key, payload, run, schema=AgreementDetail)


# --- the signed agreement ------------------------------------------------------------------------

@router.post("/wage-agreements/{agreement_id}/signed-file", response={200: AgreementDetail, **WRITE_ERRORS},
             summary="Upload the signed agreement (multipart; PDF, JPG or PNG)")
def upload_signed_file(request, agreement_id: Id, file: File[UploadedFile]):
    """Once signed. The type is read from the file's content, not its name; a new upload
    replaces the previous one."""
    user = request.auth
    agreement = _agreement(user, agreement_id)
    require(user, policies.CHANGE, agreement.org)  # rights before reading the upload
    kind = _check_upload(file)
    file.name = f"wage-agreement-{agreement.pk}.{extension_of(kind)}"
    services.attach_signed_file(actor=user, agreement=agreement, signed_file=file)
    return agreement_out(user, agreement)


@router.get("/wage-agreements/{agreement_id}/signed-file", response={200: None, **READ_ERRORS},
            summary="Download the signed agreement")
def download_signed_file(request, agreement_id: Id):
    agreement = _agreement(request.auth, agreement_id)
    if not agreement.signed_file:
        raise not_found()
    name = agreement.signed_file.name.rsplit("/", 1)[-1]
    return private_file_response(agreement.signed_file, name)
