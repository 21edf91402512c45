"""/competitions: labour competitions (五比五赛) with their criteria, teams, scoring rounds, judges'
scores, evidence, leaderboard and awards.

- Reads are scoped: a competition is visible to the organiser's subtree and to the subtree of
  every participating team's union; out of scope answers 404 like a missing one.
- Every action calls exactly one service. A rule that refuses it answers 400 with its code and
  field (e.g. `weights_not_100` on `criteria`, `scores_missing`, `invalid_score`); a step the
  status does not allow 409 `wrong_stage`; a visible record the caller may not act on 403.
- Creating POSTs (competition, team, round, award) accept an Idempotency-Key.
- Scores: `POST /competitions/{id}/rounds/{round_id}/scores` with one judge's
  `{"judge": "…", "scores": {"<team id>": {"<criterion code>": 0..100}}}`.
- Leaderboard: `GET /competitions/{id}/leaderboard` (mean of the closed rounds' weighted totals,
  shared ranks on equal means, the open round's total so far as `provisional`).
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Query, Router
from ninja.files import UploadedFile
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
from gonghui.core.uploads import private_file_response
from gonghui.members.models import Person
from gonghui.orgs.models import Org

from .models.labour import CompetitionAwardKind, CompetitionStatus, RoundPeriod, RoundStatus, TeamKind
from .policies import labour as policies
from .selectors import labour as selectors
from .services import labour as services

router = Router(tags=["competitions"])


# --- schemas ----------------------------------------------------------------------------------------

class CompetitionRow(ApiSchema):
    id: int
    name: str
    org: Ref = Field(description="The organiser.")
    year: int
    period: RoundPeriod
    status: CompetitionStatus
    starts_on: datetime.date
    ends_on: datetime.date
    started_on: datetime.date | None
    finished_on: datetime.date | None
    teams: int
    rounds_closed: int


class CompetitionPage(PageMeta):
    items: list[CompetitionRow]


class CriterionOut(ApiSchema):
    id: int
    code: str
    name: str
    weight: Decimal


class TeamOut(ApiSchema):
    id: int
    name: str
    org: Ref
    kind: TeamKind
    leader: str


class RoundOut(ApiSchema):
    id: int
    number: int
    label: str
    period_starts_on: datetime.date
    period_ends_on: datetime.date
    judges: list[str]
    status: RoundStatus
    closed_on: datetime.date | None


class AwardOut(ApiSchema):
    id: int
    kind: CompetitionAwardKind
    team: int
    person: Ref | None
    title: str
    conferred_on: datetime.date
    honour_record: int | None


class BoardRowOut(ApiSchema):
    team: int
    name: str
    rank: int | None
    mean: Decimal | None
    totals: list[Decimal | None] = Field(description="The team's weighted total in each closed round, in order.")
    provisional: Decimal | None


class BoardOut(ApiSchema):
    rounds: list[str]
    rows: list[BoardRowOut]


class ActionsOut(ApiSchema):
    edit: bool
    start: bool
    open_round: bool
    score: bool
    finish: bool
    award: bool
    cancel: bool


class CompetitionDetail(CompetitionRow):
    description: str
    cancelled_on: datetime.date | None
    cancel_reason: str
    criteria: list[CriterionOut]
    team_list: list[TeamOut]
    round_list: list[RoundOut]
    awards: list[AwardOut]
    leaderboard: BoardOut
    actions: ActionsOut


class FiltersIn(PageParams):
    status: CompetitionStatus | None = None
    period: RoundPeriod | None = None
    org: Id | None = Field(None, description="Only competitions organised in, or with a team in, this subtree.")
    year: int | None = Field(None, ge=2000, le=2100)
    q: Text(60) | None = Field(None, description="Part of the name or the organiser's name.")


class CreateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The organiser: the district, a town or an enterprise union.")
    name: Text(120)
    year: int
    starts_on: datetime.date
    ends_on: datetime.date
    period: RoundPeriod = RoundPeriod.MONTHLY
    description: Text(4000) = ""


class CriterionIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    code: Text(32)
    name: Text(60)
    weight: Decimal = Field(description="Percent, above 0, at most two decimals; the set sums to 100.")


class CriteriaIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    criteria: list[CriterionIn]


class TeamIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The team's union, in the organiser's subtree.")
    name: Text(120)
    kind: TeamKind = TeamKind.ENTERPRISE
    leader: Text(64) = ""


class StartIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    started_on: datetime.date | None = None


class FinishIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    finished_on: datetime.date | None = None


class CancelIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)


class RoundIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    label: Text(60)
    period_starts_on: datetime.date
    period_ends_on: datetime.date
    judges: list[Text(64)]


class ScoresIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    judge: Text(64)
    scores: dict[str, dict[Text(32), Decimal]] = Field(description="{team id: {criterion code: 0..100}}")


class CloseIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    closed_on: datetime.date | None = None


class AwardIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: CompetitionAwardKind
    team: Id
    person: Id | None = Field(None, description="For an individual award: a live member of the team's union.")
    title: Text(120)
    conferred_on: datetime.date | None = None


# --- output -------------------------------------------------------------------------------------------

def competition_row(c):
    return {"id": c.pk, "name": c.name, "org": ref(c.org), "year": c.year, "period": c.period, "status": c.status,
            "starts_on": c.starts_on, "ends_on": c.ends_on, "started_on": c.started_on,
            "finished_on": c.finished_on, "teams": getattr(c, "team_count", 0),
            "rounds_closed": getattr(c, "round_count", 0)}


def board_out(c, board):
    return {"rounds": [r.label for r in c.rounds.all() if r.status == RoundStatus.CLOSED],
            "rows": [{"team": b.team.pk, "name": b.team.name, "rank": b.rank, "mean": b.mean, "totals": b.totals,
                      "provisional": b.provisional} for b in board]}


def competition_out(user, competition):
    c = selectors.competition_detail(competition)
    teams = list(c.teams.all())
    rounds = list(c.rounds.all())
    board = selectors.leaderboard(c)
    c.team_count = len(teams)
    c.round_count = sum(1 for r in rounds if r.status == RoundStatus.CLOSED)
    return {
        **competition_row(c), "description": c.description, "cancelled_on": c.cancelled_on,
        "cancel_reason": c.cancel_reason,
        "criteria": [{"id": x.pk, "code": x.code, "name": x.name, "weight": x.weight} for x in c.criteria.all()],
        "team_list": [{"id": t.pk, "name": t.name, "org": ref(t.org), "kind": t.kind, "leader": t.leader}
                      for t in teams],
        "round_list": [{"id": r.pk, "number": r.number, "label": r.label, "period_starts_on": r.period_starts_on,
                        "period_ends_on": r.period_ends_on, "judges": r.judges, "status": r.status,
                        "closed_on": r.closed_on} for r in rounds],
        "awards": [{"id": a.pk, "kind": a.kind, "team": a.team_id, "person": ref(a.person), "title": a.title,
                    "conferred_on": a.conferred_on, "honour_record": a.honour_id} for a in c.awards.all()],
        "leaderboard": board_out(c, board),
        "actions": vars(policies.competition_actions(user, c, open_round=selectors.open_round_of(c))),
    }


def _competition(user, competition_id):
    c = selectors.competitions(user).select_related("org").filter(pk=competition_id).first()
    if c is None:
        raise not_found()
    return c


def _round(c, round_id):
    from .models.labour import ScoringRound

    rnd = ScoringRound.objects.filter(pk=round_id, competition=c).first()
    if rnd is None:
        raise not_found()
    return rnd


# --- competitions ----------------------------------------------------------------------------------------

@router.get("/competitions", response={200: CompetitionPage, **READ_ERRORS}, summary="List labour competitions")
def list_competitions(request, filters: Query[FiltersIn]):
    user = request.auth
    org = None
    if filters.org is not None:
        org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first()
    qs = selectors.filtered(user, selectors.CompetitionFilters(
        q=filters.q or "", org=org, status=filters.status or "", year=filters.year, period=filters.period or ""))
    if filters.org is not None and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=competition_row, load=selectors.page_rows())


@router.get("/competitions/{competition_id}", response={200: CompetitionDetail, **READ_ERRORS},
            summary="Get a labour competition with its criteria, teams, rounds, leaderboard and awards")
def get_competition(request, competition_id: Id):
    user = request.auth
    return competition_out(user, _competition(user, competition_id))


@router.post("/competitions", response={201: CompetitionDetail, **WRITE_ERRORS},
             summary="Create a labour competition (with the default criteria, 20% each)")
def create_competition(request, payload: CreateIn,
                       idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                            description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        c = services.create_competition(actor=user, org=org, name=payload.name, year=payload.year,
                                        starts_on=payload.starts_on, ends_on=payload.ends_on, period=payload.period,
                                        description=payload.description)
        return 201, competition_out(user, c)

    return idempotent(request, idempotency_key, payload, run, schema=CompetitionDetail)


_action = workflow_actions(router, path="/competitions", id_param="competition_id", load=_competition,
                           render=competition_out, response=CompetitionDetail, operation_prefix="competition")


@_action("criteria", "Replace the criteria set (weights must sum to 100%)", CriteriaIn)
def criteria(user, c, p):
    services.set_criteria(actor=user, competition=c, criteria=[
        services.CriterionInput(code=x.code, name=x.name, weight=x.weight) for x in p.criteria])


@_action("start", "Start the competition (at least two teams, weights summing to 100%)", StartIn)
def start(user, c, p):
    services.start_competition(actor=user, competition=c, started_on=p.started_on)


@_action("finish", "Finish and publish the ranking (no round open)", FinishIn)
def finish(user, c, p):
    services.finish_competition(actor=user, competition=c, finished_on=p.finished_on)


@_action("cancel", "Cancel the competition", CancelIn)
def cancel(user, c, p):
    services.cancel_competition(actor=user, competition=c, reason=p.reason)


@router.post("/competitions/{competition_id}/teams", response={201: CompetitionDetail, **WRITE_ERRORS},
             summary="Add a participating team", operation_id="competition_team_add")
def add_team(request, competition_id: Id, payload: TeamIn,
             idempotency_key: str | None = Header(None, alias="Idempotency-Key", description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth
    c = _competition(user, competition_id)

    def run():
        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        services.add_team(actor=user, competition=c, org=org, name=payload.name, kind=payload.kind,
                          leader=payload.leader)
        return 201, competition_out(user, c)

    return idempotent(request, idempotency_key, payload, run, schema=CompetitionDetail)


@router.delete("/competitions/{competition_id}/teams/{team_id}", response={200: CompetitionDetail, **WRITE_ERRORS},
               summary="Remove a team (while being prepared)", operation_id="competition_team_remove")
def remove_team(request, competition_id: Id, team_id: Id):
    user = request.auth
    c = _competition(user, competition_id)
    team = c.teams.filter(pk=team_id).first()
    if team is None:
        raise not_found()
    services.remove_team(actor=user, team=team)
    return competition_out(user, c)


@router.post("/competitions/{competition_id}/rounds", response={201: CompetitionDetail, **WRITE_ERRORS},
             summary="Open a scoring round with its named judges", operation_id="competition_round_open")
def open_round(request, competition_id: Id, payload: RoundIn,
               idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                    description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth
    c = _competition(user, competition_id)

    def run():
        services.open_round(actor=user, competition=c, label=payload.label,
                            period_starts_on=payload.period_starts_on, period_ends_on=payload.period_ends_on,
                            judges=payload.judges)
        return 201, competition_out(user, c)

    return idempotent(request, idempotency_key, payload, run, schema=CompetitionDetail)


@router.post("/competitions/{competition_id}/rounds/{round_id}/scores",
             response={200: CompetitionDetail, **WRITE_ERRORS}, summary="Record one judge's scores",
             operation_id="competition_round_scores")
def record_scores(request, competition_id: Id, round_id: Id, payload: ScoresIn):
    user = request.auth
    c = _competition(user, competition_id)
    services.record_scores(actor=user, round=_round(c, round_id), judge=payload.judge,
                           scores={k: dict(v) for k, v in payload.scores.items()})
    return competition_out(user, c)


@router.post("/competitions/{competition_id}/rounds/{round_id}/close",
             response={200: CompetitionDetail, **WRITE_ERRORS},
             summary="Close a round (every judge scored every team on every criterion)",
             operation_id="competition_round_close")
def close_round(request, competition_id: Id, round_id: Id, payload: CloseIn):
    user = request.auth
    c = _competition(user, competition_id)
    services.close_round(actor=user, round=_round(c, round_id), closed_on=payload.closed_on)
    return competition_out(user, c)


@router.get("/competitions/{competition_id}/leaderboard", response={200: BoardOut, **READ_ERRORS},
            summary="The live leaderboard", operation_id="competition_leaderboard")
def leaderboard(request, competition_id: Id):
    c = selectors.competition_detail(_competition(request.auth, competition_id))
    return board_out(c, selectors.leaderboard(c))


@router.post("/competitions/{competition_id}/evidence", response={200: CompetitionDetail, **WRITE_ERRORS},
             summary="Upload a team's evidence (multipart; PDF, JPG or PNG)", operation_id="competition_evidence_add")
def add_evidence(request, competition_id: Id, team: Form[Id], file: File[UploadedFile],
                 criterion: str = Form("", max_length=32), note: str = Form("", max_length=200)):
    """By the team's union (`competitions.submit`) or the organiser. `criterion` is a code."""
    user = request.auth
    c = _competition(user, competition_id)
    t = c.teams.select_related("org", "competition__org").filter(pk=team).first()
    if t is None:
        raise not_found()
    if not policies.can_upload(user, t):
        require(user, policies.SUBMIT, t.org)  # rights before reading the upload
    x = None
    if criterion:
        x = c.criteria.filter(code=criterion).first()
        if x is None:
            raise services.DomainError(_("There is no criterion %(code)s in this competition.")
                                       % {"code": criterion}, code="unknown_criterion", field="criterion")
    services.add_evidence(actor=user, team=t, upload=file, criterion=x, note=note,
                          round=c.rounds.filter(status=RoundStatus.OPEN).first())
    return competition_out(user, c)


@router.get("/competitions/{competition_id}/evidence/{evidence_id}", response={200: None, **READ_ERRORS},
            summary="Download an evidence file", operation_id="competition_evidence_get")
def get_evidence(request, competition_id: Id, evidence_id: Id):
    e = selectors.evidence_of(request.auth, competition_id, evidence_id)
    if e is None:
        raise not_found()
    return private_file_response(e.file, e.name)


@router.post("/competitions/{competition_id}/awards", response={201: CompetitionDetail, **WRITE_ERRORS},
             summary="Confer a 立功 award (team or individual); also written to the honour records",
             operation_id="competition_award")
def confer_award(request, competition_id: Id, payload: AwardIn,
                 idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                      description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth
    c = _competition(user, competition_id)

    def run():
        team = c.teams.select_related("org").filter(pk=payload.team).first()
        if team is None:
            raise services.DomainError(_("There is no such team in this competition."),
                                       code="unknown_team", field="team")
        person = None
        if payload.person is not None:
            person = resolve(Person.objects.visible_to(user), payload.person, field="person")
        services.confer_award(actor=user, competition=c, kind=payload.kind, team=team, title=payload.title,
                              person=person, conferred_on=payload.conferred_on)
        return 201, competition_out(user, c)

    return idempotent(request, idempotency_key, payload, run, schema=CompetitionDetail)
