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
- Building (`voice.change`): `POST /surveys` creates a DRAFT (the owner `org` must be in the
  caller's reach for voice.change, else 400 `unknown_reference` on `org`; Idempotency-Key),
  `PATCH /surveys/{id}` edits it (the fields sent replace the current ones), `POST
  /surveys/{id}/questions` and `DELETE /surveys/{id}/questions/{qid}` build it (only while DRAFT
  and nothing answered), `POST /surveys/{id}/open|close` are the steps. Each calls one service,
  which checks, validates and audits: a rule that refuses answers 400 with its code and field, a
  step the status does not allow 409 `wrong_stage`; a survey outside the caller's scope 404.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`.
"""

import datetime

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
from gonghui.core.policies import require
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Industry, Org

from .models.surveys import QuestionKind, Survey, SurveyAnswer, SurveyAudience, SurveyStatus
from .policies import surveys as policies
from .selectors import surveys as selectors
from .services import surveys as services

router = Router(tags=["voice-surveys"])


class SurveyRow(ApiSchema):
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


class OptionOut(ApiSchema):
    id: int
    text: str


class QuestionOut(ApiSchema):
    id: int
    order: int
    kind: QuestionKind
    text: str
    required: bool
    scale_max: int | None
    options: list[OptionOut]


class SurveyActionsOut(ApiSchema):
    edit: bool = Field(description="Edit the survey and its questions (a draft, nothing answered).")
    open: bool
    close: bool
    export: bool


class SurveyDetail(SurveyRow):
    intro: str
    target_orgs: list[Ref] = Field(description="Empty: the owner's whole subtree.")
    industries: list[str] = Field(description="Empty: every industry.")
    questions: list[QuestionOut]
    actions: SurveyActionsOut = Field(description="What the caller may do with it now.")


class GroupOut(ApiSchema):
    key: str
    label: str
    responses: int
    counts: list[int]


class QuestionResult(ApiSchema):
    question: int
    kind: QuestionKind
    answered: int = Field(description="Responses answering this question.")
    labels: list[str] = Field(description="Option texts (choices) or the values 1..N (scale); empty for text.")
    counts: list[int] = Field(description="Answers per label (a multiple choice counts each option chosen).")
    average: float | None = Field(description="Scale: the mean value.")
    groups: list[GroupOut] = Field(description="With `by`: the counts per group (small groups hidden when the "
                                               "survey's results are anonymous).")


class ParticipationOut(ApiSchema):
    town_id: int | None
    town_name: str
    targeted: int
    responded: int


class ResultsOut(ApiSchema):
    survey: int
    response_count: int
    targeted_count: int
    questions: list[QuestionResult]
    participation: list[ParticipationOut]


class TextAnswerOut(ApiSchema):
    id: int
    text: str


class TextPage(PageMeta):
    items: list[TextAnswerOut]


class FiltersIn(PageParams):
    org: Id | None = Field(None, description="Only surveys owned in this org's subtree.")
    status: SurveyStatus | None = None
    year: int | None = Field(None, ge=2000, le=2100, description="Opening in this year.")
    q: Text(60) | None = Field(None, description="Part of the title or owner's name.")


class ResultsIn(ApiSchema):
    by: str | None = Field(None, pattern="^(town|industry|age_band)$")


class TextIn(PageParams):
    question: Id


class MySurveyOut(ApiSchema):
    id: int
    title: str
    org: Ref
    closes_on: datetime.date
    answered: bool


class ResponseIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, int | list[int] | Text(1000) | None] = Field(
        description="{question id: option id | [option ids] | scale value | text}")


class ResponseOut(ApiSchema):
    survey: int
    respondent_no: int
    submitted_at: datetime.datetime


class SurveyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The owner: an org in the caller's reach for voice.change.")
    title: Text(120)
    intro: Text(2000) = ""
    opens_on: datetime.date
    closes_on: datetime.date
    audience: SurveyAudience = SurveyAudience.MEMBERS
    target_orgs: list[Id] = Field([], description="Orgs in the owner's subtree; empty: the whole subtree.")
    industries: list[Industry] = Field([], description="Empty: every industry.")
    anonymous_results: bool = Field(True, description="Small groups hidden in the breakdowns.")


class SurveyPatch(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    title: Text(120) | None = None
    intro: Text(2000) | None = None
    opens_on: datetime.date | None = None
    closes_on: datetime.date | None = None
    audience: SurveyAudience | None = None
    target_orgs: list[Id] | None = None
    industries: list[Industry] | None = None
    anonymous_results: bool | None = None


class QuestionIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: QuestionKind
    text: Text(300)
    required: bool = True
    options: list[Text(120)] = Field([], description="Choice questions: at least two option texts, in order.")
    scale_max: int | None = Field(None, description="Scale questions: the top of the scale (5 or 10).")


class EmptyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")


def row(s):
    return {"id": s.pk, "title": s.title, "org": ref(s.org), "status": s.status, "opens_on": s.opens_on,
            "closes_on": s.closes_on, "audience": s.audience, "anonymous_results": s.anonymous_results,
            "targeted_count": s.targeted_count, "response_count": s.response_count}


def detail(s, user=None):
    actions = policies.survey_actions(user, s) if user is not None else policies.SurveyActions()
    return {**row(s), "intro": s.intro, "target_orgs": [ref(o) for o in s.target_orgs.all()],
            "actions": {"edit": actions.edit, "open": actions.open, "close": actions.close, "export": actions.export},
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
    return detail(_load(request.auth, survey_id), request.auth)


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


# --- building (voice.change) ---------------------------------------------------------------------

def _reloaded(user, s):
    """The survey as it is now (the services work on a locked copy of their own)."""
    return detail(_load(user, s.pk), user)


def _targets(user, ids):
    """The targeted orgs named in a body, each in the caller's reach for voice.change (400
    `unknown_reference` on `target_orgs` otherwise; the service checks they lie under the owner)."""
    reach = Org.objects.visible_to(user, policies.CHANGE)
    return [resolve(reach, pk, field="target_orgs") for pk in dict.fromkeys(ids or [])]


@router.post("/surveys", response={201: SurveyDetail, **WRITE_ERRORS}, summary="Create a draft survey")
def create_survey(request, payload: SurveyIn,
                  idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                       description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth
    require(user, policies.CHANGE)

    def run():
        org = resolve(Org.objects.visible_to(user, policies.CHANGE), payload.org, field="org")
        s = services.create_survey(actor=user, org=org, title=payload.title, intro=payload.intro,
                                   opens_on=payload.opens_on, closes_on=payload.closes_on,
                                   anonymous_results=payload.anonymous_results, audience=payload.audience,
                                   target_orgs=_targets(user, payload.target_orgs),
                                   industries=[str(i) for i in payload.industries])
        return 201, _reloaded(user, s)

    return idempotent(request, idempotency_key, payload, run, schema=SurveyDetail)


@router.patch("/surveys/{survey_id}", response={200: SurveyDetail, **WRITE_ERRORS},
              summary="Edit a draft survey (the fields sent; nothing answered yet)")
def update_survey(request, survey_id: Id, payload: SurveyPatch):
    user = request.auth
    s = _load(user, survey_id)
    sent = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    values = {k: sent.get(k, getattr(s, k))
              for k in ("title", "intro", "opens_on", "closes_on", "audience", "anonymous_results")}
    values["target_orgs"] = (_targets(user, sent["target_orgs"]) if "target_orgs" in sent
                             else list(s.target_orgs.all()))
    values["industries"] = [str(i) for i in sent.get("industries", s.industries or [])]
    services.update_survey(actor=user, survey=s, **values)
    return _reloaded(user, s)


@router.post("/surveys/{survey_id}/questions", response={201: SurveyDetail, **WRITE_ERRORS},
             summary="Add a question to a draft survey", operation_id="survey_question_add")
def add_question(request, survey_id: Id, payload: QuestionIn,
                 idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                      description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth
    s = _load(user, survey_id)

    def run():
        services.add_question(actor=user, survey=s, kind=payload.kind, text=payload.text, required=payload.required,
                              scale_max=payload.scale_max, options=list(payload.options))
        return 201, _reloaded(user, s)

    return idempotent(request, idempotency_key, payload, run, schema=SurveyDetail)


@router.delete("/surveys/{survey_id}/questions/{question_id}", response={200: SurveyDetail, **WRITE_ERRORS},
               summary="Remove a question from a draft survey", operation_id="survey_question_remove")
def remove_question(request, survey_id: Id, question_id: Id):
    user = request.auth
    s = _load(user, survey_id)
    if not s.questions.filter(pk=question_id).exists():
        raise not_found()
    services.remove_question(actor=user, survey=s, question_id=question_id)
    return _reloaded(user, s)


_action = workflow_actions(router, path="/surveys", id_param="survey_id", load=_load, render=_reloaded,
                           response=SurveyDetail, operation_prefix="survey")


@_action("open", "Open a draft (needs a question, two options per choice question, a closing date not past)",
         EmptyIn)
def open_(user, s, p):
    services.open_survey(actor=user, survey=s)


@_action("close", "Close an open survey (the targeted are counted again)", EmptyIn)
def close(user, s, p):
    services.close_survey(actor=user, survey=s)
