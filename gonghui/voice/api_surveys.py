"""/surveys: 晴雨表 surveys — the list, one survey with its questions, its results, and the member's
response.

- Cadres (`voice.view`): `GET /surveys`, `GET /surveys/{id}`, `GET /surveys/{id}/results?by=town|
  industry|age_band` (counts per option or scale value, per group with a breakdown; text answers
  are not in the results — page them with `GET /surveys/{id}/text-answers?question=`). A survey
  outside the caller's scope answers 404 like a missing one.
- Members: `GET /my/surveys` (open now, addressed to me, answered or not) and
  `POST /surveys/{id}/responses` with `{"answers": {"<question id>": value}}` — an option id
  (single), a list of option ids (multiple), 1..N (scale), text. A survey not addressed to the
  caller or not open answers 404; a second response 409 `already_answered`.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`.
"""

import datetime

from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from gonghui.core.api_support import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    Id,
    PageMeta,
    PageParams,
    Ref,
    Text,
    not_found,
    paginate,
    ref,
)
from gonghui.core.policies import require
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Org

from .models.surveys import QuestionKind, Survey, SurveyAnswer, SurveyAudience, SurveyStatus
from .policies import surveys as policies
from .selectors import surveys as selectors
from .services import surveys as services

router = Router(tags=["voice-surveys"])


class SurveyRow(Schema):
    id: int
    title: str
    org: Ref = Field(description="The owner.")
    status: SurveyStatus
    opens_on: datetime.date
    closes_on: datetime.date
    audience: SurveyAudience
    anonymous_results: bool
    targeted_count: int = Field(description="Persons targeted (counted at opening, again at closing).")
    response_count: int


class SurveyPage(PageMeta):
    items: list[SurveyRow]


class OptionOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    order: int
    kind: QuestionKind
    text: str
    required: bool
    scale_max: int | None
    options: list[OptionOut]


class SurveyDetail(SurveyRow):
    intro: str
    target_orgs: list[Ref] = Field(description="Empty: the owner's whole subtree.")
    industries: list[str] = Field(description="Empty: every industry.")
    questions: list[QuestionOut]


class GroupOut(Schema):
    key: str
    label: str
    responses: int
    counts: list[int]


class QuestionResult(Schema):
    question: int
    kind: QuestionKind
    answered: int = Field(description="Responses answering this question.")
    labels: list[str] = Field(description="Option texts (choices) or the values 1..N (scale); empty for text.")
    counts: list[int] = Field(description="Answers per label (a multiple choice counts each option chosen).")
    average: float | None = Field(description="Scale: the mean value.")
    groups: list[GroupOut] = Field(description="With `by`: the counts per group (small groups hidden when the "
                                               "survey's results are anonymous).")


class ParticipationOut(Schema):
    town_id: int | None
    town_name: str
    targeted: int
    responded: int


class ResultsOut(Schema):
    survey: int
    response_count: int
    targeted_count: int
    questions: list[QuestionResult]
    participation: list[ParticipationOut]


class TextAnswerOut(Schema):
    id: int
    text: str


class TextPage(PageMeta):
    items: list[TextAnswerOut]


class FiltersIn(PageParams):
    org: Id | None = Field(None, description="Only surveys owned in this org's subtree.")
    status: SurveyStatus | None = None
    year: int | None = Field(None, ge=2000, le=2100, description="Opening in this year.")
    q: Text(60) | None = Field(None, description="Part of the title or owner's name.")


class ResultsIn(Schema):
    by: str | None = Field(None, pattern="^(town|industry|age_band)$")


class TextIn(PageParams):
    question: Id


class MySurveyOut(Schema):
    id: int
    title: str
    org: Ref
    closes_on: datetime.date
    answered: bool


class ResponseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, int | list[int] | Text(1000) | None] = Field(
        description="{question id: option id | [option ids] | scale value | text}")


class ResponseOut(Schema):
    survey: int
    respondent_no: int
    submitted_at: datetime.datetime


def row(s):
    return {"id": s.pk, "title": s.title, "org": ref(s.org), "status": s.status, "opens_on": s.opens_on,
            "closes_on": s.closes_on, "audience": s.audience, "anonymous_results": s.anonymous_results,
            "targeted_count": s.targeted_count, "response_count": s.response_count}


def detail(s):
    return {**row(s), "intro": s.intro, "target_orgs": [ref(o) for o in s.target_orgs.all()],
            "industries": list(s.industries or []),
            "questions": [{"id": q.pk, "order": q.order, "kind": q.kind, "text": q.text, "required": q.required,
                           "scale_max": q.scale_max, "options": [{"id": o.pk, "text": o.text} for o in q.options.all()]}
                          for q in selectors.questions_of(s)]}


def _load(user, survey_id):
    s = selectors.surveys(user).select_related("org").filter(pk=survey_id).first()
    if s is None:
        raise not_found()
    return s


@router.get("/surveys", response={200: SurveyPage, **READ_ERRORS}, summary="List surveys")
def list_surveys(request, filters: Query[FiltersIn]):
    user = request.auth
    require(user, policies.VIEW)
    org = None
    if filters.org is not None:
        org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first()
    qs = selectors.filtered_surveys(user, selectors.SurveyFilters(q=filters.q or "", status=filters.status or "",
                                                                  org=org, year=filters.year))
    if filters.org is not None and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=row, load=Survey.objects.select_related("org"))


@router.get("/surveys/{survey_id}", response={200: SurveyDetail, **READ_ERRORS},
            summary="Get a survey with its questions")
def get_survey(request, survey_id: Id):
    return detail(_load(request.auth, survey_id))


@router.get("/surveys/{survey_id}/results", response={200: ResultsOut, **READ_ERRORS},
            summary="The results of a survey, per question (optionally by town, industry or age band)")
def get_results(request, survey_id: Id, params: Query[ResultsIn]):
    s = _load(request.auth, survey_id)
    items = selectors.question_results(s, by=params.by or "")
    return {"survey": s.pk, "response_count": s.response_count, "targeted_count": s.targeted_count,
            "questions": [{"question": i["question"].pk, "kind": i["question"].kind, "answered": i["answered"],
                           "labels": i["labels"], "counts": i["counts"], "average": i["average"],
                           "groups": i["groups"]} for i in items],
            "participation": selectors.participation_of(s)}


@router.get("/surveys/{survey_id}/text-answers", response={200: TextPage, **READ_ERRORS},
            summary="The text answers of one question (no respondent)")
def list_text_answers(request, survey_id: Id, params: Query[TextIn]):
    s = _load(request.auth, survey_id)
    qs = SurveyAnswer.objects.filter(question__survey=s, question_id=params.question).exclude(text="")
    return paginate(qs, params, row=lambda a: {"id": a.pk, "text": a.text})


@router.get("/my/surveys", response={200: list[MySurveyOut], **READ_ERRORS},
            summary="The surveys addressed to me that are open now (members)")
def my_surveys(request):
    person = person_of_account(request.auth)
    if person is None:
        raise not_found()
    return [{"id": x["survey"].pk, "title": x["survey"].title, "org": ref(x["survey"].org),
             "closes_on": x["survey"].closes_on, "answered": x["answered"]}
            for x in selectors.surveys_for_person(person)]


@router.post("/surveys/{survey_id}/responses", response={201: ResponseOut, **WRITE_ERRORS},
             summary="Answer a survey addressed to me (members; once)")
def post_response(request, survey_id: Id, payload: ResponseIn):
    user = request.auth
    person = person_of_account(user)
    if person is None:
        raise not_found()
    item = next((x for x in selectors.surveys_for_person(person) if x["survey"].pk == survey_id), None)
    if item is None:
        raise not_found()
    if item["answered"]:
        raise ApiError(409, "already_answered", services.AlreadyAnswered().text)
    try:
        r = services.submit_response(actor=user, person=person, survey=item["survey"], answers=payload.answers)
    except services.AlreadyAnswered as exc:
        raise ApiError(409, "already_answered", exc.text) from exc
    return 201, {"survey": survey_id, "respondent_no": r.respondent_no, "submitted_at": r.submitted_at}
