"""Surveys: targeting, building, opening, one response per member, validation per question kind,
results math and participation by town."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.core.errors import DomainError
from gonghui.members.models import MembershipStatus
from gonghui.orgs.models import Industry
from gonghui.voice.models.surveys import QuestionKind, SurveyAudience, SurveyResponse, SurveyStatus
from gonghui.voice.selectors import surveys as selectors
from gonghui.voice.services import surveys as services
from gonghui.voice.testing.surveys import answers_for, make_survey, open_survey

pytestmark = pytest.mark.django_db


def linked(tree, union=None, **kw):
    m = tree.member(union=union, **kw)
    return m.person


def test_targeting_subtree_orgs_industries_and_audience(tree):
    a = tree.member(tree.union1)
    a.enterprise = tree.enterprise1
    a.save()
    b = tree.member(tree.union1b)
    c = tree.member(tree.union2)
    c.enterprise = tree.enterprise2
    c.save()
    gone = tree.member(tree.union1)
    gone.status, gone.ended_on = MembershipStatus.LEFT, datetime.date(2024, 1, 1)
    gone.save()
    s = make_survey(tree.district)
    assert selectors.count_targeted(s)[0] == 3  # live members anywhere under the district
    s.audience = SurveyAudience.WORKERS
    assert selectors.count_targeted(s)[0] == 4  # plus the worker who left
    s.audience = SurveyAudience.MEMBERS
    s.target_orgs.set([tree.town1])
    total, by_town = selectors.count_targeted(s)
    assert total == 2 and by_town == {str(tree.town1.pk): 2}
    tree.enterprise1.industry = Industry.LOGISTICS
    tree.enterprise1.save()
    s.industries = [Industry.LOGISTICS]
    assert selectors.count_targeted(s)[0] == 1  # b has no enterprise on record
    assert selectors.is_targeted(s, a.person) and not selectors.is_targeted(s, b.person)
    assert not selectors.is_targeted(s, c.person)


def test_create_refuses_target_outside_the_owner(tree):
    with pytest.raises(DomainError) as e:
        services.create_survey(actor=tree.town1_cadre, org=tree.town1, title="调查", opens_on=datetime.date.today(),
                               closes_on=datetime.date.today(), target_orgs=[tree.union2])
    assert e.value.field == "target_orgs"
    with pytest.raises(PermissionDenied):
        services.create_survey(actor=tree.town1_cadre, org=tree.town2, title="调查", opens_on=datetime.date.today(),
                               closes_on=datetime.date.today())


def test_dates_and_title_validated(tree):
    today = datetime.date.today()
    with pytest.raises(DomainError) as e:
        services.create_survey(actor=tree.town1_cadre, org=tree.town1, title=" ", opens_on=today, closes_on=today)
    assert e.value.field == "title"
    with pytest.raises(DomainError) as e:
        services.create_survey(actor=tree.town1_cadre, org=tree.town1, title="x", opens_on=today,
                               closes_on=today - datetime.timedelta(days=1))
    assert e.value.field == "closes_on"


def test_builder_add_move_remove_and_open(tree):
    today = datetime.date.today()
    s = services.create_survey(actor=tree.town1_cadre, org=tree.town1, title="需求调查", opens_on=today,
                               closes_on=today + datetime.timedelta(days=7))
    with pytest.raises(DomainError):
        services.open_survey(actor=tree.town1_cadre, survey=s)  # no question
    with pytest.raises(DomainError) as e:
        services.add_question(actor=tree.town1_cadre, survey=s, kind=QuestionKind.SINGLE, text="q", options=["a"])
    assert e.value.field == "options"
    with pytest.raises(DomainError) as e:
        services.add_question(actor=tree.town1_cadre, survey=s, kind=QuestionKind.SCALE, text="q", scale_max=7)
    assert e.value.field == "scale_max"
    q1 = services.add_question(actor=tree.town1_cadre, survey=s, kind=QuestionKind.SINGLE, text="一",
                               options=["甲", "乙"])
    q2 = services.add_question(actor=tree.town1_cadre, survey=s, kind=QuestionKind.SCALE, text="二", scale_max=10)
    services.move_question(actor=tree.town1_cadre, survey=s, question_id=q2.pk, up=True)
    assert [q.pk for q in selectors.questions_of(s)] == [q2.pk, q1.pk]
    services.remove_question(actor=tree.town1_cadre, survey=s, question_id=q1.pk)
    tree.member(tree.union1)
    s = services.open_survey(actor=tree.town1_cadre, survey=s)
    assert s.status == SurveyStatus.OPEN and s.targeted_count == 1
    with pytest.raises(DomainError) as e:
        services.add_question(actor=tree.town1_cadre, survey=s, kind=QuestionKind.TEXT, text="三")
    assert e.value.code == "wrong_stage"
    s = services.close_survey(actor=tree.town1_cadre, survey=s)
    assert s.status == SurveyStatus.CLOSED


def test_one_response_per_member(tree):
    person = tree.member(tree.union1).person
    s = open_survey(make_survey(tree.town1))
    r = services.submit_response(actor=None, person=person, survey=s, answers=answers_for(s))
    assert r.respondent_no == 1 and r.town == tree.town1 and r.union == tree.union1
    with pytest.raises(DomainError) as e:
        services.submit_response(actor=None, person=person, survey=s, answers=answers_for(s))
    assert e.value.code == "already_answered"
    assert SurveyResponse.objects.filter(survey=s).count() == 1
    s.refresh_from_db()
    assert s.response_count == 1 and s.next_respondent_no == 2


def test_response_refused_when_not_targeted_or_not_open(tree):
    outsider = tree.member(tree.union2).person
    s = open_survey(make_survey(tree.town1))
    with pytest.raises(DomainError) as e:
        services.submit_response(actor=None, person=outsider, survey=s, answers=answers_for(s))
    assert e.value.code == "not_targeted"
    s.closes_on = s.opens_on = datetime.date.today() - datetime.timedelta(days=3)
    s.save()
    with pytest.raises(DomainError) as e:
        services.submit_response(actor=None, person=tree.member(tree.union1).person, survey=s, answers={})
    assert e.value.code == "not_open"


@pytest.mark.parametrize("kind,value,code", [
    (QuestionKind.SINGLE, None, "required"),
    (QuestionKind.SINGLE, 999999, "invalid_choice"),
    (QuestionKind.SINGLE, "x", "invalid_choice"),
    (QuestionKind.MULTI, [999999], "invalid_choice"),
    (QuestionKind.SCALE, 6, "out_of_scale"),
    (QuestionKind.SCALE, 0, "out_of_scale"),
])
def test_answer_validation_per_kind_saves_nothing(tree, kind, value, code):
    person = tree.member(tree.union1).person
    s = open_survey(make_survey(tree.town1))
    answers = answers_for(s)
    q = s.questions.get(kind=kind)
    answers[q.pk] = value
    with pytest.raises(DomainError) as e:
        services.submit_response(actor=None, person=person, survey=s, answers=answers)
    assert e.value.code == code and e.value.field == f"q{q.pk}"
    assert not SurveyResponse.objects.exists()


def test_single_takes_one_choice_and_text_limit(tree):
    person = tree.member(tree.union1).person
    s = open_survey(make_survey(tree.town1))
    answers = answers_for(s)
    single = s.questions.get(kind=QuestionKind.SINGLE)
    answers[single.pk] = [o.pk for o in single.options.all()[:2]]
    with pytest.raises(DomainError) as e:
        services.submit_response(actor=None, person=person, survey=s, answers=answers)
    assert e.value.code == "one_choice"
    answers = answers_for(s, text="长" * 1001)
    with pytest.raises(DomainError) as e:
        services.submit_response(actor=None, person=person, survey=s, answers=answers)
    assert e.value.code == "too_long"


def test_results_math_and_breakdown(tree):
    s = open_survey(make_survey(tree.district, anonymous_results=False))
    people = [tree.member(tree.union1).person for _ in range(3)] + [tree.member(tree.union2).person]
    picks = [(0, (0, 1), 5), (0, (1,), 4), (1, (0, 1, 2), 3), (2, (3,), 4)]
    for p, (single, multi, scale) in zip(people, picks, strict=True):
        services.submit_response(actor=None, person=p, survey=s, answers=answers_for(s, single=single, multi=multi,
                                                                                      scale=scale))
    res = {r["question"].kind: r for r in selectors.question_results(s)}
    assert res[QuestionKind.SINGLE]["counts"] == [2, 1, 1]
    assert res[QuestionKind.MULTI]["counts"] == [2, 3, 1, 1] and res[QuestionKind.MULTI]["answered"] == 4
    assert res[QuestionKind.SCALE]["counts"] == [0, 0, 1, 2, 1] and res[QuestionKind.SCALE]["average"] == 4.0
    by = {r["question"].kind: r for r in selectors.question_results(s, by="town")}
    groups = {g["key"]: g for g in by[QuestionKind.SINGLE]["groups"]}
    assert groups[str(tree.town1.pk)]["counts"] == [2, 1, 0]
    assert groups[str(tree.town2.pk)]["counts"] == [0, 0, 1]
    # Anonymous results hide groups under min_group (5).
    s.anonymous_results = True
    s.save()
    assert selectors.question_results(s, by="town")[0]["groups"] == []


def test_participation_by_town(tree):
    for _ in range(3):
        tree.member(tree.union1)
    tree.member(tree.union2)
    s = open_survey(make_survey(tree.district))
    p = tree.member(tree.union1).person  # joins after the opening count: still may answer
    services.submit_response(actor=None, person=p, survey=s, answers=answers_for(s))
    make_survey(tree.district, title="草稿")  # drafts do not count
    rows = {r["town_id"]: r for r in selectors.participation_by_town(tree.district_staff, datetime.date.today().year)}
    assert rows[tree.town1.pk] == {"town_id": tree.town1.pk, "town_name": tree.town1.name, "surveys": 1,
                                   "targeted": 3, "responded": 1}
    assert rows[tree.town2.pk]["targeted"] == 1 and rows[tree.town2.pk]["responded"] == 0
    assert selectors.participation_by_town(tree.town2_cadre, datetime.date.today().year) == []
    assert selectors.participation_by_town(tree.district_staff, 2001) == []


def test_surveys_for_person_and_close_due(tree):
    person = tree.member(tree.union1).person
    s = open_survey(make_survey(tree.town1))
    open_survey(make_survey(tree.town2))
    assert [x["survey"].pk for x in selectors.surveys_for_person(person)] == [s.pk]
    s.closes_on = datetime.date.today() - datetime.timedelta(days=1)
    s.opens_on = s.closes_on
    s.save()
    assert selectors.surveys_for_person(person) == []
    assert services.close_due_surveys() == 1
    s.refresh_from_db()
    assert s.status == SurveyStatus.CLOSED
