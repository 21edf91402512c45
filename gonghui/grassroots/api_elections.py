"""/elections — committee elections (换届选举) from plan to approved result.

- Reads are scoped: an election outside the caller's subtree answers 404 like a missing one; a
  union named in a body that the caller cannot act for is 400 `unknown_reference`.
- `POST /elections` starts the plan (optionally with its candidates, all or nothing); one open
  election per union: a second answers 409 `already_open`.
- Each workflow action `POST /elections/{id}/<action>` calls one service: `plan` (change the
  draft), `candidates` (add one), `candidates/{candidate_id}/remove`, `submit-plan`,
  `approve-plan`, `return-plan`, `meeting`, `ballots`, `close-voting`, `officers`,
  `submit-result`, `approve-result` (seats the committee), `return-result`, `cancel`. A rule
  that refuses the step answers 400 with its code and field; a step the status does not allow
  409 `wrong_stage`; a right the caller lacks 403.
- Lists: keyset pagination, newest first; counts are capped.
"""

import datetime
from typing import Literal

from django.db import transaction
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
from gonghui.orgs.models import Org, OrgLevel

from .models.elections import CandidatePosition, ElectionStatus, Electorate
from .policies import elections as policies
from .rules import elections as election_rules
from .selectors import elections as selectors
from .services import elections as services

router = Router(tags=["elections"])

Name = Text(64)
Reason = Text(400)


# --- schemas -----------------------------------------------------------------------------------

class ElectionRow(ApiSchema):
    id: int
    org: Ref = Field(description="The grassroots union.")
    electorate: Electorate
    members_count: int = Field(description="Live members of the union when the plan was made or last changed.")
    entitled_voters: int
    seats: int
    term_years: int
    planned_meeting_on: datetime.date
    status: ElectionStatus
    candidate_count: int
    plan_approved_on: datetime.date | None
    meeting_held_on: datetime.date | None
    result_approved_on: datetime.date | None


class ElectionPage(PageMeta):
    items: list[ElectionRow]


class CandidateOut(ApiSchema):
    id: int
    name: str
    person: int | None
    gender: str
    proposed_position: CandidatePosition
    relative_of_manager: bool
    elected: bool
    elected_round: int | None
    position: CandidatePosition | None


class MeetingOut(ApiSchema):
    id: int
    held_on: datetime.date
    entitled: int
    present: int
    valid: bool
    note: str


class VoteOut(ApiSchema):
    candidate: int
    name: str
    votes: int | None
    elected: bool
    tied: bool


class RoundOut(ApiSchema):
    number: int
    seats: int
    status: str
    ballots_issued: int | None
    ballots_returned: int | None
    ballots_valid: int | None
    counted_on: datetime.date | None
    outcome: str
    votes: list[VoteOut]


class ActionsOut(ApiSchema):
    """What the caller may record now (the actions answer 403 or 409 otherwise)."""

    edit_plan: bool
    candidates: bool
    submit_plan: bool
    approve_plan: bool
    meeting: bool
    ballots: bool
    close_voting: bool
    officers: bool
    submit_result: bool
    approve_result: bool
    cancel: bool


class RulesOut(ApiSchema):
    seat_min: int = Field(description="Fewest seats the legal table allows for the union's members.")
    seat_max: int
    min_candidates: int = Field(description="差额: at least this many candidates for the planned seats.")
    quorum_needed: int = Field(description="Present needed for a valid meeting (two thirds of those entitled).")
    majority_needed: int = Field(description="Votes needed to be elected (more than half of all entitled).")


class ElectionDetail(ElectionRow):
    note: str
    plan_submitted_on: datetime.date | None
    plan_returned_on: datetime.date | None
    plan_return_reason: str
    plan_approval_no: str
    first_meeting_on: datetime.date | None
    result_submitted_on: datetime.date | None
    result_returned_on: datetime.date | None
    result_return_reason: str
    result_approval_no: str
    cancelled_on: datetime.date | None
    cancel_reason: str
    committee: int | None = Field(description="The committee seated by the approved result.")
    rules: RulesOut
    problems: list[str] = Field(description="What keeps a draft plan from being submitted.")
    candidates: list[CandidateOut]
    meetings: list[MeetingOut]
    rounds: list[RoundOut]
    actions: ActionsOut


class FiltersIn(PageParams):
    status: ElectionStatus | Literal["open", "awaiting", "closed"] | None = Field(
        None, description="A status, or open / awaiting (the upper union's approval) / closed.")
    org: Id | None = Field(None, description="Only elections of this town's or union's subtree.")
    q: Text(60) | None = Field(None, description="Part of the union's name.")
    year: int | None = Field(None, ge=2000, le=2100, description="The planned meeting's year.")
    due: Literal["overdue"] | None = Field(None, description="overdue: approval waiting too long.")


class CandidateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field("", description="The name, when no member is linked.")
    person: Id | None = Field(None, description="A live member of the union (the name is then theirs).")
    gender: Literal["", "M", "F"] = ""
    proposed_position: CandidatePosition = CandidatePosition.MEMBER
    relative_of_manager: bool = Field(False, description="Declared close relative of a senior manager: may not "
                                                         "stand for chair or vice-chair.")


class PlanIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    electorate: Electorate
    entitled_voters: int | None = Field(None, ge=1, le=10_000_000, description="Delegates (delegates' assembly).")
    seats: int = Field(ge=1, le=100)
    term_years: int = Field(ge=1, le=10)
    planned_meeting_on: datetime.date
    note: Text(2000) = ""


class ElectionIn(PlanIn):
    union: Id = Field(description="The grassroots union whose committee is elected.")
    candidates: list[CandidateIn] = Field([], max_length=services.MAX_CANDIDATES)


class DayIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    submitted_on: datetime.date


class ApproveIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    approved_on: datetime.date
    approval_no: Text(64) = ""


class ReturnIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    returned_on: datetime.date
    reason: Reason


class MeetingIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    held_on: datetime.date
    present: int = Field(ge=0, le=10_000_000)
    note: Reason = ""


class BallotsIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    ballots_issued: int = Field(ge=1, le=10_000_000)
    ballots_returned: int = Field(ge=0, le=10_000_000)
    ballots_valid: int = Field(ge=0, le=10_000_000)
    votes: dict[int, int] = Field(description="Votes per candidate id standing in the open round.")
    counted_on: datetime.date | None = None
    round: int | None = Field(None, ge=1, le=1000, description="The round these ballots are for (see `rounds`); "
                              "when given and no longer the open round, 400 `stale_round` (a retried request is "
                              "not counted as the further round).")


class CloseIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class OfficersIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    first_meeting_on: datetime.date
    chair: Id = Field(description="Candidate id of the chair, among the elected.")
    vice_chairs: list[Id] = Field([], max_length=20)


class CancelIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    cancelled_on: datetime.date
    reason: Reason


class RemoveIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")


# --- output ------------------------------------------------------------------------------------

def election_row(e):
    return {"id": e.pk, "org": ref(e.org), "electorate": e.electorate, "members_count": e.members_count,
            "entitled_voters": e.entitled_voters, "seats": e.seats, "term_years": e.term_years,
            "planned_meeting_on": e.planned_meeting_on, "status": e.status,
            "candidate_count": getattr(e, "candidate_count", None) or 0, "plan_approved_on": e.plan_approved_on,
            "meeting_held_on": e.meeting_held_on, "result_approved_on": e.result_approved_on}


def election_out(user, election):
    from .models import Committee

    e = selectors.with_steps(election)
    candidates = list(e.candidates.all())
    e.candidate_count = len(candidates)
    meetings = list(e.meetings.all())
    valid = next((m for m in meetings if m.valid), None)
    entitled = valid.entitled if valid else e.entitled_voters
    low, high = election_rules.seat_range(e.members_count)
    committee = (Committee.objects.filter(election_id=e.pk).values_list("pk", flat=True).first()
                 if e.status == ElectionStatus.APPROVED else None)
    return {
        **election_row(e), "note": e.note, "plan_submitted_on": e.plan_submitted_on,
        "plan_returned_on": e.plan_returned_on, "plan_return_reason": e.plan_return_reason,
        "plan_approval_no": e.plan_approval_no, "first_meeting_on": e.first_meeting_on,
        "result_submitted_on": e.result_submitted_on, "result_returned_on": e.result_returned_on,
        "result_return_reason": e.result_return_reason, "result_approval_no": e.result_approval_no,
        "cancelled_on": e.cancelled_on, "cancel_reason": e.cancel_reason, "committee": committee,
        "rules": {"seat_min": low, "seat_max": high, "min_candidates": election_rules.min_candidates(e.seats),
                  "quorum_needed": election_rules.quorum_needed(entitled),
                  "majority_needed": election_rules.majority_needed(entitled)},
        "problems": [str(p) for p in services.plan_problems(e)] if e.status == ElectionStatus.DRAFT else [],
        "candidates": [{"id": c.pk, "name": c.name, "person": c.person_id, "gender": c.gender,
                        "proposed_position": c.proposed_position, "relative_of_manager": c.relative_of_manager,
                        "elected": c.elected, "elected_round": c.elected_round, "position": c.position or None}
                       for c in candidates],
        "meetings": [{"id": m.pk, "held_on": m.held_on, "entitled": m.entitled, "present": m.present,
                      "valid": m.valid, "note": m.note} for m in meetings],
        "rounds": [{"number": r.number, "seats": r.seats, "status": r.status, "ballots_issued": r.ballots_issued,
                    "ballots_returned": r.ballots_returned, "ballots_valid": r.ballots_valid,
                    "counted_on": r.counted_on, "outcome": r.outcome,
                    "votes": [{"candidate": v.candidate_id, "name": v.candidate.name, "votes": v.votes,
                               "elected": v.elected, "tied": v.tied} for v in r.votes.all()]}
                   for r in e.rounds.all()],
        "actions": vars(policies.election_actions(user, e)),
    }


def _election(user, election_id):
    election = selectors.elections(user).select_related("org").filter(pk=election_id).first()
    if election is None:
        raise not_found()
    return election


def _person(union, person_id, field):
    if person_id is None:
        return None
    from gonghui.members.models import LIVE_STATUSES, Membership

    membership = (Membership.objects.filter(union=union, person_id=person_id, status__in=LIVE_STATUSES)
                  .select_related("person").first())
    if membership is None:
        resolve(Org.objects.none(), person_id, field=field)
    return membership.person


def _add(user, election, c, field):
    person = _person(election.org, c.person, f"{field}.person")
    try:
        services.add_candidate(actor=user, election=election, name=c.name, person=person, gender=c.gender,
                               proposed_position=c.proposed_position, relative_of_manager=c.relative_of_manager)
    except services.DomainError as exc:
        if exc.field and not exc.field.startswith(field):
            exc.field = f"{field}.{exc.field}"
        raise


# --- endpoints ---------------------------------------------------------------------------------

@router.get("/elections", response={200: ElectionPage, **READ_ERRORS}, summary="List committee elections")
def list_elections(request, filters: Query[FiltersIn]):
    """Elections the caller can see, newest first."""
    user = request.auth
    org = None
    if filters.org is not None:
        org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first()
    qs = selectors.filtered(user, selectors.ElectionFilters(
        q=filters.q or "", org=org, status=filters.status or "", year=filters.year, due=filters.due or ""))
    if filters.org is not None and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=election_row, load=selectors.page_rows())


@router.get("/elections/{election_id}", response={200: ElectionDetail, **READ_ERRORS},
            summary="Get an election with its candidates, meetings and voting rounds")
def get_election(request, election_id: Id):
    user = request.auth
    return election_out(user, _election(user, election_id))


@router.post("/elections", response={201: ElectionDetail, **WRITE_ERRORS}, summary="Plan an election")
def create_election(request, payload: ElectionIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                         description=IDEMPOTENCY_HEADER_DOC)):
    """The plan of a union's next committee election, with its candidates when given (all or
    nothing). Seats must fit the legal size table for the union's live members."""
    user = request.auth

    def run():
        union = resolve(Org.objects.visible_to(user, policies.VIEW).filter(level=OrgLevel.GRASSROOTS),
                        payload.union, field="union")
        with transaction.atomic():
            election = services.plan_election(
                actor=user, union=union, electorate=payload.electorate, seats=payload.seats,
                term_years=payload.term_years, planned_meeting_on=payload.planned_meeting_on,
                entitled_voters=payload.entitled_voters if payload.electorate == Electorate.DELEGATES else None,
                note=payload.note)
            for n, c in enumerate(payload.candidates):
                _add(user, election, c, f"candidates.{n}")
        return 201, election_out(user, election)

    return idempotent(request, idempotency_key, payload, run, schema=ElectionDetail)


_action = workflow_actions(router, path="/elections", id_param="election_id", load=_election, render=election_out,
                           response=ElectionDetail, operation_prefix="election")


@_action("plan", "Change the draft plan", PlanIn)
def plan(user, election, p):
    services.update_plan(actor=user, election=election, electorate=p.electorate, seats=p.seats,
                         term_years=p.term_years, planned_meeting_on=p.planned_meeting_on,
                         entitled_voters=p.entitled_voters if p.electorate == Electorate.DELEGATES else None,
                         note=p.note)


@_action("candidates", "Add a candidate to the draft plan", CandidateIn)
def candidates(user, election, p):
    """A close relative of a senior manager may not stand for chair or vice-chair (400 `relative_barred`)."""
    person = _person(election.org, p.person, "person")
    services.add_candidate(actor=user, election=election, name=p.name, person=person, gender=p.gender,
                           proposed_position=p.proposed_position, relative_of_manager=p.relative_of_manager)


@router.post("/elections/{election_id}/candidates/{candidate_id}/remove",
             response={200: ElectionDetail, **WRITE_ERRORS}, summary="Remove a candidate from the draft plan",
             operation_id="election_candidate_remove")
def remove_candidate(request, election_id: Id, candidate_id: Id, payload: RemoveIn | None = None):
    user = request.auth
    election = _election(user, election_id)
    if not election.candidates.filter(pk=candidate_id).exists():
        raise not_found()
    services.remove_candidate(actor=user, election=election, candidate_id=candidate_id)
    return election_out(user, election)


@_action("submit-plan", "Submit the plan to the upper union", DayIn)
def submit_plan(user, election, p):
    """Needs 差额 (≥5% more candidates than seats, rounded up) and a candidate for chair."""
    services.submit_plan(actor=user, election=election, submitted_on=p.submitted_on)


@_action("approve-plan", "Approve the plan (upper union)", ApproveIn)
def approve_plan(user, election, p):
    services.approve_plan(actor=user, election=election, approved_on=p.approved_on, approval_no=p.approval_no)


@_action("return-plan", "Return the plan with the reason (upper union)", ReturnIn)
def return_plan(user, election, p):
    services.return_plan(actor=user, election=election, returned_on=p.returned_on, reason=p.reason)


@_action("meeting", "Record the election meeting's attendance", MeetingIn)
def meeting(user, election, p):
    """Below two thirds of those entitled the meeting is recorded as invalid (see `meetings`)."""
    services.record_meeting(actor=user, election=election, held_on=p.held_on, present=p.present, note=p.note)


@_action("ballots", "Enter the ballots of the open round", BallotsIn)
def ballots(user, election, p):
    """Elected only with more than half of all those entitled; ties at the last seat and unfilled
    seats open a further round (see `rounds`)."""
    services.record_ballots(actor=user, election=election, ballots_issued=p.ballots_issued,
                            ballots_returned=p.ballots_returned, ballots_valid=p.ballots_valid, votes=p.votes,
                            counted_on=p.counted_on, round_number=p.round)


@_action("close-voting", "End the voting with seats vacant (two thirds filled)", CloseIn)
def close_voting(user, election, p):
    services.close_voting(actor=user, election=election, reason=p.reason)


@_action("officers", "Record the chair and vice-chairs (committee's first meeting)", OfficersIn)
def officers(user, election, p):
    services.record_officers(actor=user, election=election, first_meeting_on=p.first_meeting_on, chair=p.chair,
                             vice_chairs=p.vice_chairs)


@_action("submit-result", "Submit the result to the upper union", DayIn)
def submit_result(user, election, p):
    services.submit_result(actor=user, election=election, submitted_on=p.submitted_on)


@_action("approve-result", "Approve the result: the new committee is seated (upper union)", ApproveIn)
def approve_result(user, election, p):
    services.approve_result(actor=user, election=election, approved_on=p.approved_on, approval_no=p.approval_no)


@_action("return-result", "Return the result with the reason (upper union)", ReturnIn)
def return_result(user, election, p):
    services.return_result(actor=user, election=election, returned_on=p.returned_on, reason=p.reason)


@_action("cancel", "Cancel the election", CancelIn)
def cancel(user, election, p):
    services.cancel_election(actor=user, election=election, cancelled_on=p.cancelled_on, reason=p.reason)
