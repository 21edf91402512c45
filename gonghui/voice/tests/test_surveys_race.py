"""One response per member under a race: the same member submits from two phones at once — one
wins, the other is told "already answered"; respondents of different members get distinct numbers
(the survey row is locked). Threaded on PostgreSQL; SQLite serialises writers."""

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.voice.models.surveys import Survey, SurveyResponse
from gonghui.voice.services import surveys as services
from gonghui.voice.testing.surveys import answers_for, make_survey, open_survey

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_response_per_member_under_a_race():
    tree = Tree()
    person = tree.member(tree.union1).person
    others = [tree.member(tree.union1).person for _ in range(3)]
    s = open_survey(make_survey(tree.town1))
    answers = answers_for(s)
    outcome = race([lambda: services.submit_response(actor=None, person=person, survey=s, answers=answers)] * 3)
    assert sorted(outcome) == ["already_answered", "already_answered", "won"]
    race([lambda p=p: services.submit_response(actor=None, person=p, survey=s, answers=answers) for p in others])
    numbers = list(SurveyResponse.objects.filter(survey=s).values_list("respondent_no", flat=True))
    assert sorted(numbers) == [1, 2, 3, 4]
    assert Survey.objects.get(pk=s.pk).response_count == 4
