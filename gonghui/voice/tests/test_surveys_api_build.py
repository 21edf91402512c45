"""/surveys building through the API: create a draft, edit it, add and remove questions, open, a
member answers, close — the refusals with their codes and fields (the services' rules), scope
(404 outside, 400 `unknown_reference` for an org out of reach), Idempotency-Key, audit, and the
users without voice.change."""

import datetime

import pytest

from gonghui.accounts.roles import ROLE_GRANTS, Role
from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.voice.models.surveys import Survey, SurveyStatus
from gonghui.voice.testing.surveys import answers_for, make_survey, open_survey

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def body(org, **extra):
    return {"org": org.pk, "title": "职工需求调查", "intro": "请如实填写", "opens_on": str(TODAY),
            "closes_on": str(TODAY + datetime.timedelta(days=7)), **extra}


def actions_of(survey):
    return list(AuditEvent.objects.filter(object_id=str(survey.pk), action__startswith="voice.survey_")
                .order_by("id").values_list("action", flat=True))


def test_build_open_answer_close(tree):
    api = api_as(tree.town1_cadre)
    r = api.post("/surveys", body(tree.town1, target_orgs=[tree.union1.pk], industries=["MANUFACTURING"],
                                  anonymous_results=False, audience="WORKERS"))
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["status"] == "DRAFT" and d["org"]["id"] == tree.town1.pk and d["questions"] == []
    assert [o["id"] for o in d["target_orgs"]] == [tree.union1.pk] and d["industries"] == ["MANUFACTURING"]
    assert d["anonymous_results"] is False and d["audience"] == "WORKERS"
    assert d["actions"] == {"edit": True, "open": True, "close": False, "export": True}
    sid = d["id"]

    r = api.patch(f"/surveys/{sid}", {"title": "职工需求调查（2026）", "target_orgs": [], "industries": [],
                                      "audience": "MEMBERS"})
    assert r.status_code == 200, r.content
    d = r.json()
    assert d["title"] == "职工需求调查（2026）" and d["target_orgs"] == [] and d["industries"] == []
    assert d["intro"] == "请如实填写" and d["anonymous_results"] is False  # fields not sent are kept

    r = api.post(f"/surveys/{sid}/questions", {"kind": "SINGLE", "text": "您最关心的问题是？",
                                               "options": ["工资收入", "劳动安全"]})
    assert r.status_code == 201, r.content
    r = api.post(f"/surveys/{sid}/questions", {"kind": "SCALE", "text": "满意度", "scale_max": 5})
    assert r.status_code == 201
    r = api.post(f"/surveys/{sid}/questions", {"kind": "TEXT", "text": "删掉这题", "required": False})
    questions = r.json()["questions"]
    assert [(q["order"], q["kind"]) for q in questions] == [(1, "SINGLE"), (2, "SCALE"), (3, "TEXT")]
    assert [o["text"] for o in questions[0]["options"]] == ["工资收入", "劳动安全"]
    assert questions[1]["scale_max"] == 5 and questions[2]["required"] is False
    r = api.delete(f"/surveys/{sid}/questions/{questions[2]['id']}")
    assert r.status_code == 200 and len(r.json()["questions"]) == 2
    assert api.delete(f"/surveys/{sid}/questions/{questions[2]['id']}").status_code == 404

    r = api.post(f"/surveys/{sid}/open", {})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "OPEN" and r.json()["actions"]["close"] is True

    m = tree.member(tree.union1)
    m.person.account = tree.member_user
    m.person.save()
    member = api_as(tree.member_user)
    assert [x["id"] for x in member.get("/my/surveys").json()] == [sid]
    single, scale = questions[0], questions[1]
    r = member.post(f"/surveys/{sid}/responses",
                    {"answers": {str(single["id"]): single["options"][1]["id"], str(scale["id"]): 4}})
    assert r.status_code == 201, r.content

    r = api.post(f"/surveys/{sid}/close", {})
    assert r.status_code == 200 and r.json()["status"] == "CLOSED" and r.json()["response_count"] == 1
    assert api.post(f"/surveys/{sid}/close", {}).json()["code"] == "wrong_stage"
    results = api.get(f"/surveys/{sid}/results").json()
    assert results["questions"][0]["counts"] == [0, 1] and results["questions"][1]["average"] == 4

    s = Survey.objects.get(pk=sid)
    assert actions_of(s) == ["voice.survey_create", "voice.survey_update", "voice.survey_question_add",
                             "voice.survey_question_add", "voice.survey_question_add",
                             "voice.survey_question_remove", "voice.survey_open", "voice.survey_respond",
                             "voice.survey_close"]


def test_create_is_idempotent_with_a_key(tree):
    api = api_as(tree.town1_cadre)
    first = api.post("/surveys", body(tree.town1), **{"Idempotency-Key": "k-1"})
    again = api.post("/surveys", body(tree.town1), **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json() and Survey.objects.count() == 1
    assert api.post("/surveys", body(tree.town1, title="别的"), **{"Idempotency-Key": "k-1"}).status_code == 422


def test_bad_input_answers_400_with_code_and_field(tree):
    api = api_as(tree.town1_cadre)

    def refused(r, code, field):
        assert r.status_code == 400, r.content
        assert (r.json()["code"], r.json()["field"]) == (code, field)

    refused(api.post("/surveys", body(tree.town1, title=" ")), "required", "title")
    refused(api.post("/surveys", body(tree.town1, closes_on=str(TODAY - datetime.timedelta(days=1)))),
            "date_order", "closes_on")
    refused(api.post("/surveys", body(tree.town1, target_orgs=[tree.union2.pk])), "unknown_reference",
            "target_orgs")  # out of the caller's reach
    refused(api_as(tree.district_staff).post("/surveys", body(tree.town1, target_orgs=[tree.union2.pk])),
            "out_of_subtree", "target_orgs")  # in reach, not under the owner
    assert api.post("/surveys", body(tree.town1, audience="EVERYONE")).status_code == 422
    assert api.post("/surveys", body(tree.town1, industries=["NOPE"])).status_code == 422
    assert Survey.objects.count() == 0

    sid = api.post("/surveys", body(tree.town1)).json()["id"]
    refused(api.post(f"/surveys/{sid}/open", {}), "no_questions", None)
    refused(api.post(f"/surveys/{sid}/questions", {"kind": "SINGLE", "text": "选一个", "options": ["只有一个"]}),
            "too_few_options", "options")
    refused(api.post(f"/surveys/{sid}/questions", {"kind": "MULTI", "text": "多选", "options": ["甲", " "]}),
            "too_few_options", "options")
    refused(api.post(f"/surveys/{sid}/questions", {"kind": "SCALE", "text": "打分", "scale_max": 7}),
            "invalid_scale", "scale_max")
    refused(api.post(f"/surveys/{sid}/questions", {"kind": "TEXT", "text": ""}), "required", "text")
    assert api.post(f"/surveys/{sid}/questions", {"kind": "TEXT", "text": "x", "extra": 1}).status_code == 422
    assert Survey.objects.get(pk=sid).questions.count() == 0

    assert api.post(f"/surveys/{sid}/questions", {"kind": "TEXT", "text": "建议"}).status_code == 201
    past = str(TODAY - datetime.timedelta(days=1))
    r = api.patch(f"/surveys/{sid}", {"opens_on": str(TODAY - datetime.timedelta(days=10)), "closes_on": past})
    assert r.status_code == 200
    refused(api.post(f"/surveys/{sid}/open", {}), "closed_date", "closes_on")
    refused(api.patch(f"/surveys/{sid}", {"closes_on": str(TODAY - datetime.timedelta(days=20))}),
            "date_order", "closes_on")
    assert Survey.objects.get(pk=sid).status == SurveyStatus.DRAFT


def test_out_of_scope_org_and_survey(tree):
    api = api_as(tree.town1_cadre)
    r = api.post("/surveys", body(tree.town2))
    assert r.status_code == 400 and (r.json()["code"], r.json()["field"]) == ("unknown_reference", "org")
    r = api_as(tree.union1_chair).post("/surveys", body(tree.town1))  # above the union: out of reach
    assert r.status_code == 400 and r.json()["field"] == "org"
    assert api.post("/surveys", body(tree.union1)).status_code == 201  # below the town: in reach

    s = make_survey(tree.town2)
    q = s.questions.first()
    other = api_as(tree.town2_cadre)
    for r in (api.patch(f"/surveys/{s.pk}", {"title": "改"}),
              api.post(f"/surveys/{s.pk}/questions", {"kind": "TEXT", "text": "补充"}),
              api.delete(f"/surveys/{s.pk}/questions/{q.pk}"),
              api.post(f"/surveys/{s.pk}/open", {}),
              api.post(f"/surveys/{s.pk}/close", {})):
        assert r.status_code == 404, r.content
    s.refresh_from_db()
    assert s.title == "职工需求调查" and s.questions.count() == 4 and s.status == SurveyStatus.DRAFT
    assert actions_of(s) == []
    # A question of another survey is not found under this one.
    mine = make_survey(tree.town1)
    assert api.delete(f"/surveys/{mine.pk}/questions/{q.pk}").status_code == 404
    assert other.delete(f"/surveys/{s.pk}/questions/{q.pk}").status_code == 200


def test_editing_after_answers_is_refused(tree):
    s = open_survey(make_survey(tree.town1))
    m = tree.member(tree.union1)
    m.person.account = tree.member_user
    m.person.save()
    answers = {str(k): v for k, v in answers_for(s).items()}
    assert api_as(tree.member_user).post(f"/surveys/{s.pk}/responses", {"answers": answers}).status_code == 201
    api = api_as(tree.town1_cadre)
    q = s.questions.first()
    assert api.get(f"/surveys/{s.pk}").json()["actions"]["edit"] is False
    for r in (api.patch(f"/surveys/{s.pk}", {"title": "改"}),
              api.post(f"/surveys/{s.pk}/questions", {"kind": "TEXT", "text": "补充"}),
              api.delete(f"/surveys/{s.pk}/questions/{q.pk}"),
              api.post(f"/surveys/{s.pk}/open", {})):
        assert r.status_code == 409 and r.json()["code"] == "wrong_stage", r.content
    # Even a draft with answers (put back by hand) cannot change.
    Survey.objects.filter(pk=s.pk).update(status=SurveyStatus.DRAFT)
    r = api.patch(f"/surveys/{s.pk}", {"title": "改"})
    assert r.status_code == 400 and r.json()["code"] == "answered"
    r = api.delete(f"/surveys/{s.pk}/questions/{q.pk}")
    assert r.status_code == 400 and r.json()["code"] == "answered"
    s.refresh_from_db()
    assert s.title == "职工需求调查" and s.questions.count() == 4


def test_users_without_voice_change_are_refused(tree, monkeypatch):
    s = make_survey(tree.union1)
    q = s.questions.first()
    member = api_as(tree.member_user)
    assert member.post("/surveys", body(tree.union1)).status_code == 403
    for r in (member.patch(f"/surveys/{s.pk}", {"title": "改"}),
              member.post(f"/surveys/{s.pk}/questions", {"kind": "TEXT", "text": "补充"}),
              member.delete(f"/surveys/{s.pk}/questions/{q.pk}"),
              member.post(f"/surveys/{s.pk}/open", {})):
        assert r.status_code == 404
    assert api_as(tree.outsider).post("/surveys", body(tree.union1)).status_code == 403

    # Union staff who may see the union's surveys but not change them.
    monkeypatch.setitem(ROLE_GRANTS, Role.UNION_STAFF, ("*.view",))
    staff = api_as(tree.union1_staff)
    assert staff.get(f"/surveys/{s.pk}").status_code == 200
    assert staff.get(f"/surveys/{s.pk}").json()["actions"] == {"edit": False, "open": False, "close": False,
                                                              "export": False}
    r = staff.post("/surveys", body(tree.union1))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    for r in (staff.patch(f"/surveys/{s.pk}", {"title": "改"}),
              staff.post(f"/surveys/{s.pk}/questions", {"kind": "TEXT", "text": "补充"}),
              staff.delete(f"/surveys/{s.pk}/questions/{q.pk}"),
              staff.post(f"/surveys/{s.pk}/open", {})):
        assert r.status_code == 403, r.content
    s.refresh_from_db()
    assert s.status == SurveyStatus.DRAFT and s.questions.count() == 4 and actions_of(s) == []
    open_survey(s)
    assert staff.post(f"/surveys/{s.pk}/close", {}).status_code == 403
    assert Survey.objects.get(pk=s.pk).status == SurveyStatus.OPEN
    monkeypatch.undo()
    assert api_as(tree.union1_staff).post(f"/surveys/{s.pk}/close", {}).status_code == 200
