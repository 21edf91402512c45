"""Committees permission matrix: role × action × in / out of scope, over the API, the pages and
the `seat_committee` service.

c1 belongs to union1 (town1), c2 to union2 (town2). Out of scope is always the one 404 (pages
and API), anonymous 401 on the API and a redirect to sign in on pages; visible but not allowed
is 403 (a chair seating a committee: `grassroots.approve` is the town's and the district's).
Members and outsiders hold no grassroots role: they see nothing."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.grassroots.models import Committee
from gonghui.grassroots.services import committees as services
from gonghui.grassroots.testing.committees import committee, members_list

pytestmark = pytest.mark.django_db
USERS = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider", None]
IN1 = {"district_staff": 200, "town1_cadre": 200, "union1_chair": 200, "union1_staff": 200, "*": 404}
IN2 = {"district_staff": 200, "town2_cadre": 200, "union2_chair": 200, "*": 404}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def build_world(tree):
    tree.c1 = committee(tree.union1, elected_on=datetime.date(2022, 1, 10))
    tree.c2 = committee(tree.union2, elected_on=datetime.date(2022, 1, 10))
    return tree


# Built once per module with the shared tree (conftest.SharedTree), re-read for each test.
SHARED_WORLD = build_world


@pytest.fixture
def world(tree):
    return tree


def created(expected):
    return {k: 201 if v == 200 else v for k, v in expected.items()}


def record_body(union):
    return {"org": union.pk, "elected_on": "2025-01-10", "term_years": 5,
            "members": [{"name": "新主席", "position": "CHAIR"}, {"name": "新委员", "position": "MEMBER"}]}


API_ACTIONS = {
    "list": (lambda t, c: c.get("/committees"), {"*": 200}),
    "summary": (lambda t, c: c.get("/committees/summary"), {"*": 200}),
    "detail_c1": (lambda t, c: c.get(f"/committees/{t.c1.pk}"), IN1),
    "detail_c2": (lambda t, c: c.get(f"/committees/{t.c2.pk}"), IN2),
    "record_union1": (lambda t, c: c.post("/committees", record_body(t.union1)), {**created(IN1), "*": 400}),
    "record_union2": (lambda t, c: c.post("/committees", record_body(t.union2)), {**created(IN2), "*": 400}),
}


def _state():
    return sorted(Committee.objects.values_list("pk", "status", "updated_at"))


@pytest.mark.parametrize("who", USERS, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize("action", list(API_ACTIONS))
def test_api_matrix(world, action, who):
    request, expected = API_ACTIONS[action]
    user = getattr(world, who) if who else None
    before = _state()
    response = request(world, api_as(user))
    want = 401 if who is None else expected.get(who, expected["*"])
    assert response.status_code == want, (action, who, response.content)
    data = response.json()
    if want == 404:
        assert data == {"code": "not_found", "message": data["message"], "field": None, "errors": []}
    if want == 400:
        assert (data["code"], data["field"]) == ("unknown_reference", "org")
    if want >= 400:
        assert _state() == before
    if action == "list" and who in ("member_user", "outsider"):
        assert data["count"] == 0
    if action == "list" and who == "union2_chair":
        assert [i["id"] for i in data["items"]] == [world.c2.pk]
    if action == "summary" and who == "town1_cadre":
        assert data["none"] == 1   # union1b


PAGE_ACTIONS = {
    "list": (lambda t: reverse("grassroots:committee_list"),
             {"member_user": 403, "outsider": 403, "*": 200}),
    "export": (lambda t: reverse("grassroots:committee_export"),
               {"member_user": 403, "outsider": 403, "*": 200}),
    "detail_c1": (lambda t: reverse("grassroots:committee_detail", args=[t.c1.pk]), IN1),
    "detail_c2": (lambda t: reverse("grassroots:committee_detail", args=[t.c2.pk]), IN2),
    "union1": (lambda t: reverse("grassroots:union_committees", args=[t.union1.pk]), IN1),
    "record_union1": (lambda t: reverse("grassroots:committee_record", args=[t.union1.pk]), IN1),
    "record_union2": (lambda t: reverse("grassroots:committee_record", args=[t.union2.pk]), IN2),
    "choose": (lambda t: reverse("grassroots:committee_record_choose"),
               {"member_user": 403, "outsider": 403, "*": 200}),
}


@pytest.mark.parametrize("who", USERS, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize("action", list(PAGE_ACTIONS))
def test_page_matrix(client, world, action, who):
    url, expected = PAGE_ACTIONS[action]
    if who:
        client.force_login(getattr(world, who))
    response = client.get(url(world))
    want = 302 if who is None else expected.get(who, expected["*"])
    assert response.status_code == want, (action, who)


def test_record_post_out_of_scope_is_404_and_saves_nothing(client, world):
    client.force_login(world.union1_chair)
    response = client.post(reverse("grassroots:committee_record", args=[world.union2.pk]),
                           {"elected_on": "2025-01-10", "term_years": "5", "chair": "某人"})
    assert response.status_code == 404
    assert Committee.objects.filter(org=world.union2).count() == 1


# seat_committee: `grassroots.approve` on the union. Chairs and staff see their union but may not
# seat (403); cadres of another town and members do not reach it (refused too).
SEAT = {"district_staff": True, "town1_cadre": True, "town2_cadre": False, "union1_chair": False,
        "union1_staff": False, "union2_chair": False, "member_user": False, "outsider": False}


@pytest.mark.parametrize("who", list(SEAT))
def test_seat_committee_matrix(world, who):
    user = getattr(world, who)
    call = {"actor": user, "union": world.union1, "elected_on": datetime.date(2025, 1, 10), "term_years": 5,
            "members": members_list(3), "source": "ELECTION"}
    if SEAT[who]:
        assert services.seat_committee(**call).term_number == 2
    else:
        with pytest.raises(PermissionDenied):
            services.seat_committee(**call)
        world.c1.refresh_from_db()
        assert world.c1.is_current and Committee.objects.filter(org=world.union1).count() == 1


def test_chair_gets_403_on_a_visible_union_the_api_cannot_seat(world, client):
    """Visible but not allowed: the union1 chair sees c1 (200) yet may not seat a committee."""
    client.force_login(world.union1_chair)
    assert client.get(reverse("grassroots:committee_detail", args=[world.c1.pk])).status_code == 200
    with pytest.raises(PermissionDenied):
        services.seat_committee(actor=world.union1_chair, union=world.union1, elected_on=datetime.date(2025, 1, 1),
                                term_years=3, members=members_list(1), source="FOUNDING")
