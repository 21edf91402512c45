"""/proposals: delegates' proposals (提案) from the draft to the archive.

- Reads go through `selectors.proposals` (scope: `congress.view` on the union's subtree). A
  proposal outside the caller's scope answers 404 like a missing one.
- Every action (`POST /proposals/{id}/<action>`) calls exactly one service. A rule that refuses
  the step answers 400 with its code and field; a step the proposal's status does not allow (and
  a second extension) answers 409 `wrong_stage`. Without `congress.change` on the union: 403.
- `POST /proposals` (the draft) honours `Idempotency-Key`. `PUT /proposals/{id}` replaces a
  draft, `PATCH` changes only the fields sent.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router
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
from gonghui.orgs.models import Org

from . import policies
from .models import (
    CongressBody,
    Delegate,
    ProposalCategory,
    ProposalStatus,
    ReplyOutcome,
    Satisfaction,
    Session,
)
from .selectors import proposals as selectors
from .services import proposals as services
from .services.proposals import ProposalInput

router = Router(tags=["proposals"])


Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
LongText = Text(5000)


# --- schemas ----------------------------------------------------------------------------------------

class DelegateRef(ApiSchema):
    id: int
    name: str
    group: str


class SessionRef(ApiSchema):
    id: int
    title: str


class ProposalRow(ApiSchema):
    id: int
    number: str = Field(description="Given on acceptance, e.g. 2026-007; empty before.")
    title: str
    category: ProposalCategory
    status: ProposalStatus
    org: Ref = Field(description="The enterprise union.")
    body: int = Field(description="The congress term.")
    enterprise: Ref
    session: SessionRef | None
    proposer: DelegateRef
    submitted_on: datetime.date | None
    department: str
    assigned_on: datetime.date | None
    due_on: datetime.date | None = Field(description="The reply deadline (with the extension, once granted).")
    overdue: bool = Field(description="Assigned and not answered by the due date.")
    outcome: ReplyOutcome | None
    replied_on: datetime.date | None
    replied_late: bool


class ProposalPage(PageMeta):
    items: list[ProposalRow]


class ActionsOut(ApiSchema):
    """What the caller may record now (the actions answer 403 or 409 otherwise)."""

    edit: bool
    submit: bool
    review: bool
    assign: bool
    extend: bool
    reply: bool
    rate: bool
    benefit: bool


class ProposalDetail(ProposalRow):
    reasons: str
    suggestions: str
    cosigners: list[DelegateRef]
    reviewed_on: datetime.date | None
    review_reason: str
    extended: bool
    extension_reason: str
    reply: str
    satisfaction: Satisfaction | None
    rated_on: datetime.date | None
    reopen_count: int
    archived_on: datetime.date | None
    benefit_estimated: Decimal | None
    benefit_verified: Decimal | None
    actions: ActionsOut


class ProposalFilters(PageParams):
    status: ProposalStatus | None = None
    due: Literal["overdue", "soon"] | None = Field(
        None, description="overdue: assigned and past the due date; soon: due within the reminder window.")
    department: Text(80) | None = Field(None, description="Part of the responsible department's name.")
    org: Id | None = Field(None, description="Only proposals of unions in this org's subtree.")
    body: Id | None = Field(None, description="Only proposals of this congress term.")
    session: Id | None = Field(None, description="Only proposals tabled for this session.")
    year: int | None = Field(None, ge=1990, le=2100, description="Submitted in this year (drafts: created).")
    q: Text(64) | None = Field(None, description="Part of the subject, the number or the proposer's name.")


class DraftFields(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    title: Text(120)
    category: ProposalCategory
    reasons: LongText
    suggestions: LongText
    proposer: Id = Field(description="A seated delegate of the congress (not a substitute).")
    cosigners: list[Id] = Field(default_factory=list, max_length=500,
                                description="Other seated delegates; at least two before submission.")
    session: Id | None = Field(None, description="A planned or held session of the same congress.")


class ProposalCreateIn(DraftFields):
    body: Id = Field(description="The current congress term of the enterprise.")


class ProposalPatchIn(ApiSchema):
    """Fields left out keep their value; `cosigners`, when sent, replaces the whole list."""

    model_config = ConfigDict(extra="forbid")

    title: Text(120) = None
    category: ProposalCategory = None
    reasons: LongText = None
    suggestions: LongText = None
    proposer: Id = None
    cosigners: list[Id] = Field(None, max_length=500)
    session: Id | None = None


class SubmitIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    submitted_on: datetime.date
    one_issue: bool = Field(description="The proposer confirms it raises one issue only; must be true.")


class AcceptIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reviewed_on: datetime.date


class DeclineIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reviewed_on: datetime.date
    review_reason: Text(2000)


class AssignIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    department: Text(80)
    assigned_on: datetime.date


class ExtendIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    extension_reason: Text(200)


class ReplyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    outcome: ReplyOutcome
    reply: LongText = Field(description="Required; for outcome C it says why it cannot be solved for now.")
    replied_on: datetime.date
    benefit_estimated: Money | None = Field(None, description="Yuan, for outcome A or B.")


class RateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    satisfaction: Satisfaction
    rated_on: datetime.date


class BenefitIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    benefit_verified: Money
    benefit_estimated: Money | None = None


# --- output -------------------------------------------------------------------------------------------

def _delegate(d):
    return {"id": d.pk, "name": d.name, "group": d.group}


def _row(p, today):
    return {
        "id": p.pk, "number": p.number, "title": p.title, "category": p.category, "status": p.status,
        "org": ref(p.org), "body": p.body_id, "enterprise": ref(p.body.enterprise),
        "session": {"id": p.session.pk, "title": p.session.title} if p.session else None,
        "proposer": _delegate(p.proposer), "submitted_on": p.submitted_on, "department": p.department,
        "assigned_on": p.assigned_on, "due_on": p.due_on, "overdue": selectors.overdue(p, today),
        "outcome": p.outcome or None, "replied_on": p.replied_on, "replied_late": selectors.reply_late(p),
    }


def proposal_rows(proposals):
    today = services.today()
    return [_row(p, today) for p in proposals]


def proposal_out(user, proposal):
    p = selectors.proposal_detail(proposal)
    return {
        **_row(p, services.today()),
        "reasons": p.reasons, "suggestions": p.suggestions,
        "cosigners": [_delegate(d) for d in sorted(p.cosigners.all(), key=lambda d: (d.name, d.pk))],
        "reviewed_on": p.reviewed_on, "review_reason": p.review_reason, "extended": p.extended,
        "extension_reason": p.extension_reason, "reply": p.reply, "satisfaction": p.satisfaction or None,
        "rated_on": p.rated_on, "reopen_count": p.reopen_count, "archived_on": p.archived_on,
        "benefit_estimated": p.benefit_estimated, "benefit_verified": p.benefit_verified,
        "actions": vars(selectors.proposal_actions(user, p)),
    }


# --- helpers --------------------------------------------------------------------------------------------

def _proposal(user, proposal_id):
    """A proposal the caller can see, or the one 404."""
    proposal = selectors.proposals(user).filter(pk=proposal_id).first()
    if proposal is None:
        raise not_found()
    return proposal


def _delegates(user, ids, field):
    """Delegates the caller can see, in the order given; an unknown id is a 400 on `field.<n>`."""
    found = Delegate.objects.visible_to(user).in_bulk(ids) if ids else {}
    result = []
    for number, pk in enumerate(ids):
        delegate = found.get(pk)
        if delegate is None:
            resolve(Delegate.objects.none(), pk, field=f"{field}.{number}")
        result.append(delegate)
    return result


def _draft_input(user, fields: dict) -> ProposalInput:
    return ProposalInput(
        title=fields["title"], category=fields["category"], reasons=fields["reasons"],
        suggestions=fields["suggestions"],
        proposer=resolve(Delegate.objects.visible_to(user), fields["proposer"], field="proposer"),
        cosigners=_delegates(user, fields.get("cosigners") or [], "cosigners"),
        session=resolve(Session.objects.visible_to(user), fields.get("session"), field="session"))


def _current_fields(proposal) -> dict:
    return {"title": proposal.title, "category": proposal.category, "reasons": proposal.reasons,
            "suggestions": proposal.suggestions, "proposer": proposal.proposer_id,
            "cosigners": list(proposal.cosigners.order_by("pk").values_list("pk", flat=True)),
            "session": proposal.session_id}


# --- list, detail, draft ----------------------------------------------------------------------------------

@router.get("/proposals", response={200: ProposalPage, **READ_ERRORS}, summary="List proposals")
def list_proposals(request, filters: Query[ProposalFilters]):
    """Proposals the caller can see, newest first. An `org`, `body` or `session` the caller cannot
    see matches nothing."""
    user = request.auth
    nothing = False

    def visible(queryset, pk):
        nonlocal nothing
        if pk is None:
            return None
        found = queryset.visible_to(user, policies.VIEW).filter(pk=pk).first()
        nothing = nothing or found is None
        return found

    qs = selectors.filtered(user, selectors.ProposalFilters(
        q=filters.q or "", status=filters.status or "", due=filters.due or "", department=filters.department or "",
        org=visible(Org.objects, filters.org), body=visible(CongressBody.objects, filters.body),
        session=visible(Session.objects, filters.session), year=filters.year))
    if nothing:
        qs = qs.none()
    return paginate(qs, filters, rows=proposal_rows, load=selectors.page_rows())


@router.get("/proposals/{proposal_id}", response={200: ProposalDetail, **READ_ERRORS}, summary="Get a proposal")
def get_proposal(request, proposal_id: Id):
    user = request.auth
    return proposal_out(user, _proposal(user, proposal_id))


@router.post("/proposals", response={201: ProposalDetail, **WRITE_ERRORS}, summary="Record a proposal's draft")
def create_proposal(request, payload: ProposalCreateIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                         description=IDEMPOTENCY_HEADER_DOC)):
    """The draft of a seated delegate's proposal for the current term of a congress. A congress
    term the caller cannot see is an unknown reference (400 on `body`)."""
    user = request.auth

    def run():
        body = resolve(CongressBody.objects.visible_to(user), payload.body, field="body")
        proposal = services.draft_proposal(actor=user, body=body, data=_draft_input(user, payload.model_dump()))
        return 201, proposal_out(user, proposal)

    return idempotent(request, idempotency_key, payload, run, schema=ProposalDetail)


@router.put("/proposals/{proposal_id}", response={200: ProposalDetail, **WRITE_ERRORS},
            summary="Replace a draft")
def replace_proposal(request, proposal_id: Id, payload: DraftFields):
    user = request.auth
    proposal = _proposal(user, proposal_id)
    services.update_proposal(actor=user, proposal=proposal, data=_draft_input(user, payload.model_dump()))
    return proposal_out(user, proposal)


@router.patch("/proposals/{proposal_id}", response={200: ProposalDetail, **WRITE_ERRORS},
              summary="Change a draft (only the fields sent)")
def update_proposal(request, proposal_id: Id, payload: ProposalPatchIn):
    user = request.auth
    proposal = _proposal(user, proposal_id)
    sent = payload.model_dump(exclude_unset=True)
    nulls = [name for name, value in sent.items() if value is None and name != "session"]
    if nulls:  # only the session may be cleared
        message = _("This field cannot be null; leave it out to keep its value.")
        raise ApiError(422, "invalid", f"{nulls[0]}: {message}", field=nulls[0],
                       errors=[{"field": name, "code": "null", "message": message} for name in nulls])
    fields = {**_current_fields(proposal), **sent}
    services.update_proposal(actor=user, proposal=proposal, data=_draft_input(user, fields))
    return proposal_out(user, proposal)


# --- workflow actions -------------------------------------------------------------------------------------

_action = workflow_actions(router, path="/proposals", id_param="proposal_id", load=_proposal,
                           render=proposal_out, response=ProposalDetail, operation_prefix="proposal")


@_action("submit", "Submit a draft to the proposal committee", SubmitIn)
def submit(user, proposal, p):
    """Needs at least two co-signing seated delegates and `one_issue: true`."""
    services.submit_proposal(actor=user, proposal=proposal, submitted_on=p.submitted_on, one_issue=p.one_issue)


@_action("accept", "Accept as a proposal (numbers it)", AcceptIn)
def accept(user, proposal, p):
    """The number is the review year and the congress term's next sequence, e.g. 2026-007."""
    services.accept_proposal(actor=user, proposal=proposal, reviewed_on=p.reviewed_on)


@_action("convert", "Convert to an ordinary suggestion, with the reason", DeclineIn)
def convert(user, proposal, p):
    services.convert_proposal(actor=user, proposal=proposal, reviewed_on=p.reviewed_on,
                              review_reason=p.review_reason)


@_action("reject", "Do not accept, with the reason", DeclineIn)
def reject(user, proposal, p):
    services.reject_proposal(actor=user, proposal=proposal, reviewed_on=p.reviewed_on,
                             review_reason=p.review_reason)


@_action("assign", "Assign to the responsible department", AssignIn)
def assign(user, proposal, p):
    """The reply is due two months later, moved to the next working day."""
    services.assign_proposal(actor=user, proposal=proposal, department=p.department, assigned_on=p.assigned_on)


@_action("extend", "Extend the reply by one month (once)", ExtendIn)
def extend(user, proposal, p):
    """A second extension answers 409 `wrong_stage`."""
    services.extend_proposal(actor=user, proposal=proposal, extension_reason=p.extension_reason)


@_action("reply", "Record the department's reply (A, B or C)", ReplyIn)
def reply(user, proposal, p):
    """A late reply is accepted and marked `replied_late`."""
    services.reply_proposal(actor=user, proposal=proposal, outcome=p.outcome, reply=p.reply,
                            replied_on=p.replied_on, benefit_estimated=p.benefit_estimated)


@_action("rate", "Record the proposer's satisfaction", RateIn)
def rate(user, proposal, p):
    """Satisfied or basically satisfied: archived. Not satisfied: reopened once (assigned again,
    due two months from the rating), then archived."""
    services.rate_proposal(actor=user, proposal=proposal, satisfaction=p.satisfaction, rated_on=p.rated_on)


@_action("benefit", "Record the economic benefit of an adopted proposal", BenefitIn)
def benefit(user, proposal, p):
    """Outcome A or B, once replied or archived."""
    services.record_benefit(actor=user, proposal=proposal, benefit_verified=p.benefit_verified,
                            benefit_estimated=p.benefit_estimated)
