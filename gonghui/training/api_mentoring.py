"""/mentorships: 名师带徒 master–apprentice pairs, their progress reports and final assessment.

- Reads go through the selectors (scope: the pair's union's subtree). A pair outside the caller's
  scope answers 404 like a missing one; a union, person, teacher or course named in a body the
  caller cannot use is 400 `unknown_reference` on that field.
- Every workflow action (`POST /mentorships/{id}/<action>`: report, assess, end) calls exactly
  one service. A rule that refuses the step answers 400 with its code and field; a step the status
  does not allow 409 `wrong_stage`.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
"""

import datetime
from decimal import Decimal

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
from gonghui.core.policies import require
from gonghui.members.models import SkillLevel
from gonghui.orgs.models import Org

from .models.mentoring import AssessmentResult, MentorshipStatus
from .policies import mentoring as policies
from .selectors import mentoring as selectors
from .services import mentoring as services

router = Router(tags=["mentorships"])


class PersonRef(ApiSchema):
    id: int
    name: str
    id_number_masked: str


class MentorshipRow(ApiSchema):
    id: int
    org: Ref = Field(description="The union running the pair.")
    town: Ref | None
    master_name: str
    master_teacher: int | None = Field(description="The master's id in the teacher pool, if drawn from it.")
    master_person: int | None = Field(description="The master's person id in the registry, if any.")
    apprentice: PersonRef
    trade: str
    starts_on: datetime.date
    ends_on: datetime.date
    start_skill_level: SkillLevel
    target_skill_level: SkillLevel
    status: MentorshipStatus
    next_report_due_on: datetime.date | None = Field(description="Due day of the next progress report; None when "
                                                                 "none is left or the pair is over.")
    course: int | None


class MentorshipPage(PageMeta):
    items: list[MentorshipRow]


class ReportOut(ApiSchema):
    period_no: int
    period_starts_on: datetime.date
    period_ends_on: datetime.date
    due_on: datetime.date
    submitted_on: datetime.date
    late: bool
    content: str
    master_comment: str


class AssessmentOut(ApiSchema):
    assessed_on: datetime.date
    result: AssessmentResult
    score: Decimal
    skill_level_before: SkillLevel
    new_skill_level: str = Field(description="The level granted on a pass; empty: unchanged.")
    assessors: str
    comment: str


class ActionsOut(ApiSchema):
    report: bool
    assess: bool
    end: bool


class MentorshipDetail(MentorshipRow):
    goals: str
    ended_on: datetime.date | None
    end_reason: str
    reports: list[ReportOut]
    assessment: AssessmentOut | None
    actions: ActionsOut


class FiltersIn(PageParams):
    org: Id | None = Field(None, description="Only this town's or union's subtree.")
    status: MentorshipStatus | None = None
    trade: Text(60) | None = None
    year: int | None = Field(None, ge=2000, le=2100, description="Terms starting in this year.")
    due: str | None = Field(None, pattern="^(overdue|soon|assess)$",
                            description="overdue / soon: the next progress report; assess: term over, not assessed.")
    result: AssessmentResult | None = None
    q: Text(60) | None = Field(None, description="Start of the apprentice's or master's name, or part of the trade or "
                                                 "union name.")


class CreateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The union running the pair; the apprentice is one of its live members.")
    apprentice: Id
    master_teacher: Id | None = Field(None, description="A teacher of the pool …")
    master_person: Id | None = Field(None, description="… or a person of the registry (exactly one of the two).")
    trade: Text(60)
    starts_on: datetime.date
    ends_on: datetime.date = Field(description="1 to 3 years after starts_on (the rules).")
    goals: Text(2000)
    target_skill_level: SkillLevel
    course: Id | None = Field(None, description="A master-apprentice course grouping the pair.")


class ReportIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    content: Text(4000)
    master_comment: Text(2000) = ""
    submitted_on: datetime.date | None = Field(None, description="Default: today.")


class AssessIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    result: AssessmentResult
    score: Decimal = Field(ge=0, le=100)
    new_skill_level: SkillLevel | None = Field(None, description="On a pass: the level granted (at most the rules' "
                                                                 "grades above the current one).")
    assessed_on: datetime.date | None = Field(None, description="Default: today.")
    assessors: Text(200) = ""
    comment: Text(2000) = ""


class EndIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)
    ended_on: datetime.date | None = Field(None, description="Default: today.")


def row(m):
    return {"id": m.pk, "org": ref(m.org), "town": ref(m.town), "master_name": m.master_name,
            "master_teacher": m.master_teacher_id, "master_person": m.master_person_id,
            "apprentice": {"id": m.apprentice.pk, "name": m.apprentice.name,
                           "id_number_masked": m.apprentice.id_number_masked},
            "trade": m.trade, "starts_on": m.starts_on, "ends_on": m.ends_on,
            "start_skill_level": m.start_skill_level, "target_skill_level": m.target_skill_level,
            "status": m.status, "next_report_due_on": m.next_report_due_on, "course": m.course_id}


def detail(user, m):
    m = selectors.mentorship_detail(m)
    a = selectors.assessment_of(m)
    return {**row(m), "goals": m.goals, "ended_on": m.ended_on, "end_reason": m.end_reason,
            "reports": [{"period_no": r.period_no, "period_starts_on": r.period_starts_on,
                         "period_ends_on": r.period_ends_on, "due_on": r.due_on, "submitted_on": r.submitted_on,
                         "late": r.late, "content": r.content, "master_comment": r.master_comment}
                        for r in selectors.reports_of(m)],
            "assessment": None if a is None else {
                "assessed_on": a.assessed_on, "result": a.result, "score": a.score,
                "skill_level_before": a.skill_level_before, "new_skill_level": a.new_skill_level,
                "assessors": a.assessors, "comment": a.comment},
            "actions": vars(policies.mentorship_actions(user, m))}


def _load(user, mentorship_id):
    m = selectors.mentorships(user).select_related("org").filter(pk=mentorship_id).first()
    if m is None:
        raise not_found()
    return m


@router.get("/mentorships", response={200: MentorshipPage, **READ_ERRORS}, summary="List master-apprentice pairs")
def list_mentorships(request, filters: Query[FiltersIn]):
    user = request.auth
    org = None
    if filters.org is not None:
        org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first()
    qs = selectors.filtered_mentorships(user, selectors.MentorshipFilters(
        q=filters.q or "", org=org, status=filters.status or "", trade=filters.trade or "", year=filters.year,
        due=filters.due or "", result=filters.result or ""))
    if filters.org is not None and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=row, load=selectors.mentorship_rows())


@router.get("/mentorships/{mentorship_id}", response={200: MentorshipDetail, **READ_ERRORS},
            summary="Get a master-apprentice pair with its reports and assessment")
def get_mentorship(request, mentorship_id: Id):
    user = request.auth
    return detail(user, _load(user, mentorship_id))


@router.post("/mentorships", response={201: MentorshipDetail, **WRITE_ERRORS},
             summary="Create a master-apprentice pair")
def create_mentorship(request, payload: CreateIn,
                      idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                           description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        from gonghui.members.models import Person

        from .models.courses import Course

        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        require(user, policies.CHANGE, org)
        apprentice = resolve(Person.objects.visible_to(user), payload.apprentice, field="apprentice")
        teacher = person = course = None
        if payload.master_teacher is not None:
            teacher = resolve(services.usable_teachers(user, org), payload.master_teacher, field="master_teacher")
        if payload.master_person is not None:
            person = resolve(Person.objects.visible_to(user), payload.master_person, field="master_person")
        if payload.course is not None:
            course = resolve(Course.objects.visible_to(user, policies.VIEW), payload.course, field="course")
        m = services.create_mentorship(actor=user, org=org, apprentice=apprentice, master_teacher=teacher,
                                       master_person=person, trade=payload.trade, starts_on=payload.starts_on,
                                       ends_on=payload.ends_on, goals=payload.goals,
                                       target_skill_level=payload.target_skill_level, course=course)
        return 201, detail(user, m)

    return idempotent(request, idempotency_key, payload, run, schema=MentorshipDetail)


_action = workflow_actions(router, path="/mentorships", id_param="mentorship_id", load=_load, render=detail,
                           response=MentorshipDetail, operation_prefix="mentorship")


@_action("report", "Write the progress report of the next period", ReportIn)
def report(user, m, p):
    """400 `period_not_started` before the period starts, 400 `all_reported` when none is left."""
    services.submit_report(actor=user, mentorship=m, content=p.content, master_comment=p.master_comment,
                           submitted_on=p.submitted_on)


@_action("assess", "Record the final assessment (a pass may raise the apprentice's skill level)", AssessIn)
def assess(user, m, p):
    """400 `too_early`, `reports_missing`, `score_below_pass`, `level_not_higher`, `level_rise_too_big`…"""
    services.assess(actor=user, mentorship=m, result=p.result, score=p.score,
                    new_skill_level=p.new_skill_level or "", assessed_on=p.assessed_on, assessors=p.assessors,
                    comment=p.comment)


@_action("end", "End the pair early", EndIn)
def end(user, m, p):
    services.end_mentorship(actor=user, mentorship=m, reason=p.reason, ended_on=p.ended_on)
