"""Permission matrix of skills contests: role × action × in scope / out of scope.

A district contest and a town1 contest: organisers change and publish (district staff; town1's
cadre for the town's), unions register their own workers (chairs and staff; the district), town
cadres do not register. Services refuse with PermissionDenied and change nothing; pages and the
API answer 404 out of scope and 403 in scope without the right."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.competitions.models.contests import ContestEntry, ContestStatus, SkillContest
from gonghui.competitions.services import contests as services
from gonghui.competitions.testing.contests import contest, contest_input, held_in_past, register, trade
from gonghui.core.testing.api import api_as

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
TOWN_ORGANISERS = {"district_staff", "town1_cadre"}
ALLOWED = {
    "create_town": TOWN_ORGANISERS,
    "open_town": TOWN_ORGANISERS,
    "edit_town": TOWN_ORGANISERS,
    "close_town": TOWN_ORGANISERS,
    "cancel_town": TOWN_ORGANISERS,
    "register_union1": {"district_staff", "union1_chair", "union1_staff"},
    "withdraw_union1": {"district_staff", "union1_chair", "union1_staff"},
    "scores_town": TOWN_ORGANISERS,
    "publish_town": TOWN_ORGANISERS,
    "publish_enterprise": {"district_staff", "town1_cadre", "union1_chair", "union1_staff"},
    "configure": {"district_staff"},
}


def _closed(tree, org, actor):
    c = contest(tree, ContestStatus.OPEN, org=org, actor=actor)
    (e,) = register(tree, c)
    services.close_registration(actor=actor, contest=c)
    services.record_scores(actor=actor, contest=c, scores={e.pk: {"theory": 80, "practical": 80}})
    return held_in_past(c)


SETUP = {
    "create_town": lambda t: None,
    "open_town": lambda t: contest(t, ContestStatus.DRAFT, org=t.town1, actor=t.town1_cadre),
    "edit_town": lambda t: contest(t, org=t.town1, actor=t.town1_cadre),
    "close_town": lambda t: contest(t, org=t.town1, actor=t.town1_cadre),
    "cancel_town": lambda t: contest(t, org=t.town1, actor=t.town1_cadre),
    "register_union1": lambda t: contest(t, org=t.town1, actor=t.town1_cadre),
    "withdraw_union1": lambda t: register(t, contest(t, org=t.town1, actor=t.town1_cadre))[0],
    "scores_town": lambda t: _scores_ready(t),
    "publish_town": lambda t: _closed(t, t.town1, t.town1_cadre),
    "publish_enterprise": lambda t: _closed(t, t.union1, t.union1_chair),
    "configure": lambda t: None,
}


def _scores_ready(t):
    c = contest(t, org=t.town1, actor=t.town1_cadre)
    (e,) = register(t, c)
    services.close_registration(actor=t.town1_cadre, contest=c)
    return e


CALLS = {
    "create_town": lambda u, x, t: services.create_contest(actor=u, org=t.town1, data=contest_input(
        trade(t.district_staff))),
    "open_town": lambda u, x, t: services.open_registration(actor=u, contest=x),
    "edit_town": lambda u, x, t: services.update_contest(actor=u, contest=x, data=contest_input(
        x.trade, capacity=50)),
    "close_town": lambda u, x, t: services.close_registration(actor=u, contest=x),
    "cancel_town": lambda u, x, t: services.cancel_contest(actor=u, contest=x, reason="场地原因"),
    "register_union1": lambda u, x, t: services.register_entrant(actor=u, contest=x, person=t.member().person),
    "withdraw_union1": lambda u, x, t: services.withdraw_entry(actor=u, entry=x),
    "scores_town": lambda u, x, t: services.record_scores(actor=u, contest=x.contest, scores={
        x.pk: {"theory": 60, "practical": 60}}),
    "publish_town": lambda u, x, t: services.publish_results(actor=u, contest=x),
    "publish_enterprise": lambda u, x, t: services.publish_results(actor=u, contest=x),
    "configure": lambda u, x, t: services.save_trade(actor=u, code="NEW", name="新工种"),
}


@pytest.mark.parametrize("action", list(CALLS))
def test_service_matrix(tree, action):
    trade(tree.district_staff)
    for role in ROLES:  # a fresh record per role: an allowed call moves it on
        target = SETUP[action](tree)
        user = getattr(tree, role)
        counts = (SkillContest.objects.count(), ContestEntry.objects.count())
        states = sorted(SkillContest.objects.values_list("pk", "status"))
        if role in ALLOWED[action]:
            assert CALLS[action](user, target, tree) is not None, role
        else:
            with pytest.raises(PermissionDenied):
                CALLS[action](user, target, tree)
            assert (SkillContest.objects.count(), ContestEntry.objects.count()) == counts, role
            assert sorted(SkillContest.objects.values_list("pk", "status")) == states, role


# who sees a town1 contest: the district, town1, and town1's unions (they may register workers)
VIEWERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}


def test_pages_404_out_of_scope_403_when_visible(tree):
    for role in ROLES:
        c = _closed(tree, tree.town1, tree.town1_cadre)
        client = Client()
        client.force_login(getattr(tree, role))
        detail = client.get(reverse("competitions:contest_detail", args=[c.pk]))
        publish = client.post(reverse("competitions:contest_step", args=[c.pk, "publish"]),
                              {"publish-published_on": services.today().isoformat()})
        if role in VIEWERS:
            assert detail.status_code == 200, role
            assert publish.status_code == (302 if role in TOWN_ORGANISERS else 403), role
        elif role in ("member_user", "outsider"):  # no competitions.view anywhere: refused outright
            assert detail.status_code in (403, 404) and publish.status_code in (403, 404), role
        else:
            assert detail.status_code == 404 and publish.status_code == 404, role
        expected = ContestStatus.PUBLISHED if role in TOWN_ORGANISERS else ContestStatus.CLOSED
        assert SkillContest.objects.get(pk=c.pk).status == expected, role


def test_api_404_out_of_scope_403_when_visible(tree):
    for role in ROLES:
        c = contest(tree, ContestStatus.DRAFT, org=tree.town1, actor=tree.town1_cadre)
        api = api_as(getattr(tree, role))
        get = api.get(f"/skill-contests/{c.pk}")
        opened = api.post(f"/skill-contests/{c.pk}/open", {})
        if role in VIEWERS:
            assert get.status_code == 200, role
            assert opened.status_code == (200 if role in TOWN_ORGANISERS else 403), role
        else:
            assert get.status_code == 404 and opened.status_code == 404, role
