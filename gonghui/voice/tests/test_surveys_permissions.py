"""Permission matrix of surveys: every page and action × district staff, town1/town2 cadres, union1
chair/staff, union2 chair, member, outsider, anonymous — for a survey of town1 and one of union1.
Out of the owner's subtree: 404 on pages and API, PermissionDenied in the services; members and
outsiders have no cadre role (403 on the lists, 404 on records)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.voice.models.surveys import QuestionKind, Survey, SurveyStatus
from gonghui.voice.services import surveys as services
from gonghui.voice.testing.surveys import make_survey

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider", "anonymous"]
REACH = {"town1": {"district_staff", "town1_cadre"},
         "union1": {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}}


def user_of(tree, role):
    return None if role == "anonymous" else getattr(tree, role)


@pytest.mark.parametrize("owner", ["town1", "union1"])
@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, role, owner):
    user = user_of(tree, role)
    s = make_survey(getattr(tree, owner))
    actions = {
        "add": lambda: services.add_question(actor=user, survey=s, kind=QuestionKind.TEXT, text="补充"),
        "open": lambda: services.open_survey(actor=user, survey=s),
        "close": lambda: services.close_survey(actor=user, survey=s),
        "export": lambda: services.export_answers(actor=user, survey=s),
    }
    for name, run in actions.items():
        if role in REACH[owner]:
            run()
        else:
            with pytest.raises(PermissionDenied):
                run()
            assert Survey.objects.get(pk=s.pk).status == SurveyStatus.DRAFT, name


@pytest.mark.parametrize("owner", ["town1", "union1"])
@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api(tree, role, owner):
    user = user_of(tree, role)
    s = make_survey(getattr(tree, owner))
    c = Client()
    if user is not None:
        c.force_login(user)
    codes = {
        "detail": c.get(reverse("voice:survey_detail", args=[s.pk])).status_code,
        "edit": c.get(reverse("voice:survey_edit", args=[s.pk])).status_code,
        "results": c.get(reverse("voice:survey_results", args=[s.pk])).status_code,
        "add": c.post(reverse("voice:survey_question_add", args=[s.pk]),
                      {"question-kind": "TEXT", "question-text": "补充问题"}).status_code,
        "open": c.post(reverse("voice:survey_step", args=[s.pk, "open"])).status_code,
        "export": c.get(reverse("voice:survey_export", args=[s.pk])).status_code,
    }
    listing = c.get(reverse("voice:survey_list")).status_code
    list_export = c.get(reverse("voice:survey_list_export")).status_code
    create = c.get(reverse("voice:survey_create")).status_code
    if user is None:
        assert all(code == 302 for code in codes.values()) and listing == 302
        assert api_as(None).get(f"/surveys/{s.pk}").status_code == 401
        return
    api = api_as(user).get(f"/surveys/{s.pk}").status_code
    if role in REACH[owner]:
        assert codes == {"detail": 200, "edit": 200, "results": 200, "add": 302, "open": 302, "export": 200}, role
        assert api == 200
        assert Survey.objects.get(pk=s.pk).status == SurveyStatus.OPEN
    else:
        assert set(codes.values()) == {404}, (role, codes)
        assert api == 404
        assert Survey.objects.get(pk=s.pk).status == SurveyStatus.DRAFT
    cadre = role not in ("member_user", "outsider")
    assert (listing, list_export, create) == ((200, 200, 200) if cadre else (403, 403, 403)), role


@pytest.mark.parametrize("role", ROLES)
def test_member_pages_need_a_linked_person(tree, role):
    user = user_of(tree, role)
    c = Client()
    if user is not None:
        c.force_login(user)
    code = c.get(reverse("voice:my_surveys")).status_code
    assert code == (302 if user is None else 404)  # nobody here is linked to a registry person
