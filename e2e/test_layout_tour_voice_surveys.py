"""The layout tour (see test_layout_tour.py) of 晴雨表 surveys: the list, a draft with its builder,
the edit and create forms, an open survey and its results (no breakdown, by town, by age band),
a closed survey; the member's phone pages (the list and the answer form, then "已提交")."""

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import Tree
from gonghui.voice.models.surveys import SurveyStatus
from gonghui.voice.services.surveys import submit_response
from gonghui.voice.testing.surveys import answers_for, make_survey, open_survey

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build(tree):
    r = {}
    member = tree.member(union=tree.union1).person
    member.account = tree.member_user
    member.save(update_fields=["account"])
    r["draft"] = make_survey(tree.town1, title="职工食堂满意度调查")
    picks = [(0, (0, 1), 5), (1, (1,), 4), (2, (0, 2, 3), 3), (0, (3,), 4), (1, (1, 2), 2), (0, (0,), 5)]
    people = [tree.member(union=tree.union1 if i % 2 else tree.union1b).person for i in range(len(picks) + 3)]
    s = open_survey(make_survey(tree.town1, title="2026年职工需求调查", anonymous_results=False))
    for i, (single, multi, scale) in enumerate(picks):
        submit_response(actor=None, person=people[i], survey=s,
                        answers=answers_for(s, single=single, multi=multi, scale=scale,
                                            text=f"希望工会多组织技能培训和文体活动（第{i + 1}条）"))
    r["open"] = s
    r["answered"] = open_survey(make_survey(tree.town1, title="劳动安全意见征集"))
    submit_response(actor=None, person=member, survey=r["answered"], answers=answers_for(r["answered"]))
    r["to_answer"] = open_survey(make_survey(tree.union1, title="本单位工会工作评议"))
    r["closed"] = make_survey(tree.town1, title="春节返岗情况调查", status=SurveyStatus.CLOSED)
    return r


def pages(tree, r):
    results = reverse("voice:survey_results", args=[r["open"].pk])
    return [
        ("town1", [
            ("sv-list", reverse("voice:survey_list")),
            ("sv-new", reverse("voice:survey_create")),
            ("sv-draft", reverse("voice:survey_detail", args=[r["draft"].pk])),
            ("sv-edit", reverse("voice:survey_edit", args=[r["draft"].pk])),
            ("sv-open", reverse("voice:survey_detail", args=[r["open"].pk])),
            ("sv-results", results),
            ("sv-results-town", results + "?by=town"),
            ("sv-results-age", results + "?by=age_band"),
            ("sv-closed", reverse("voice:survey_detail", args=[r["closed"].pk])),
        ]),
        ("union1", [
            ("sv-list-u", reverse("voice:survey_list")),
            ("sv-union", reverse("voice:survey_detail", args=[r["to_answer"].pk])),
        ]),
        ("member1", [
            ("sv-my", reverse("voice:my_surveys")),
            ("sv-answer", reverse("voice:my_survey_answer", args=[r["to_answer"].pk])),
            ("sv-answered", reverse("voice:my_survey_answer", args=[r["answered"].pk])),
        ]),
    ]


def test_voice_surveys_layout_tour(browser, live_server, tour_screenshots):
    tree = Tree()
    problems = walk(browser, live_server, pages(tree, build(tree)), tour_screenshots)
    assert not problems, "\n".join(problems)
