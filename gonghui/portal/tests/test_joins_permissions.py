"""Permission matrix of join requests: role × action (list, page, decide, export) × a request in or
out of the user's subtree — a union-routed request of union1 and a town-routed one of town1.
Out of scope answers 404 exactly like a missing record; no role answers 403 on the list. Plus the
worker's own pages (only their own request), and query counts of the list page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.portal.models.joins import JoinStatus
from gonghui.portal.testing.joins import join_request, worker

pytestmark = pytest.mark.django_db

# user → (sees union1's request, sees town1's request)
SEES = {
    "district_staff": (True, True),
    "town1_cadre": (True, True),
    "town2_cadre": (False, False),
    "union1_chair": (True, False),
    "union1_staff": (True, False),
    "union2_chair": (False, False),
    "member_user": (False, False),
    "outsider": (False, False),
}
NO_ROLE = ("member_user", "outsider")


def _requests(tree):
    by_union = join_request(enterprise=tree.enterprise1, name="甲乙丙")
    by_town = join_request(enterprise=EnterpriseFactory(town=tree.town1, union=None), name="丁戊己")
    return {0: by_union, 1: by_town}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("who", SEES)
def test_list_and_page(tree, who):
    requests = _requests(tree)
    c = _client(getattr(tree, who))
    listing = c.get(reverse("portal:join_list"))
    if who in NO_ROLE:
        assert listing.status_code == 403
    else:
        body = listing.content.decode()
        assert listing.status_code == 200
        assert ("甲乙丙" in body) == SEES[who][0] and ("丁戊己" in body) == SEES[who][1]
    for index, j in requests.items():
        page = c.get(reverse("portal:join_detail", args=[j.pk]))
        assert page.status_code == (200 if SEES[who][index] else 404)
    missing = c.get(reverse("portal:join_detail", args=[999999]))
    assert missing.status_code == 404


@pytest.mark.parametrize("who", SEES)
@pytest.mark.parametrize("index", [0, 1])
def test_decide(tree, who, index):
    j = _requests(tree)[index]
    c = _client(getattr(tree, who))
    response = c.post(reverse("portal:join_reject", args=[j.pk]), {"reject-reason": "材料不全"})
    if SEES[who][index]:
        assert response.status_code == 302
        j.refresh_from_db()
        assert j.status == JoinStatus.REJECTED
    else:
        assert response.status_code == 404
        j.refresh_from_db()
        assert j.status == JoinStatus.PENDING


@pytest.mark.parametrize("who", SEES)
def test_export(tree, who):
    _requests(tree)
    c = _client(getattr(tree, who))
    response = c.get(reverse("portal:join_export"))
    assert response.status_code == (403 if who in NO_ROLE else 200)
    outside = c.get(reverse("portal:join_export"), {"org": tree.union2.pk})
    reaches_union2 = ("district_staff", "town2_cadre", "union2_chair")
    assert outside.status_code == (403 if who in NO_ROLE else 200 if who in reaches_union2 else 404)


def test_a_worker_sees_only_their_own_request(tree):
    mine_user, other_user = worker(), worker()
    mine = join_request(account=mine_user, enterprise=tree.enterprise1, name="我的申请")
    join_request(account=other_user, enterprise=tree.enterprise1, name="别人的申请")
    c = _client(mine_user)
    body = c.get(reverse("portal:my_join")).content.decode()
    assert "我的申请" in body and "别人的申请" not in body
    assert c.get(reverse("portal:join_list")).status_code == 403
    assert c.get(reverse("portal:join_detail", args=[mine.pk])).status_code == 404
    # pages need a login
    anonymous = Client()
    for name in ("portal:join_new", "portal:my_join", "portal:my_transfer_new", "portal:join_list"):
        assert anonymous.get(reverse(name)).status_code == 302


def test_the_list_page_costs_the_same_queries_for_more_rows(tree):
    for _i in range(3):
        join_request(enterprise=tree.enterprise1)
    c = _client(tree.town1_cadre)
    c.get(reverse("portal:join_list"))
    with CaptureQueriesContext(connection) as few:
        assert c.get(reverse("portal:join_list")).status_code == 200
    for _i in range(20):
        join_request(enterprise=EnterpriseFactory(town=tree.town1, union=None))
    with CaptureQueriesContext(connection) as many:
        assert c.get(reverse("portal:join_list")).status_code == 200
    assert len(many) == len(few) <= 14, [q["sql"] for q in many.captured_queries]
