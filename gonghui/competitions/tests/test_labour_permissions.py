"""Permission matrix of labour competitions: role × action × organiser (district, town1, union1),
in and out of scope, through the services, the pages and the API.

Organising steps need `competitions.change` on the organiser; evidence `competitions.submit` on the
team's union (or change on the organiser); finishing and awards `competitions.approve` on the
organiser — except for an enterprise union's own competition, where union chairs (who hold no
approve) publish with `.change`. A refusal raises PermissionDenied and changes nothing; a record
out of the user's subtree is 404 on pages and the API, a visible one the user may not act on 403."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from gonghui.competitions.models.labour import CompetitionStatus, LabourCompetition
from gonghui.competitions.services import labour as services
from gonghui.competitions.testing.labour import competition, running, team
from gonghui.core.testing.api import api_as

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
UNION1 = {"union1_chair", "union1_staff"}
ORGANISERS = {"district": {"district_staff"}, "town1": {"district_staff", "town1_cadre"},
              "union1": {"district_staff", "town1_cadre"} | UNION1}
TEAMS = {"district": [("union1", "甲"), ("union1b", "乙"), ("union2", "丙")],
         "town1": [("union1", "甲"), ("union1b", "乙")], "union1": [("union1", "甲"), ("union1", "乙")]}
ROUND = ({"甲": 90, "乙": 80},)


class Rollback(Exception):
    pass


def _build(tree, where, stage):
    org = getattr(tree, where)
    actor = tree.district_staff
    teams = [(getattr(tree, o), n) for o, n in TEAMS[where]]
    if stage == "planned":
        return competition(tree, org=org, actor=actor, teams=teams)
    rounds = ROUND if stage in ("closed", "finished") else ()
    if where == "district":
        rounds = tuple({**r, "丙": 70} for r in rounds)
    c = running(tree, org=org, actor=actor, teams=teams, rounds=rounds)
    if stage == "finished":
        services.finish_competition(actor=actor, competition=c, finished_on=datetime.date(2026, 11, 30))
    return LabourCompetition.objects.select_related("org").get(pk=c.pk)


PDF = b"%PDF-1.4\n%test\n"
ACTIONS = {  # action: (stage to build, call, who may besides the organisers (None: organisers only))
    "criteria": ("planned", lambda u, c: services.set_criteria(actor=u, competition=c, criteria=[
        services.CriterionInput("A", "甲", 60), services.CriterionInput("B", "乙", 40)]), None),
    "start": ("planned", lambda u, c: services.start_competition(actor=u, competition=c), None),
    "open_round": ("running", lambda u, c: services.open_round(
        actor=u, competition=c, label="1月", period_starts_on=datetime.date(2026, 1, 1),
        period_ends_on=datetime.date(2026, 1, 31), judges=["王"]), None),
    "finish": ("closed", lambda u, c: services.finish_competition(actor=u, competition=c), None),
    "award": ("finished", lambda u, c: services.confer_award(actor=u, competition=c, kind="TEAM",
                                                             team=team(c, "甲"), title="先进集体"), None),
    "add_team": ("planned", lambda u, c: services.add_team(actor=u, competition=c, org=c.org, name="新队"), None),
    "cancel": ("running", lambda u, c: services.cancel_competition(actor=u, competition=c, reason="停工"), None),
    "evidence": ("running", lambda u, c: services.add_evidence(actor=u, team=team(c, "甲"),
                                                               upload=SimpleUploadedFile("a.pdf", PDF)), UNION1),
}


@pytest.mark.parametrize("where", list(ORGANISERS))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_service_matrix(tree, where, action):
    stage, call, extra = ACTIONS[action]
    c = _build(tree, where, stage)
    allowed = ORGANISERS[where] | (extra or set())
    for role in ROLES:
        user = getattr(tree, role)
        before = LabourCompetition.objects.get(pk=c.pk).status
        if role in allowed:
            with pytest.raises(Rollback), transaction.atomic():
                assert call(user, c) is not None
                raise Rollback
        else:
            with pytest.raises(PermissionDenied):
                call(user, c)
        assert LabourCompetition.objects.get(pk=c.pk).status == before, role


VIEWERS_TOWN1 = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}


@pytest.mark.parametrize("role", ROLES)
def test_pages_404_out_of_scope_403_when_visible(tree, role):
    c = _build(tree, "town1", "closed")
    client = Client()
    client.force_login(getattr(tree, role))
    detail = client.get(reverse("competitions:competition_detail", args=[c.pk]))
    finish = client.post(reverse("competitions:competition_step", args=[c.pk, "finish"]),
                         {"finish-finished_on": "2026-11-30"})
    if role in VIEWERS_TOWN1:
        assert detail.status_code == 200
        assert finish.status_code == (302 if role in ORGANISERS["town1"] else 403)
    else:
        assert detail.status_code == 404 and finish.status_code == 404
    expected = CompetitionStatus.FINISHED if role in ORGANISERS["town1"] else CompetitionStatus.RUNNING
    assert LabourCompetition.objects.get(pk=c.pk).status == expected


@pytest.mark.parametrize("role", ROLES)
def test_api_404_out_of_scope_403_when_visible(tree, role):
    c = _build(tree, "town1", "closed")
    api = api_as(getattr(tree, role))
    get = api.get(f"/competitions/{c.pk}")
    finish = api.post(f"/competitions/{c.pk}/finish", {"finished_on": "2026-11-30"})
    if role in VIEWERS_TOWN1:
        assert get.status_code == 200
        assert finish.status_code == (200 if role in ORGANISERS["town1"] else 403)
    else:
        assert get.status_code == 404 and finish.status_code == 404


def test_a_team_union_sees_the_district_competition_but_not_another_town_s(tree):
    district = _build(tree, "district", "planned")
    town1 = competition(tree, org=tree.town1, actor=tree.town1_cadre, name="城厢街道竞赛",
                        teams=[(tree.union1, "甲"), (tree.union1b, "乙")])
    seen = set(LabourCompetition.objects.visible_to(tree.union2_chair).values_list("pk", flat=True))
    assert district.pk in seen and town1.pk not in seen
    assert not LabourCompetition.objects.visible_to(tree.member_user).exists()
