"""Suggestion and technical-project services: the scoring form (bounds, totals, grades), the
guarded workflow (adopt needs an evaluation, reward needs adoption, benefit ≥ 0), milestone
dates, audit, and the database constraints behind them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.innovation import services
from gonghui.innovation.models import (
    Milestone,
    ProjectStatus,
    Suggestion,
    SuggestionScore,
    SuggestionStatus,
    TechProject,
)
from gonghui.innovation.rules import rules
from gonghui.innovation.services import SuggestionInput
from gonghui.innovation.testing import SCORES, days_ago, project, suggestion

pytestmark = pytest.mark.django_db
TODAY = services.today()


def _code(excinfo):
    return excinfo.value.code


@pytest.fixture
def s1(tree):
    return suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)


def _evaluate(tree, s, scores, **kw):
    return services.evaluate_suggestion(actor=tree.union1_chair, suggestion=s, scores=scores,
                                        evaluated_on=kw.get("on", days_ago(30)), evaluators=["张评委"])


# --- submitting -----------------------------------------------------------------------------------

def test_submit_links_a_member_and_audits(tree):
    person = tree.member(tree.union1, name="陈建国").person
    s = suggestion(actor=tree.union1_staff, org=tree.union1, enterprise=tree.enterprise1, submitter_person=person)
    assert (s.submitter_name, s.submitter_person_id, s.status) == ("陈建国", person.pk, SuggestionStatus.SUBMITTED)
    assert s.co_authors == "李工、赵师傅"
    event = AuditEvent.objects.get(action="innovation.submit")
    assert (event.object_id, event.org_id, event.actor_id) == (str(s.pk), tree.union1.pk, tree.union1_staff.pk)


def test_submitter_must_be_a_current_member_of_the_union(tree):
    other = tree.member(tree.union2, name="外单位").person
    with pytest.raises(DomainError) as excinfo:
        suggestion(actor=tree.district_staff, org=tree.union1, enterprise=tree.enterprise1, submitter_person=other)
    assert (_code(excinfo), excinfo.value.field) == ("not_a_member", "submitter_person")
    assert not Suggestion.objects.exists()


def test_submit_refuses_another_unions_enterprise_and_future_dates(tree):
    data = SuggestionInput(kind="INVENTION", title="t", problem="p", proposal="q", submitted_on=TODAY,
                           submitter_name="甲")
    with pytest.raises(DomainError) as excinfo:
        services.submit_suggestion(actor=tree.district_staff, org=tree.union1, enterprise=tree.enterprise2, data=data)
    assert excinfo.value.field == "enterprise"
    data.submitted_on = TODAY + datetime.timedelta(days=1)
    with pytest.raises(DomainError) as excinfo:
        services.submit_suggestion(actor=tree.district_staff, org=tree.union1, enterprise=tree.enterprise1, data=data)
    assert (_code(excinfo), excinfo.value.field) == ("date_in_future", "submitted_on")
    data.submitted_on, data.submitter_name = TODAY, "  "
    with pytest.raises(DomainError) as excinfo:
        services.submit_suggestion(actor=tree.district_staff, org=tree.union1, enterprise=tree.enterprise1, data=data)
    assert excinfo.value.field == "submitter_name"


def test_the_member_themself_may_submit_through_the_portal(tree):
    """The portal's user carries `person_id`: the service lets the submitter through."""
    person = tree.member(tree.union1, name="陈建国").person
    member = tree.member_user
    member.person_id = person.pk
    s = suggestion(actor=member, org=tree.union1, enterprise=tree.enterprise1, submitter_person=person)
    assert s.submitter_person_id == person.pk
    member.person_id = person.pk + 999  # someone else's suggestion: refused
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        suggestion(actor=member, org=tree.union1, enterprise=tree.enterprise1, submitter_person=person)


# --- the scoring form -----------------------------------------------------------------------------

def test_total_and_grade(tree, s1):
    s = _evaluate(tree, s1, SCORES)
    assert (s.status, s.total_score, s.grade) == (SuggestionStatus.EVALUATED, 81, "B")
    assert list(s.scores.values_list("criterion", "max_points", "points")) == [
        ("innovation", 30, 25), ("feasibility", 30, 24), ("economic", 25, 20), ("safety", 15, 12)]


@pytest.mark.parametrize(("total_scores", "grade"), [
    ({"innovation": 30, "feasibility": 30, "economic": 25, "safety": 15}, "A"),   # 100
    ({"innovation": 30, "feasibility": 30, "economic": 25, "safety": 0}, "A"),    # 85
    ({"innovation": 29, "feasibility": 30, "economic": 25, "safety": 0}, "B"),    # 84
    ({"innovation": 30, "feasibility": 15, "economic": 25, "safety": 0}, "B"),    # 70
    ({"innovation": 30, "feasibility": 14, "economic": 25, "safety": 0}, "C"),    # 69
    ({"innovation": 30, "feasibility": 5, "economic": 25, "safety": 0}, "C"),     # 60
    ({"innovation": 30, "feasibility": 4, "economic": 25, "safety": 0}, "D"),     # 59
    ({"innovation": 0, "feasibility": 0, "economic": 0, "safety": 0}, "D"),       # 0
])
def test_grade_thresholds(tree, s1, total_scores, grade):
    s = _evaluate(tree, s1, total_scores)
    assert s.total_score == sum(total_scores.values())
    assert s.grade == grade


@pytest.mark.parametrize(("scores", "field", "code"), [
    ({"innovation": 31, "feasibility": 1, "economic": 1, "safety": 1}, "scores.innovation", "score_range"),
    ({"innovation": 1, "feasibility": 1, "economic": 26, "safety": 1}, "scores.economic", "score_range"),
    ({"innovation": 1, "feasibility": 1, "economic": 1, "safety": -1}, "scores.safety", "score_range"),
    ({"innovation": 1, "feasibility": 1, "economic": 1}, "scores.safety", "score_missing"),
    ({"innovation": 1, "feasibility": 1, "economic": 1, "safety": 1, "looks": 5}, "scores.looks",
     "unknown_criterion"),
    ({"innovation": "x", "feasibility": 1, "economic": 1, "safety": 1}, "scores.innovation", "score_range"),
])
def test_scores_out_of_bounds_are_refused_and_nothing_saved(tree, s1, scores, field, code):
    with pytest.raises(DomainError) as excinfo:
        _evaluate(tree, s1, scores)
    assert (excinfo.value.field, _code(excinfo)) == (field, code)
    s1.refresh_from_db()
    assert (s1.status, s1.total_score) == (SuggestionStatus.SUBMITTED, None)
    assert not SuggestionScore.objects.exists()


def test_reevaluation_replaces_the_scores(tree, s1):
    _evaluate(tree, s1, SCORES)
    s = _evaluate(tree, s1, {"innovation": 10, "feasibility": 10, "economic": 10, "safety": 10})
    assert (s.total_score, s.grade, s.scores.count()) == (40, "D", 4)


def test_evaluation_date_not_before_submission(tree, s1):
    with pytest.raises(DomainError) as excinfo:
        _evaluate(tree, s1, SCORES, on=s1.submitted_on - datetime.timedelta(days=1))
    assert (_code(excinfo), excinfo.value.field) == ("date_order", "evaluated_on")


def test_configured_criteria_and_grades(settings, tree, s1):
    settings.INNOVATION_RULES = {"criteria": [("value", "Value", 60), ("cost", "Cost", 40)],
                                 "grades": [("B", 50), ("A", 90)]}
    s = _evaluate(tree, s1, {"value": 55, "cost": 40})
    assert (s.total_score, s.grade) == (95, "A")
    with pytest.raises(DomainError):
        _evaluate(tree, s1, {"value": 61, "cost": 0})


def test_criteria_must_add_up_to_100(settings):
    settings.INNOVATION_RULES = {"criteria": [("value", "Value", 60), ("cost", "Cost", 30)]}
    with pytest.raises(ImproperlyConfigured):
        rules()


# --- decisions ------------------------------------------------------------------------------------

def test_adopt_without_evaluation_is_refused(tree, s1):
    with pytest.raises(DomainError) as excinfo:
        services.adopt_suggestion(actor=tree.union1_chair, suggestion=s1, decided_on=TODAY)
    assert _code(excinfo) == "wrong_stage"
    s1.refresh_from_db()
    assert s1.status == SuggestionStatus.SUBMITTED


def test_adopt_needs_the_configured_minimum(settings, tree, s1):
    settings.INNOVATION_RULES = {"adopt_min_score": 82}
    _evaluate(tree, s1, SCORES)  # 81
    with pytest.raises(DomainError) as excinfo:
        services.adopt_suggestion(actor=tree.union1_chair, suggestion=s1, decided_on=TODAY)
    assert _code(excinfo) == "score_too_low"
    settings.INNOVATION_RULES = {"adopt_min_score": 81}
    s = services.adopt_suggestion(actor=tree.union1_chair, suggestion=s1, decided_on=TODAY)
    assert s.status == SuggestionStatus.ADOPTED


def test_decline_needs_a_reason(tree, s1):
    with pytest.raises(DomainError) as excinfo:
        services.decline_suggestion(actor=tree.union1_chair, suggestion=s1, decided_on=TODAY, reason=" ")
    assert excinfo.value.field == "reason"
    s = services.decline_suggestion(actor=tree.union1_chair, suggestion=s1, decided_on=TODAY, reason="已有方案")
    assert (s.status, s.decline_reason) == (SuggestionStatus.NOT_ADOPTED, "已有方案")


def test_reward_before_adoption_is_refused(tree):
    for status in (SuggestionStatus.SUBMITTED, SuggestionStatus.EVALUATED, SuggestionStatus.NOT_ADOPTED):
        s = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, status=status)
        with pytest.raises(DomainError) as excinfo:
            services.pay_reward(actor=tree.union1_chair, suggestion=s, amount=Decimal("500"), paid_on=TODAY)
        assert _code(excinfo) == "wrong_stage"
        s.refresh_from_db()
        assert s.reward_paid_on is None


def test_reward_once_after_adoption_defaults_to_the_team(tree):
    s = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                   status=SuggestionStatus.ADOPTED)
    with pytest.raises(DomainError) as excinfo:
        services.pay_reward(actor=tree.union1_chair, suggestion=s, amount=Decimal("0"), paid_on=TODAY)
    assert (_code(excinfo), excinfo.value.field) == ("zero_amount", "amount")
    with pytest.raises(DomainError) as excinfo:
        services.pay_reward(actor=tree.union1_chair, suggestion=s, amount=Decimal("5"), paid_on=s.decided_on
                            - datetime.timedelta(days=1))
    assert excinfo.value.field == "paid_on"
    s = services.pay_reward(actor=tree.union1_chair, suggestion=s, amount=Decimal("800.50"), paid_on=TODAY)
    assert (s.reward_yuan, s.reward_recipients) == (Decimal("800.50"), "王小明、李工、赵师傅")
    with pytest.raises(DomainError) as excinfo:
        services.pay_reward(actor=tree.union1_chair, suggestion=s, amount=Decimal("1"), paid_on=TODAY)
    assert _code(excinfo) == "wrong_stage"


@pytest.mark.parametrize(("amount", "code"), [(Decimal("-0.01"), "negative_amount"), ("-5", "negative_amount"),
                                               (Decimal("1.005"), "invalid_amount"), ("abc", "invalid_amount"),
                                               ("NaN", "invalid_amount")])
def test_negative_or_malformed_benefit_is_refused(tree, amount, code):
    s = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                   status=SuggestionStatus.ADOPTED)
    with pytest.raises(DomainError) as excinfo:
        services.implement_suggestion(actor=tree.union1_chair, suggestion=s, implemented_on=TODAY,
                                      benefit_yuan=amount, measured_on=TODAY)
    assert (_code(excinfo), excinfo.value.field) == (code, "benefit_yuan")
    s.refresh_from_db()
    assert (s.status, s.benefit_yuan) == (SuggestionStatus.ADOPTED, None)


def test_implement_records_benefit_and_dates_in_order(tree):
    s = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                   status=SuggestionStatus.ADOPTED)
    with pytest.raises(DomainError) as excinfo:
        services.implement_suggestion(actor=tree.union1_chair, suggestion=s, implemented_on=TODAY,
                                      benefit_yuan=Decimal("1"), measured_on=TODAY - datetime.timedelta(days=1))
    assert excinfo.value.field == "measured_on"
    s = services.implement_suggestion(actor=tree.union1_chair, suggestion=s, implemented_on=TODAY,
                                      benefit_yuan=Decimal("0"), measured_on=TODAY)
    assert (s.status, s.benefit_yuan) == (SuggestionStatus.IMPLEMENTED, Decimal("0.00"))
    assert AuditEvent.objects.filter(action="innovation.implement", object_id=str(s.pk)).exists()


def test_withdraw_only_before_evaluation(tree, s1):
    _evaluate(tree, s1, SCORES)
    with pytest.raises(DomainError) as excinfo:
        services.withdraw_suggestion(actor=tree.union1_chair, suggestion=s1, withdrawn_on=TODAY)
    assert _code(excinfo) == "wrong_stage"
    s = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, title="二")
    s = services.withdraw_suggestion(actor=tree.union1_chair, suggestion=s, withdrawn_on=TODAY, reason="重复")
    assert s.status == SuggestionStatus.WITHDRAWN


# --- database constraints (what must never happen, whoever writes) ----------------------------------

def _violates(**changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=changes.pop("pk")).update(**changes)


def test_constraints(tree):
    submitted = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    adopted = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                         status=SuggestionStatus.ADOPTED, title="二")
    _violates(pk=submitted.pk, reward_yuan=Decimal("5"), reward_paid_on=TODAY)   # reward before adoption
    _violates(pk=submitted.pk, status=SuggestionStatus.ADOPTED, decided_on=TODAY)  # adopted, not evaluated
    _violates(pk=adopted.pk, benefit_yuan=Decimal("-1"))
    _violates(pk=adopted.pk, total_score=101)
    score = SuggestionScore.objects.filter(suggestion=adopted).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        SuggestionScore.objects.filter(pk=score.pk).update(points=score.max_points + 1)
    p = project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    with pytest.raises(IntegrityError), transaction.atomic():
        TechProject.objects.filter(pk=p.pk).update(benefit_yuan=Decimal("-1"))


# --- technical projects --------------------------------------------------------------------------

def test_project_team_needs_one_leader(tree):
    from gonghui.innovation.services import ProjectInput, TeamInput

    data = ProjectInput(title="攻关", goal="目标", planned_end_on=TODAY + datetime.timedelta(days=30),
                        team=[TeamInput("甲"), TeamInput("乙")], started_on=TODAY)
    with pytest.raises(DomainError) as excinfo:
        services.create_project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, data=data)
    assert (_code(excinfo), excinfo.value.field) == ("one_leader", "team")
    data.team = [TeamInput("甲", is_leader=True), TeamInput("甲")]
    with pytest.raises(DomainError) as excinfo:
        services.create_project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, data=data)
    assert _code(excinfo) == "team_twice"
    assert not TechProject.objects.exists()


def test_milestone_dates(tree):
    p = project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    with pytest.raises(DomainError) as excinfo:  # before the start
        services.add_milestone(actor=tree.union1_chair, project=p, title="调研", due_on=p.started_on
                               - datetime.timedelta(days=1))
    assert (_code(excinfo), excinfo.value.field) == ("date_order", "due_on")
    with pytest.raises(DomainError) as excinfo:  # after the planned end
        services.add_milestone(actor=tree.union1_chair, project=p, title="调研",
                               due_on=p.planned_end_on + datetime.timedelta(days=1))
    assert excinfo.value.field == "due_on"
    m = services.add_milestone(actor=tree.union1_chair, project=p, title="调研", due_on=p.started_on)
    with pytest.raises(DomainError) as excinfo:  # done before the project started
        services.complete_milestone(actor=tree.union1_chair, project=p, milestone_id=m.pk,
                                    done_on=p.started_on - datetime.timedelta(days=1))
    assert excinfo.value.field == "done_on"
    with pytest.raises(DomainError) as excinfo:
        services.complete_milestone(actor=tree.union1_chair, project=p, milestone_id=m.pk,
                                    done_on=TODAY + datetime.timedelta(days=1))
    assert _code(excinfo) == "date_in_future"
    services.complete_milestone(actor=tree.union1_chair, project=p, milestone_id=m.pk, done_on=TODAY)
    with pytest.raises(DomainError) as excinfo:
        services.complete_milestone(actor=tree.union1_chair, project=p, milestone_id=m.pk, done_on=TODAY)
    assert _code(excinfo) == "wrong_stage"


def test_overdue_milestone_flag_and_completion(tree):
    p = project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                milestones=[("方案", days_ago(30), days_ago(28)), ("试制", days_ago(5), None)])
    late = Milestone.objects.get(title="试制")
    assert late.is_overdue(TODAY) and not Milestone.objects.get(title="方案").is_overdue(TODAY)
    with pytest.raises(DomainError) as excinfo:
        services.complete_project(actor=tree.union1_chair, project=p, completed_on=TODAY, result="好",
                                  benefit_yuan="100")
    assert _code(excinfo) == "milestones_open"
    services.complete_milestone(actor=tree.union1_chair, project=p, milestone_id=late.pk, done_on=TODAY)
    with pytest.raises(DomainError) as excinfo:
        services.complete_project(actor=tree.union1_chair, project=p, completed_on=TODAY, result="好",
                                  benefit_yuan="-1")
    assert _code(excinfo) == "negative_amount"
    p = services.complete_project(actor=tree.union1_chair, project=p, completed_on=TODAY, result="不良率0.8%",
                                  benefit_yuan="56000")
    assert (p.status, p.benefit_yuan) == (ProjectStatus.COMPLETED, Decimal("56000.00"))


def test_planned_project_starts_then_abandons(tree):
    p = project(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, status=ProjectStatus.PLANNED)
    assert p.status == ProjectStatus.PLANNED and p.started_on is None
    with pytest.raises(DomainError) as excinfo:
        services.complete_project(actor=tree.union1_chair, project=p, completed_on=TODAY, result="x", benefit_yuan=1)
    assert _code(excinfo) == "wrong_stage"
    p = services.start_project(actor=tree.union1_chair, project=p, started_on=TODAY)
    assert p.status == ProjectStatus.IN_PROGRESS
    p = services.abandon_project(actor=tree.union1_chair, project=p, abandoned_on=TODAY, reason="停产")
    assert p.status == ProjectStatus.ABANDONED


def test_full_clean_is_a_validation_error_not_a_500(tree, s1):
    with pytest.raises(ValidationError):
        services.submit_suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                                   data=SuggestionInput(kind="BOGUS", title="t", problem="p", proposal="q",
                                                        submitted_on=TODAY, submitter_name="甲"))
