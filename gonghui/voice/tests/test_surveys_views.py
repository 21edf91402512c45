"""Survey pages: the member answers on the phone (one response, "已提交" after), the results page
draws one chart per question, the export is anonymised; and the API."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.voice.models.surveys import QuestionKind, SurveyResponse
from gonghui.voice.testing.surveys import answers_for, make_survey, open_survey

pytestmark = pytest.mark.django_db


def member_client(tree, union=None):
    m = tree.member(union or tree.union1, name="王小红")
    m.person.account = tree.member_user
    m.person.save()
    c = Client()
    c.force_login(tree.member_user)
    return c, m.person


def post_data(s, **kw):
    data = {}
    for k, v in answers_for(s, **kw).items():
        data[f"q{k}"] = v
    return data


def test_member_answers_once(tree):
    c, person = member_client(tree)
    s = open_survey(make_survey(tree.town1))
    page = c.get(reverse("voice:my_surveys"))
    assert s.title in page.content.decode()
    url = reverse("voice:my_survey_answer", args=[s.pk])
    bad = post_data(s)
    scale = s.questions.get(kind=QuestionKind.SCALE)
    bad[f"q{scale.pk}"] = ""
    r = c.post(url, bad)
    assert r.status_code == 400 and not SurveyResponse.objects.exists()
    assert c.post(url, post_data(s)).status_code == 302
    again = c.get(url)
    assert "已提交" in again.content.decode()
    c.post(url, post_data(s))
    assert SurveyResponse.objects.filter(survey=s, person=person).count() == 1


def test_member_cannot_open_a_survey_not_addressed_to_them(tree):
    c, _person = member_client(tree)
    other = open_survey(make_survey(tree.town2))
    assert c.get(reverse("voice:my_survey_answer", args=[other.pk])).status_code == 404
    assert c.post(reverse("voice:my_survey_answer", args=[other.pk]), post_data(other)).status_code == 404


def test_results_page_charts_and_breakdown(tree):
    s = open_survey(make_survey(tree.town1, anonymous_results=False))
    from gonghui.voice.services.surveys import submit_response

    for _ in range(2):
        submit_response(actor=None, person=tree.member(tree.union1).person, survey=s, answers=answers_for(s))
    c = Client()
    c.force_login(tree.town1_cadre)
    for by in ("", "town", "industry", "age_band"):
        r = c.get(reverse("voice:survey_results", args=[s.pk]), {"by": by})
        body = r.content.decode()
        assert r.status_code == 200
        assert body.count('data-chart="survey-q') == 3  # single, multi, scale; text is listed
        assert "希望多组织培训" in body


def test_export_is_anonymised_and_audited(tree):
    s = open_survey(make_survey(tree.town1))
    from gonghui.voice.services.surveys import submit_response

    m = tree.member(tree.union1, name="李秘密")
    submit_response(actor=None, person=m.person, survey=s, answers=answers_for(s))
    c = Client()
    c.force_login(tree.town1_cadre)
    r = c.get(reverse("voice:survey_export", args=[s.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    cells = [str(v) for row in book.active.iter_rows(values_only=True) for v in row if v is not None]
    text = " ".join(cells)
    assert "李秘密" not in text and m.person.id_number_masked not in text and m.person.phone_masked not in text
    assert tree.union1.name not in text
    assert "希望多组织培训" in text and "工资收入" in text
    assert list(book.active.iter_rows(values_only=True))[1][0] == 1  # respondent no.
    assert AuditEvent.objects.filter(action="voice.survey_export", object_id=str(s.pk)).exists()


def test_create_and_build_through_pages(tree):
    c = Client()
    c.force_login(tree.town1_cadre)
    r = c.post(reverse("voice:survey_create"), {"org": tree.town1.pk, "title": "新调查", "opens_on": "2026-01-01",
                                                "closes_on": "2025-12-01", "audience": "MEMBERS"})
    assert r.status_code == 400 and "closes_on" in r.context["form"].errors
    r = c.post(reverse("voice:survey_create"), {"org": tree.town1.pk, "title": "新调查", "opens_on": "2026-01-01",
                                                "closes_on": "2026-12-01", "audience": "MEMBERS",
                                                "target_orgs": [tree.union2.pk]})
    assert r.status_code == 400  # union2 is outside town1's reach
    r = c.post(reverse("voice:survey_create"), {"org": tree.town1.pk, "title": "新调查", "opens_on": "2026-01-01",
                                                "closes_on": "2026-12-01", "audience": "MEMBERS",
                                                "target_orgs": [tree.union1.pk]})
    assert r.status_code == 302
    detail = r["Location"]
    pk = int(detail.rstrip("/").split("/")[-1])
    r = c.post(reverse("voice:survey_question_add", args=[pk]),
               {"question-kind": "SINGLE", "question-text": "选择", "question-options": "只有一个"})
    assert r.status_code == 400 and "options" in r.context["question_form"].errors
    r = c.post(reverse("voice:survey_question_add", args=[pk]),
               {"question-kind": "SINGLE", "question-text": "选择", "question-options": "甲\n乙",
                "question-required": "on"})
    assert r.status_code == 302
    assert c.get(detail).status_code == 200


def test_api_list_detail_results_and_response(tree):
    s = open_survey(make_survey(tree.town1))
    m = tree.member(tree.union1)
    m.person.account = tree.member_user
    m.person.save()
    cadre = api_as(tree.town1_cadre)
    assert [x["id"] for x in cadre.get("/surveys").json()["items"]] == [s.pk]
    detail = cadre.get(f"/surveys/{s.pk}").json()
    assert len(detail["questions"]) == 4
    member = api_as(tree.member_user)
    assert member.get("/my/surveys").json()[0]["answered"] is False
    body = {"answers": {str(k): v for k, v in answers_for(s).items()}}
    r = member.post(f"/surveys/{s.pk}/responses", body)
    assert r.status_code == 201 and r.json()["respondent_no"] == 1
    assert member.post(f"/surveys/{s.pk}/responses", body).status_code == 409
    bad = {"answers": {str(s.questions.get(kind="SCALE").pk): 9}}
    other = open_survey(make_survey(tree.town1, title="第二个"))
    r = member.post(f"/surveys/{other.pk}/responses", bad)
    assert r.status_code == 400
    results = cadre.get(f"/surveys/{s.pk}/results", {"by": "town"}).json()
    assert results["response_count"] == 1 and results["questions"][0]["counts"] == [1, 0, 0]
    assert api_as(tree.town2_cadre).get(f"/surveys/{s.pk}/results").status_code == 404
    assert member.get(f"/surveys/{s.pk}").status_code == 404
    texts = cadre.get(f"/surveys/{s.pk}/text-answers", {"question": s.questions.get(kind="TEXT").pk}).json()
    assert texts["items"][0]["text"] == "希望多组织培训"
