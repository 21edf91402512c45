"""/home-assessments (职工之家 applications and re-checks) and /home-standards (read).

- Reads go through the selectors (scope: the union's subtree). An assessment outside the
  caller's scope answers 404 like a missing one; a union named in a body the caller cannot use is
  400 `unknown_reference` on that field.
- Every workflow action (`POST /home-assessments/{id}/<action>`) calls exactly one service. A rule
  that refuses the step answers 400 with its code and field; a step the status does not allow
  409 `wrong_stage`; a second open assessment 409 `already_open`.
- Scores are `{"<line code>": {"score": 0..max, "note": "…"}}` for the REVIEWER lines; AUTO lines
  are computed from the records at each step and shown with their figures.
- Evidence: `POST /home-assessments/{id}/evidence` (multipart: `item` = line code, `file`), download
  `GET /home-assessments/{id}/evidence/{evidence_id}` after the same scope check as the record.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
"""

import datetime

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
from gonghui.orgs.models import Org

from .models.homes import AssessmentKind, HomeAssessmentStatus, HomeLevel, HomeStandard, ScoringMethod, StandardStatus
from .policies import homes as policies
from .selectors import homes as selectors
from .services import homes as services

router = Router(tags=["home-assessments"])


# --- schemas ----------------------------------------------------------------------------------------

class AssessmentRow(ApiSchema):
    id: int
    org: Ref = Field(description="The union assessed.")
    level: HomeLevel
    year: int
    kind: AssessmentKind
    status: HomeAssessmentStatus
    standard: int = Field(description="The standard version it is scored under (GET /home-standards/{id}).")
    total_score: int
    pass_mark: int
    submitted_on: datetime.date | None
    review_due_on: datetime.date | None
    decided_on: datetime.date | None
    certificate_no: str
    recheck_due_on: datetime.date | None


class AssessmentPage(PageMeta):
    items: list[AssessmentRow]


class EvidenceOut(ApiSchema):
    id: int
    name: str
    kind: str
    size: int
    uploaded_at: datetime.datetime


class ItemOut(ApiSchema):
    code: str
    text: str
    max_score: int
    method: ScoringMethod
    auto_source: str
    auto_met: bool | None
    auto_figures: dict
    auto_summary: str
    self_score: int | None
    self_note: str
    town_score: int | None
    town_note: str
    final_score: int | None
    final_note: str
    score: int | None = Field(description="What counts now: AUTO → max or 0; else district, town or own score.")
    evidence: list[EvidenceOut]


class ActionsOut(ApiSchema):
    self_score: bool
    evidence: bool
    remove_evidence: bool
    submit: bool
    town_review: bool
    district_review: bool
    withdraw: bool
    recheck: bool


class AssessmentDetail(AssessmentRow):
    started_on: datetime.date
    recheck_of: int | None
    town_reviewed_on: datetime.date | None
    town_reviewer: str
    town_comments: str
    returned_on: datetime.date | None
    return_reason: str
    district_comments: str
    refuse_reason: str
    revoked_on: datetime.date | None
    revoke_reason: str
    withdrawn_on: datetime.date | None
    auto_computed_on: datetime.date | None
    items: list[ItemOut]
    actions: ActionsOut


class FiltersIn(PageParams):
    level: HomeLevel | None = None
    status: HomeAssessmentStatus | None = None
    kind: AssessmentKind | None = None
    org: Id | None = Field(None, description="Only assessments of this town's or union's subtree.")
    year: int | None = Field(None, ge=2000, le=2100)
    q: Text(60) | None = Field(None, description="Part of the union's name or the certificate number.")
    due: str | None = Field(None, pattern="^(review|review_overdue|recheck|recheck_overdue)$",
                            description="review, review_overdue, recheck (within the warning period) or "
                                        "recheck_overdue.")


class StartIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The grassroots union applying.")
    level: HomeLevel
    year: int | None = Field(None, description="The year assessed (default: this year).")


class ScoreIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    score: int | None = Field(None, ge=0, le=100)
    note: Text(400) = ""


Scores = dict[Text(32), ScoreIn]


class SelfScoreIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    scores: Scores


class SubmitIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    submitted_on: datetime.date | None = None


class TownReviewIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(pattern="^(forward|return)$")
    scores: Scores = Field({}, description="Every REVIEWER line to forward.")
    reviewed_on: datetime.date | None = None
    reviewer: Text(64) = ""
    comments: Text(2000) = ""
    reason: Text(400) = Field("", description="Required to return.")


class DistrictReviewIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(pattern="^(award|refuse)$")
    scores: Scores = Field({}, description="Lines not given keep the town's score.")
    decided_on: datetime.date | None = None
    certificate_no: Text(64) = Field("", description="Required to award (a re-check keeps the award's number).")
    comments: Text(2000) = ""
    reason: Text(400) = Field("", description="Required to refuse.")


class WithdrawIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    withdrawn_on: datetime.date | None = None
    reason: Text(400) = ""


class RecheckIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    started_on: datetime.date | None = None


class CriterionOut(ApiSchema):
    code: str
    text: str
    max_score: int
    method: ScoringMethod
    auto_source: str
    evidence_hint: str


class StandardRow(ApiSchema):
    id: int
    level: HomeLevel
    effective_year: int
    title: str
    pass_mark: int
    status: StandardStatus
    published_on: datetime.date | None
    copied_from: int | None


class StandardDetail(StandardRow):
    total: int
    criteria: list[CriterionOut]


class StandardPage(PageMeta):
    items: list[StandardRow]


class StandardFiltersIn(PageParams):
    level: HomeLevel | None = None
    status: StandardStatus | None = None


# --- output -------------------------------------------------------------------------------------------

def assessment_row(a):
    return {"id": a.pk, "org": ref(a.org), "level": a.level, "year": a.year, "kind": a.kind, "status": a.status,
            "standard": a.standard_id, "total_score": a.total_score, "pass_mark": a.standard.pass_mark,
            "submitted_on": a.submitted_on, "review_due_on": a.review_due_on, "decided_on": a.decided_on,
            "certificate_no": a.certificate_no, "recheck_due_on": a.recheck_due_on}


def assessment_out(user, assessment):
    a = selectors.assessment_detail(assessment)
    fields = ("started_on", "town_reviewed_on", "town_reviewer", "town_comments", "returned_on", "return_reason",
              "district_comments", "refuse_reason", "revoked_on", "revoke_reason", "withdrawn_on",
              "auto_computed_on")
    return {
        **assessment_row(a), **{f: getattr(a, f) for f in fields}, "recheck_of": a.recheck_of_id,
        "items": [{
            "code": i.code, "text": i.text, "max_score": i.max_score, "method": i.method,
            "auto_source": i.auto_source, "auto_met": i.auto_met, "auto_figures": i.auto_figures or {},
            "auto_summary": i.auto_summary, "self_score": i.self_score, "self_note": i.self_note,
            "town_score": i.town_score, "town_note": i.town_note, "final_score": i.final_score,
            "final_note": i.final_note, "score": i.current_score,
            "evidence": [{"id": e.pk, "name": e.name, "kind": e.kind, "size": e.size, "uploaded_at": e.uploaded_at}
                         for e in i.evidence.all()],
        } for i in a.items.all()],
        "actions": vars(policies.assessment_actions(user, a)),
    }


def _scores(scores):
    return {code: {"score": s.score, "note": s.note} for code, s in (scores or {}).items()}


def _assessment(user, assessment_id):
    a = selectors.assessments(user).select_related("org", "standard").filter(pk=assessment_id).first()
    if a is None:
        raise not_found()
    return a


def standard_row(s):
    return {"id": s.pk, "level": s.level, "effective_year": s.effective_year, "title": s.title,
            "pass_mark": s.pass_mark, "status": s.status, "published_on": s.published_on,
            "copied_from": s.copied_from_id}


# --- assessments ---------------------------------------------------------------------------------------

@router.get("/home-assessments", response={200: AssessmentPage, **READ_ERRORS},
            summary="List workers' home assessments")
def list_assessments(request, filters: Query[FiltersIn]):
    user = request.auth
    org = None
    if filters.org is not None:
        org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first()
    qs = selectors.filtered(user, selectors.AssessmentFilters(
        q=filters.q or "", org=org, level=filters.level or "", status=filters.status or "",
        kind=filters.kind or "", year=filters.year, due=filters.due or ""))
    if filters.org is not None and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=assessment_row, load=selectors.page_rows())


@router.get("/home-assessments/{assessment_id}", response={200: AssessmentDetail, **READ_ERRORS},
            summary="Get a workers' home assessment with its lines, figures, scores and evidence")
def get_assessment(request, assessment_id: Id):
    user = request.auth
    return assessment_out(user, _assessment(user, assessment_id))


@router.post("/home-assessments", response={201: AssessmentDetail, **WRITE_ERRORS},
             summary="Start a union's application")
def create_assessment(request, payload: StartIn,
                      idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                           description=IDEMPOTENCY_HEADER_DOC)):
    """Scored under the published standard of the level in force for the year; AUTO lines are
    computed from the records at once."""
    user = request.auth

    def run():
        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        a = services.start_assessment(actor=user, org=org, level=payload.level, year=payload.year)
        return 201, assessment_out(user, a)

    return idempotent(request, idempotency_key, payload, run, schema=AssessmentDetail)


_action = workflow_actions(router, path="/home-assessments", id_param="assessment_id", load=_assessment,
                           render=assessment_out, response=AssessmentDetail, operation_prefix="home_assessment")


@_action("self-scores", "The union's own scores while preparing", SelfScoreIn)
def self_scores(user, a, p):
    services.save_self_scores(actor=user, assessment=a, scores=_scores(p.scores))


@_action("submit", "Submit the application to the town", SubmitIn)
def submit(user, a, p):
    services.submit_assessment(actor=user, assessment=a, submitted_on=p.submitted_on)


@_action("town-review", "Town review: score, then forward or return", TownReviewIn)
def town_review(user, a, p):
    services.town_review(actor=user, assessment=a, decision=p.decision, scores=_scores(p.scores),
                         reviewed_on=p.reviewed_on, reviewer=p.reviewer, comments=p.comments, reason=p.reason)


@_action("district-review", "District review: final scores, then award or refuse", DistrictReviewIn)
def district_review(user, a, p):
    """Awarding needs the total at or above the standard's pass mark (400 `below_pass_mark`)."""
    services.district_review(actor=user, assessment=a, decision=p.decision, scores=_scores(p.scores),
                             decided_on=p.decided_on, comments=p.comments, reason=p.reason,
                             certificate_no=p.certificate_no)


@_action("withdraw", "Withdraw the application", WithdrawIn)
def withdraw(user, a, p):
    services.withdraw_assessment(actor=user, assessment=a, withdrawn_on=p.withdrawn_on, reason=p.reason)


@router.post("/home-assessments/{assessment_id}/recheck", response={201: AssessmentDetail, **WRITE_ERRORS},
             summary="Start the re-check of an award", operation_id="home_assessment_recheck")
def recheck(request, assessment_id: Id, payload: RecheckIn):
    """A new assessment linked to the award (its `recheck_of`); answered with the new one."""
    user = request.auth
    award = _assessment(user, assessment_id)
    new = services.start_recheck(actor=user, award=award, started_on=payload.started_on)
    return 201, assessment_out(user, new)


# --- evidence ------------------------------------------------------------------------------------------

@router.post("/home-assessments/{assessment_id}/evidence", response={200: AssessmentDetail, **WRITE_ERRORS},
             summary="Upload evidence for one line (multipart; PDF, JPG or PNG)",
             operation_id="home_assessment_evidence_add")
def add_evidence(request, assessment_id: Id, item: Form[Text(32)], file: File[UploadedFile]):
    """While the assessment is open. The type is read from the file's content, not its name."""
    user = request.auth
    a = _assessment(user, assessment_id)
    require(user, policies.CHANGE, a.org)  # rights before reading the upload
    services.add_evidence(actor=user, assessment=a, item_code=item, upload=file)
    return assessment_out(user, a)


@router.get("/home-assessments/{assessment_id}/evidence/{evidence_id}", response={200: None, **READ_ERRORS},
            summary="Download an evidence file", operation_id="home_assessment_evidence_get")
def get_evidence(request, assessment_id: Id, evidence_id: Id):
    evidence = selectors.evidence_of(request.auth, assessment_id, evidence_id)
    if evidence is None:
        raise not_found()
    return private_file_response(evidence.file, evidence.name)


# --- standards (read) ------------------------------------------------------------------------------------

@router.get("/home-standards", response={200: StandardPage, **READ_ERRORS}, summary="List workers' home standards",
            tags=["home-standards"])
def list_standards(request, filters: Query[StandardFiltersIn]):
    if not policies.can(request.auth, policies.VIEW):
        qs = HomeStandard.objects.none()
    else:
        qs = HomeStandard.objects.all()
        if filters.level:
            qs = qs.filter(level=filters.level)
        if filters.status:
            qs = qs.filter(status=filters.status)
    return paginate(qs, filters, row=standard_row)


@router.get("/home-standards/{standard_id}", response={200: StandardDetail, **READ_ERRORS},
            summary="Get a workers' home standard with its criteria", tags=["home-standards"])
def get_standard(request, standard_id: Id):
    if not policies.can(request.auth, policies.VIEW):
        raise not_found()
    s = HomeStandard.objects.filter(pk=standard_id).first()
    if s is None:
        raise not_found()
    s = selectors.standard_detail(s)
    criteria = list(s.criteria.all())
    return {**standard_row(s), "total": sum(c.max_score for c in criteria),
            "criteria": [{"code": c.code, "text": c.text, "max_score": c.max_score, "method": c.method,
                          "auto_source": c.auto_source, "evidence_hint": c.evidence_hint} for c in criteria]}
