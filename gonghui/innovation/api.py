"""/suggestions (合理化建议 and the five smalls) and /tech-projects (技术攻关).

- Reads go through `selectors` (scope: the union's subtree, or the enterprise's town). A record
  outside the caller's scope answers 404 like a missing one; a union or enterprise named in a
  body that the caller cannot use is 400 `unknown_reference` on that field.
- Every workflow action (`POST /suggestions/{id}/<action>`, `POST /tech-projects/{id}/<action>`)
  calls exactly one service. A rule that refuses the step answers 400 with its code and field;
  a step the record's status does not allow answers 409 `wrong_stage`; a body of the wrong shape
  422 with one item per field.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
- `POST /suggestions` and `POST /tech-projects` honour `Idempotency-Key`.
"""

import datetime
from decimal import Decimal
from typing import Annotated

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
from gonghui.orgs.models import Enterprise, Org

from . import policies, selectors, services
from .models import ProjectStatus, SuggestionKind, SuggestionStatus
from .rules import grade_label, rules
from .services import ProjectInput, SuggestionInput, TeamInput

router = Router(tags=["suggestions"])


Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]
LongText = Text(5000)
Name = Text(64)


# --- schemas: suggestions ----------------------------------------------------------------------

class SuggestionRow(ApiSchema):
    id: int
    kind: SuggestionKind
    title: str
    org: Ref = Field(description="The enterprise's union.")
    enterprise: Ref
    submitter_name: str
    status: SuggestionStatus
    submitted_on: datetime.date
    total_score: int | None = Field(description="Out of 100, once evaluated.")
    grade: str | None
    benefit_yuan: Decimal | None = Field(description="Measured benefit once implemented.")
    reward_yuan: Decimal | None
    reward_paid_on: datetime.date | None


class SuggestionPage(PageMeta):
    items: list[SuggestionRow]


class ScoreOut(ApiSchema):
    criterion: str
    label: str
    max_points: int
    points: int


class SuggestionActionsOut(ApiSchema):
    """What the caller may record now (the actions answer 403 or 409 otherwise)."""

    evaluate: bool
    adopt: bool
    decline: bool
    implement: bool
    reward: bool
    withdraw: bool


class SuggestionDetail(SuggestionRow):
    problem: str
    proposal: str
    expected_benefit: str
    submitter_person: int | None = Field(description="The submitter's person id, when a member was linked.")
    co_authors: list[str]
    grade_label: str | None
    scores: list[ScoreOut]
    evaluated_on: datetime.date | None
    evaluators: str
    evaluation_comments: str
    decided_on: datetime.date | None
    decline_reason: str
    implemented_on: datetime.date | None
    benefit_measured_on: datetime.date | None
    benefit_note: str
    reward_recipients: str
    withdrawn_on: datetime.date | None
    withdraw_reason: str
    actions: SuggestionActionsOut


class SuggestionFiltersIn(PageParams):
    kind: SuggestionKind | None = None
    status: SuggestionStatus | None = None
    org: Id | None = Field(None, description="Only suggestions of this town's or union's subtree.")
    q: Text(64) | None = Field(None, description="Part of the title, the enterprise's or the submitter's name.")
    year: int | None = Field(None, ge=1990, le=2100, description="Submitted in this year.")


class SuggestionIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The enterprise's grassroots union.")
    enterprise: Id
    kind: SuggestionKind
    title: Text(120)
    problem: LongText
    proposal: LongText
    expected_benefit: LongText = ""
    submitted_on: datetime.date
    submitter_person: Id | None = Field(None, description="A current member of the union (see GET /members).")
    submitter_name: Name = Field("", description="The submitter's name when no member is linked.")
    co_authors: list[Name] = Field([], max_length=30)


class EvaluateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    scores: dict[Text(32), int] = Field(description="Points per criterion code of the scoring form, e.g. "
                                                    "{\"innovation\": 25, \"feasibility\": 24, …}.")
    evaluated_on: datetime.date
    evaluators: list[Name] = Field(min_length=1, max_length=15)
    comments: LongText = ""


class DecideIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    decided_on: datetime.date


class DeclineIn(DecideIn):
    reason: Text(400)


class ImplementIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    implemented_on: datetime.date
    benefit_yuan: Money = Field(description="Measured benefit in yuan (≥ 0, two decimals).")
    measured_on: datetime.date
    note: LongText = ""


class RewardIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    amount: Money = Field(description="Yuan, more than 0.")
    paid_on: datetime.date
    recipients: list[Name] | None = Field(None, max_length=30, description="Default: submitter and co-authors.")


class WithdrawIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    withdrawn_on: datetime.date
    reason: Text(400) = ""


# --- schemas: projects -------------------------------------------------------------------------

class ProjectRow(ApiSchema):
    id: int
    title: str
    org: Ref
    enterprise: Ref
    status: ProjectStatus
    started_on: datetime.date | None
    planned_end_on: datetime.date
    completed_on: datetime.date | None
    benefit_yuan: Decimal | None
    milestones: int
    milestones_done: int
    overdue: bool = Field(description="A milestone is past its due date and not done.")


class ProjectPage(PageMeta):
    items: list[ProjectRow]


class TeamOut(ApiSchema):
    name: str
    person: int | None
    role: str
    is_leader: bool


class MilestoneOut(ApiSchema):
    id: int
    title: str
    due_on: datetime.date
    done_on: datetime.date | None
    note: str
    overdue: bool


class ProjectActionsOut(ApiSchema):
    start: bool
    milestone: bool
    complete: bool
    abandon: bool


class ProjectDetail(ProjectRow):
    goal: str
    result: str
    abandoned_on: datetime.date | None
    abandon_reason: str
    team: list[TeamOut]
    milestone_list: list[MilestoneOut]
    actions: ProjectActionsOut


class ProjectFiltersIn(PageParams):
    status: ProjectStatus | None = None
    org: Id | None = None
    q: Text(64) | None = None
    overdue: bool = Field(False, description="Only open projects with an overdue milestone.")


class TeamIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    name: Name = ""
    person: Id | None = Field(None, description="A current member of the union (the name is then theirs).")
    role: Text(64) = ""
    is_leader: bool = False


class ProjectIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id
    enterprise: Id
    title: Text(120)
    goal: LongText
    started_on: datetime.date | None = Field(None, description="Empty: the project is planned, not started.")
    planned_end_on: datetime.date
    team: list[TeamIn] = Field(min_length=1, max_length=50)


class StartIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    started_on: datetime.date


class MilestoneIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    title: Text(120)
    due_on: datetime.date
    note: Text(400) = ""


class MilestoneDoneIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    done_on: datetime.date
    note: Text(400) | None = None


class CompleteIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    completed_on: datetime.date
    result: LongText
    benefit_yuan: Money


class AbandonIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    abandoned_on: datetime.date
    reason: Text(400)


# --- output ------------------------------------------------------------------------------------

def suggestion_row(s):
    return {"id": s.pk, "kind": s.kind, "title": s.title, "org": ref(s.org), "enterprise": ref(s.enterprise),
            "submitter_name": s.submitter_name, "status": s.status, "submitted_on": s.submitted_on,
            "total_score": s.total_score, "grade": s.grade or None, "benefit_yuan": s.benefit_yuan,
            "reward_yuan": s.reward_yuan, "reward_paid_on": s.reward_paid_on}


def suggestion_out(user, suggestion):
    s = selectors.suggestion_detail(suggestion)
    return {
        **suggestion_row(s), "problem": s.problem, "proposal": s.proposal, "expected_benefit": s.expected_benefit,
        "submitter_person": s.submitter_person_id, "co_authors": [n for n in s.team()[1:]],
        "grade_label": grade_label(s.grade) if s.grade else None,
        "scores": [{"criterion": r.criterion, "label": r.label, "max_points": r.max_points, "points": r.points}
                   for r in s.scores.all()],
        "evaluated_on": s.evaluated_on, "evaluators": s.evaluators, "evaluation_comments": s.evaluation_comments,
        "decided_on": s.decided_on, "decline_reason": s.decline_reason, "implemented_on": s.implemented_on,
        "benefit_measured_on": s.benefit_measured_on, "benefit_note": s.benefit_note,
        "reward_recipients": s.reward_recipients, "withdrawn_on": s.withdrawn_on,
        "withdraw_reason": s.withdraw_reason, "actions": vars(policies.suggestion_actions(user, s)),
    }


def project_row(p):
    return {"id": p.pk, "title": p.title, "org": ref(p.org), "enterprise": ref(p.enterprise), "status": p.status,
            "started_on": p.started_on, "planned_end_on": p.planned_end_on, "completed_on": p.completed_on,
            "benefit_yuan": p.benefit_yuan, "milestones": p.milestones_total, "milestones_done": p.milestones_done,
            "overdue": p.has_overdue}


def project_out(user, project):
    p = selectors.project_detail(project)
    today = selectors.today()
    milestones = list(p.milestones.all())
    p.milestones_total = len(milestones)
    p.milestones_done = sum(1 for m in milestones if m.done_on)
    overdue = {m.pk for m in milestones if p.is_open and m.is_overdue(today)}
    p.has_overdue = bool(overdue)
    return {
        **project_row(p), "goal": p.goal, "result": p.result, "abandoned_on": p.abandoned_on,
        "abandon_reason": p.abandon_reason,
        "team": [{"name": m.name, "person": m.person_id, "role": m.role, "is_leader": m.is_leader}
                 for m in p.team.all()],
        "milestone_list": [{"id": m.pk, "title": m.title, "due_on": m.due_on, "done_on": m.done_on, "note": m.note,
                            "overdue": m.pk in overdue} for m in milestones],
        "actions": vars(policies.project_actions(user, p)),
    }


# --- helpers -----------------------------------------------------------------------------------

def _suggestion(user, suggestion_id):
    suggestion = selectors.suggestions(user).select_related("org", "enterprise__town").filter(pk=suggestion_id).first()
    if suggestion is None:
        raise not_found()
    return suggestion


def _project(user, project_id):
    project = selectors.projects(user).select_related("org", "enterprise__town").filter(pk=project_id).first()
    if project is None:
        raise not_found()
    return project


def _filter_org(user, org_id):
    """(org, nothing): an org filter the caller cannot see matches nothing (like /members)."""
    if org_id is None:
        return None, False
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=org_id).first()
    return org, org is None


def _place(user, org_id, enterprise_id):
    org = resolve(Org.objects.visible_to(user, policies.VIEW), org_id, field="org")
    enterprise = resolve(Enterprise.objects.visible_to(user, policies.VIEW).select_related("town", "union"),
                         enterprise_id, field="enterprise")
    return org, enterprise


def _member(org, person_id, field):
    if person_id is None:
        return None
    person = selectors.live_member(org, person_id)
    if person is None:
        resolve(Org.objects.none(), person_id, field=field)
    return person


# --- suggestions -------------------------------------------------------------------------------

class CriterionOut(ApiSchema):
    code: str
    label: str
    max_points: int


class ScoringFormOut(ApiSchema):
    criteria: list[CriterionOut]
    grades: list[tuple[str, int]] = Field(description="(grade, lowest total), best first.")
    adopt_min_score: int | None


@router.get("/suggestions/scoring-form", response={200: ScoringFormOut, **READ_ERRORS},
            summary="The scoring form's criteria and grades")
def scoring_form(request):
    r = rules()
    return {"criteria": [{"code": c.code, "label": str(c.label), "max_points": c.max_points} for c in r.criteria],
            "grades": list(r.grades), "adopt_min_score": r.adopt_min_score}


@router.get("/suggestions", response={200: SuggestionPage, **READ_ERRORS}, summary="List suggestions")
def list_suggestions(request, filters: Query[SuggestionFiltersIn]):
    """Suggestions (合理化建议 and the five smalls) the caller can see, newest first."""
    user = request.auth
    org, nothing = _filter_org(user, filters.org)
    qs = selectors.filtered(user, selectors.SuggestionFilters(
        q=filters.q or "", kind=filters.kind or "", status=filters.status or "", org=org, year=filters.year))
    if nothing:
        qs = qs.none()
    return paginate(qs, filters, row=suggestion_row, load=selectors.page_rows())


@router.get("/suggestions/{suggestion_id}", response={200: SuggestionDetail, **READ_ERRORS},
            summary="Get a suggestion with its scores")
def get_suggestion(request, suggestion_id: Id):
    user = request.auth
    return suggestion_out(user, _suggestion(user, suggestion_id))


@router.post("/suggestions", response={201: SuggestionDetail, **WRITE_ERRORS}, summary="Submit a suggestion")
def create_suggestion(request, payload: SuggestionIn,
                      idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                           description=IDEMPOTENCY_HEADER_DOC)):
    """Recorded on a member's behalf by the union's staff or the town's cadres. The submitter is
    `submitter_person` (a current member of the union) or, without one, `submitter_name`."""
    user = request.auth

    def run():
        org, enterprise = _place(user, payload.org, payload.enterprise)
        person = _member(org, payload.submitter_person, "submitter_person")
        suggestion = services.submit_suggestion(
            actor=user, org=org, enterprise=enterprise, submitter_person=person, data=SuggestionInput(
                kind=payload.kind, title=payload.title, problem=payload.problem, proposal=payload.proposal,
                expected_benefit=payload.expected_benefit, submitted_on=payload.submitted_on,
                submitter_name=payload.submitter_name, co_authors=payload.co_authors))
        return 201, suggestion_out(user, suggestion)

    return idempotent(request, idempotency_key, payload, run, schema=SuggestionDetail)


_suggestion_action = workflow_actions(router, path="/suggestions", id_param="suggestion_id", load=_suggestion,
                                      render=suggestion_out, response=SuggestionDetail, operation_prefix="suggestion")


@_suggestion_action("evaluate", "Evaluate with the scoring form", EvaluateIn)
def evaluate(user, suggestion, p):
    """Points for every criterion of the scoring form (see `GET /suggestions/scoring-form`); the
    total out of 100 gives the grade. Until decided, a new evaluation replaces the last."""
    services.evaluate_suggestion(actor=user, suggestion=suggestion, scores=p.scores, evaluated_on=p.evaluated_on,
                                 evaluators=p.evaluators, comments=p.comments)


@_suggestion_action("adopt", "Adopt an evaluated suggestion", DecideIn)
def adopt(user, suggestion, p):
    """Needs an evaluation (409 `wrong_stage` otherwise) and, when configured, a minimum total."""
    services.adopt_suggestion(actor=user, suggestion=suggestion, decided_on=p.decided_on)


@_suggestion_action("decline", "Decide not to adopt (with the reason)", DeclineIn)
def decline(user, suggestion, p):
    services.decline_suggestion(actor=user, suggestion=suggestion, decided_on=p.decided_on, reason=p.reason)


@_suggestion_action("implement", "Record the implementation and the measured benefit", ImplementIn)
def implement(user, suggestion, p):
    services.implement_suggestion(actor=user, suggestion=suggestion, implemented_on=p.implemented_on,
                                  benefit_yuan=p.benefit_yuan, measured_on=p.measured_on, note=p.note)


@_suggestion_action("reward", "Record the reward paid", RewardIn)
def reward(user, suggestion, p):
    """Once, for an adopted (or implemented) suggestion."""
    services.pay_reward(actor=user, suggestion=suggestion, amount=p.amount, paid_on=p.paid_on,
                        recipients=p.recipients)


@_suggestion_action("withdraw", "Withdraw before evaluation", WithdrawIn)
def withdraw(user, suggestion, p):
    services.withdraw_suggestion(actor=user, suggestion=suggestion, withdrawn_on=p.withdrawn_on, reason=p.reason)


# --- technical projects ------------------------------------------------------------------------

@router.get("/tech-projects", response={200: ProjectPage, **READ_ERRORS}, summary="List technical projects")
def list_projects(request, filters: Query[ProjectFiltersIn]):
    user = request.auth
    org, nothing = _filter_org(user, filters.org)
    on = selectors.today()
    qs = selectors.filtered_projects(user, selectors.ProjectFilters(
        q=filters.q or "", status=filters.status or "", org=org, overdue=filters.overdue), on=on)
    if nothing:
        qs = qs.none()
    return paginate(qs, filters, row=project_row, load=selectors.project_rows(on))


@router.get("/tech-projects/{project_id}", response={200: ProjectDetail, **READ_ERRORS},
            summary="Get a technical project with its team and milestones")
def get_project(request, project_id: Id):
    user = request.auth
    return project_out(user, _project(user, project_id))


@router.post("/tech-projects", response={201: ProjectDetail, **WRITE_ERRORS}, summary="Record a technical project")
def create_project(request, payload: ProjectIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                        description=IDEMPOTENCY_HEADER_DOC)):
    """Planned (no `started_on`) or in progress; exactly one team member is the leader."""
    user = request.auth

    def run():
        org, enterprise = _place(user, payload.org, payload.enterprise)
        team = [TeamInput(name=m.name, person=_member(org, m.person, f"team.{n}.person"), role=m.role,
                          is_leader=m.is_leader) for n, m in enumerate(payload.team)]
        project = services.create_project(actor=user, org=org, enterprise=enterprise, data=ProjectInput(
            title=payload.title, goal=payload.goal, planned_end_on=payload.planned_end_on, team=team,
            started_on=payload.started_on))
        return 201, project_out(user, project)

    return idempotent(request, idempotency_key, payload, run, schema=ProjectDetail)


_project_action = workflow_actions(router, path="/tech-projects", id_param="project_id", load=_project,
                                   render=project_out, response=ProjectDetail, operation_prefix="tech_project")


@_project_action("start", "Start a planned project", StartIn)
def start(user, project, p):
    services.start_project(actor=user, project=project, started_on=p.started_on)


@_project_action("milestones", "Add a milestone", MilestoneIn)
def milestones(user, project, p):
    """Due between the start and the planned end."""
    services.add_milestone(actor=user, project=project, title=p.title, due_on=p.due_on, note=p.note)


@_project_action("complete", "Record the result (every milestone done)", CompleteIn)
def complete(user, project, p):
    services.complete_project(actor=user, project=project, completed_on=p.completed_on, result=p.result,
                              benefit_yuan=p.benefit_yuan)


@_project_action("abandon", "Abandon the project (with the reason)", AbandonIn)
def abandon(user, project, p):
    services.abandon_project(actor=user, project=project, abandoned_on=p.abandoned_on, reason=p.reason)


@router.post("/tech-projects/{project_id}/milestones/{milestone_id}/done",
             response={200: ProjectDetail, **WRITE_ERRORS}, summary="Mark a milestone done",
             operation_id="tech_project_milestone_done")
def milestone_done(request, project_id: Id, milestone_id: Id, payload: MilestoneDoneIn):
    user = request.auth
    project = _project(user, project_id)
    if not project.milestones.filter(pk=milestone_id).exists():
        raise not_found()
    services.complete_milestone(actor=user, project=project, milestone_id=milestone_id, done_on=payload.done_on,
                                note=payload.note)
    return project_out(user, project)

