"""/harmony-assessments (和谐劳动关系 self-assessments) and /harmony-indicator-sets (read).

- Reads go through `selectors` (scope: the union's subtree, or the enterprise's town); a record
  outside the caller's scope answers 404 like a missing one; an enterprise named in a body that
  the caller cannot use is 404 too (hidden and missing alike).
- Workflow actions `POST /harmony-assessments/{id}/<action>` (scores, submit, return, forward,
  rate) each call one service: a rule that refuses answers 400 with its code and field, a step the
  status does not allow 409 `wrong_stage`, a visible record the caller may not act on 403.
- Lists: keyset pagination, newest first (`?after=<next_after>&limit=1..200`); counts capped.
"""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Header, Path, Query, Router
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
    get_visible,
    idempotent,
    paginate,
    ref,
    workflow_actions,
)
from gonghui.orgs.models import Enterprise, Org

from .models.harmony import HarmonyAssessment, HarmonyRating, HarmonyStatus, IndicatorSet, IndicatorSource
from .policies import harmony as policies
from .selectors import harmony as selectors
from .services import harmony as services

router = Router(tags=["harmony"])


# --- schemas ------------------------------------------------------------------------------------------

class IndicatorOut(ApiSchema):
    code: str
    name: str
    max_score: int
    source: IndicatorSource
    evidence: str


class IndicatorSetOut(ApiSchema):
    id: int
    year: int
    title: str
    status: str
    submit_due_on: datetime.date
    published_on: datetime.date | None
    indicators: list[IndicatorOut]


class AssessmentRow(ApiSchema):
    id: int
    year: int
    org: Ref = Field(description="The enterprise's union.")
    enterprise: Ref
    status: HarmonyStatus
    due_on: datetime.date
    self_total: int | None
    submitted_on: datetime.date | None
    review_total: int | None
    reviewed_on: datetime.date | None
    rating: HarmonyRating | None
    rated_on: datetime.date | None


class AssessmentPage(PageMeta):
    items: list[AssessmentRow]


class ScoreOut(ApiSchema):
    code: str
    name: str
    source: IndicatorSource
    max_score: int
    self_score: int | None
    self_note: str
    record_figure: str = Field(description="What the congress or wage records show (indicators from records).")
    review_score: int | None
    review_note: str
    evidence: int = Field(description="Files uploaded for this indicator.")


class ActionsOut(ApiSchema):
    edit: bool
    submit: bool
    review: bool
    rate: bool


class AssessmentDetail(AssessmentRow):
    self_note: str
    return_reason: str
    returned_on: datetime.date | None
    review_note: str
    threshold_rating: HarmonyRating | None
    rating_reason: str
    scores: list[ScoreOut]
    actions: ActionsOut


class AssessmentFiltersIn(PageParams):
    year: int | None = Field(None, ge=2000, le=2100)
    status: HarmonyStatus | None = None
    rating: HarmonyRating | None = None
    org: Id | None = Field(None, description="Only assessments of this town's or union's subtree.")
    q: Text(64) | None = Field(None, description="Part of the enterprise's name.")


class StartIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    enterprise: Id
    year: int = Field(ge=2000, le=2100)


class ScoreIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    score: int | None = Field(None, ge=0, le=100)
    note: Text(1000) = ""


class ScoresIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    scores: dict[Text(32), ScoreIn] = Field(description="Per indicator code; indicators taken from records are "
                                                        "refreshed from them and ignored here.")
    note: Text(4000) | None = None


class SubmitIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    submitted_on: datetime.date


class ReturnIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)
    returned_on: datetime.date


class ForwardIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    scores: dict[Text(32), ScoreIn] = Field({}, description="Adjusted scores (a change needs a note); "
                                                            "indicators left out keep the union's score.")
    reviewed_on: datetime.date
    note: Text(4000) = ""


class RateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    rated_on: datetime.date
    rating: HarmonyRating | None = Field(None, description="Default: by the thresholds on the reviewed score.")
    reason: Text(400) = Field("", description="Required when the rating differs from the thresholds'.")


# --- rendering ----------------------------------------------------------------------------------------

def _row(a):
    return {"id": a.pk, "year": a.year, "org": ref(a.org), "enterprise": ref(a.enterprise), "status": a.status,
            "due_on": a.due_on, "self_total": a.self_total, "submitted_on": a.submitted_on,
            "review_total": a.review_total, "reviewed_on": a.reviewed_on, "rating": a.rating or None,
            "rated_on": a.rated_on}


def _detail(user, assessment):
    a = selectors.assessment_detail(assessment)
    evidence = selectors.evidence_by_indicator(a)
    actions = policies.assessment_actions(user, a)
    return {**_row(a), "self_note": a.self_note, "return_reason": a.return_reason, "returned_on": a.returned_on,
            "review_note": a.review_note, "threshold_rating": a.threshold_rating or None,
            "rating_reason": a.rating_reason,
            "scores": [{"code": s.indicator.code, "name": s.indicator.name, "source": s.indicator.source,
                        "max_score": s.max_score, "self_score": s.self_score, "self_note": s.self_note,
                        "record_figure": s.record_figure, "review_score": s.review_score,
                        "review_note": s.review_note, "evidence": len(evidence.get(s.indicator_id, []))}
                       for s in a.scores.all()],
            "actions": vars(actions)}


def _load(user, pk):
    return get_visible(HarmonyAssessment.objects.select_related("org", "enterprise__town"), user, pk)


def _set_out(s):
    return {"id": s.pk, "year": s.year, "title": s.title, "status": s.status, "submit_due_on": s.submit_due_on,
            "published_on": s.published_on,
            "indicators": [{"code": i.code, "name": i.name, "max_score": i.max_score, "source": i.source,
                            "evidence": i.evidence} for i in s.indicators.all()]}


def _require_view(user):
    from django.core.exceptions import PermissionDenied

    if not policies.can_view(user):
        raise PermissionDenied


# --- indicator sets (read) ----------------------------------------------------------------------------

@router.get("/harmony-indicator-sets", response={200: list[IndicatorSetOut], **READ_ERRORS},
            summary="The yearly indicator sets")
def list_indicator_sets(request):
    _require_view(request.auth)
    return [_set_out(s) for s in IndicatorSet.objects.prefetch_related("indicators").order_by("-year")]


@router.get("/harmony-indicator-sets/{year}", response={200: IndicatorSetOut, **READ_ERRORS},
            summary="The indicator set of a year")
def get_indicator_set(request, year: int = Path(..., ge=2000, le=2100)):
    _require_view(request.auth)
    return _set_out(get_object_or_404(IndicatorSet.objects.prefetch_related("indicators"), year=year))


# --- assessments ----------------------------------------------------------------------------------------

@router.get("/harmony-assessments", response={200: AssessmentPage, **READ_ERRORS},
            summary="Self-assessments in the caller's reach")
def list_assessments(request, filters: Query[AssessmentFiltersIn]):
    user = request.auth
    org = get_visible(Org.objects, user, filters.org, policies.VIEW) if filters.org else None
    qs = selectors.filtered(user, selectors.AssessmentFilters(
        q=filters.q or "", year=filters.year, status=filters.status or "", rating=filters.rating or "", org=org))
    return paginate(qs, filters, row=_row, load=selectors.page_rows())


@router.get("/harmony-assessments/{assessment_id}", response={200: AssessmentDetail, **READ_ERRORS},
            summary="One self-assessment with its scores")
def get_assessment(request, assessment_id: Id):
    return _detail(request.auth, _load(request.auth, assessment_id))


@router.post("/harmony-assessments", response={201: AssessmentDetail, **WRITE_ERRORS},
             summary="Start an enterprise's self-assessment of a year")
def start_assessment(request, payload: StartIn,
                     idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                          description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        enterprise = get_visible(Enterprise.objects.select_related("union", "town"), user, payload.enterprise,
                                 policies.VIEW)
        created = services.start_assessment(actor=user, enterprise=enterprise, year=payload.year)
        return 201, _detail(user, created)

    return idempotent(request, idempotency_key, payload, run, schema=AssessmentDetail)


action = workflow_actions(router, path="/harmony-assessments", id_param="assessment_id", load=_load,
                          render=_detail, response=AssessmentDetail, operation_prefix="harmony")


@action("scores", "Save self-assessed scores and notes", ScoresIn)
def save_scores(user, assessment, p):
    services.save_self_scores(actor=user, assessment=assessment, note=p.note,
                              scores={code: s.model_dump() for code, s in p.scores.items()})


@action("submit", "Submit the self-assessment to the town", SubmitIn)
def submit(user, assessment, p):
    services.submit_assessment(actor=user, assessment=assessment, submitted_on=p.submitted_on)


@action("return", "Return it to the union with a reason (town)", ReturnIn)
def return_(user, assessment, p):
    services.return_assessment(actor=user, assessment=assessment, reason=p.reason, returned_on=p.returned_on)


@action("forward", "Review, adjust scores and forward to the district (town)", ForwardIn)
def forward(user, assessment, p):
    services.forward_assessment(actor=user, assessment=assessment, reviewed_on=p.reviewed_on, note=p.note,
                                scores={code: s.model_dump() for code, s in p.scores.items()})


@action("rate", "Rate the enterprise (district)", RateIn)
def rate(user, assessment, p):
    services.rate_assessment(actor=user, assessment=assessment, rated_on=p.rated_on, rating=p.rating,
                             reason=p.reason)
