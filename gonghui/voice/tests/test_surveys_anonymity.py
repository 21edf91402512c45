"""Surveys: results math on a known dataset, and the anonymity of the results — small breakdown
groups of an anonymous survey are merged the same way on the page, in the API and in the export;
the trail and the survey's history do not tie a worker to answers; a member answers only the
surveys addressed to them (page and API: 404)."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.voice.models.surveys import QuestionKind
from gonghui.voice.selectors import surveys as selectors
from gonghui.voice.services.surveys import submit_response
from gonghui.voice.testing.surveys import answers_for, make_survey, open_survey

pytestmark = pytest.mark.django_db


def born(age):
    today = datetime.date.today()
    return datetime.date(today.year - age - 1, 1, 1)


# (age, single option index, multi option indexes, scale) — 6 aged 25-34, 5 aged 35-44, 1 aged 50.
DATASET = ([(27, 0, (0, 1), 5)] * 4 + [(30, 1, (1,), 4)] * 2
           + [(40, 2, (2, 3), 3)] * 3 + [(38, 0, (0,), 2)] * 2
           + [(50, 1, (3,), 1)])


def answered(tree, **survey_kw):
    s = open_survey(make_survey(tree.town1, **survey_kw))
    for age, single, multi, scale in DATASET:
        person = tree.member(tree.union1, birth_on=born(age), name=f"职工{age}").person
        submit_response(actor=tree.member_user, person=person, survey=s,
                        answers=answers_for(s, single=single, multi=multi, scale=scale))
    s.refresh_from_db()
    return s


def by_kind(items):
    return {i["question"].kind: i for i in items}


def test_results_math_on_a_known_dataset(tree):
    s = answered(tree, anonymous_results=False)
    assert s.response_count == 12
    res = by_kind(selectors.question_results(s))
    assert res[QuestionKind.SINGLE]["counts"] == [6, 3, 3] and res[QuestionKind.SINGLE]["answered"] == 12
    assert res[QuestionKind.MULTI]["counts"] == [6, 6, 3, 4]  # an option per choice: 19 for 12 people
    assert res[QuestionKind.SCALE]["counts"] == [1, 2, 3, 2, 4]
    assert res[QuestionKind.SCALE]["average"] == round((1 + 4 + 9 + 8 + 20) / 12, 2)  # 3.5
    groups = {g["label"]: g for g in by_kind(selectors.question_results(s, by="age_band"))[QuestionKind.SINGLE]
              ["groups"]}
    assert {k: (g["responses"], g["counts"]) for k, g in groups.items()} == {
        "25-34": (6, [4, 2, 0]), "35-44": (5, [2, 0, 3]), "45-54": (1, [0, 1, 0])}


def test_small_groups_merged_the_same_on_page_api_and_export(tree):
    s = answered(tree)  # anonymous: min_group 5
    # 45-54 (1) is under 5; alone it would be total − the others, so the smallest other group joins it.
    single = by_kind(selectors.question_results(s, by="age_band"))[QuestionKind.SINGLE]
    assert [(g["label"], g["responses"], g["counts"]) for g in single["groups"]] == [
        ("25-34", 6, [4, 2, 0]), ("其他（人数较少的组已合并）" if False else g_other_label(), 6, [2, 1, 3])]
    api = api_as(tree.town1_cadre).get(f"/surveys/{s.pk}/results", {"by": "age_band"}).json()
    api_single = next(q for q in api["questions"] if q["kind"] == "SINGLE")
    assert [(g["responses"], g["counts"]) for g in api_single["groups"]] == [(6, [4, 2, 0]), (6, [2, 1, 3])]
    c = Client()
    c.force_login(tree.town1_cadre)
    page = c.get(reverse("voice:survey_results", args=[s.pk]), {"by": "age_band"}).content.decode()
    assert "45-54" not in page and "35-44" not in page and "25-34" in page
    r = c.get(reverse("voice:survey_export", args=[s.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.iter_rows(values_only=True))
    bands = sorted(str(row[3]) for row in rows[1:])
    assert bands.count("25-34") == 6 and bands.count(g_other_label()) == 6
    assert "45-54" not in bands and "35-44" not in bands


def g_other_label():
    from django.utils.translation import gettext

    return gettext("Other (small groups)")


def test_a_breakdown_with_one_group_above_the_threshold_shows_none(tree):
    s = open_survey(make_survey(tree.district))
    for union, n in ((tree.union1, 5), (tree.union2, 2)):
        for _ in range(n):
            submit_response(actor=None, person=tree.member(union).person, survey=s, answers=answers_for(s))
    # town2 (2) + the next smallest (town1) = everything: no breakdown is shown at all.
    assert all(not i["groups"] for i in selectors.question_results(s, by="town"))
    c = Client()
    c.force_login(tree.district_staff)
    r = c.get(reverse("voice:survey_export", args=[s.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.iter_rows(values_only=True))
    assert {row[1] for row in rows[1:]} == {g_other_label()}
    s.anonymous_results = False
    s.save()
    assert len(selectors.question_results(s, by="town")[0]["groups"]) == 2


def test_history_and_trail_do_not_tie_a_worker_to_answers(tree):
    s = answered(tree)
    event = AuditEvent.objects.filter(action="voice.survey_respond", object_id=str(s.pk)).first()
    assert event is not None and event.actor is None and not event.after  # recorded, unnamed
    c = Client()
    c.force_login(tree.town1_cadre)
    page = c.get(reverse("voice:survey_detail", args=[s.pk])).content.decode()
    assert "member1" not in page and "职工27" not in page
    named = answered(tree, anonymous_results=False, title="实名调查")
    event = AuditEvent.objects.filter(action="voice.survey_respond", object_id=str(named.pk)).first()
    assert event.actor == tree.member_user and "respondent_no" not in (event.after or {})


def test_member_answers_only_surveys_addressed_to_them(tree):
    m = tree.member(tree.union1)
    m.person.account = tree.member_user
    m.person.save()
    mine = open_survey(make_survey(tree.town1))
    elsewhere = open_survey(make_survey(tree.town2))
    draft = make_survey(tree.town1)
    c = Client()
    c.force_login(tree.member_user)
    api = api_as(tree.member_user)
    for s in (elsewhere, draft):
        assert c.get(reverse("voice:my_survey_answer", args=[s.pk])).status_code == 404
        body = {"answers": {str(k): v for k, v in answers_for(s).items()}}
        assert api.post(f"/surveys/{s.pk}/responses", body).status_code == 404
    assert [x["id"] for x in api.get("/my/surveys").json()] == [mine.pk]
    # An account without a member record: 404 too.
    c.force_login(tree.town1_cadre)
    assert c.get(reverse("voice:my_survey_answer", args=[mine.pk])).status_code == 404
