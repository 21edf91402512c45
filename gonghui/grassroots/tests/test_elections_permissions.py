"""Permission matrix of elections, API and pages: role × action × in / out of scope.

The election belongs to union1 (town1). Out of scope answers the one 404 (as missing), a visible
election the role may not act on 403, anonymous 401 (API) or the login redirect (pages).
Preparing and recording steps: the union's chair and staff and the cadres above (`change`);
approvals: town cadres and the district only (`approve`)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.grassroots.models import ElectionStatus
from gonghui.grassroots.testing.elections import DAY, election_at

pytestmark = pytest.mark.django_db
S = ElectionStatus
D = DAY.isoformat()
USERS = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider", None]

IN_SCOPE = {"district_staff": 200, "town1_cadre": 200, "union1_chair": 200, "union1_staff": 200, None: 401, "*": 404}
APPROVERS = {"district_staff": 200, "town1_cadre": 200, "union1_chair": 403, "union1_staff": 403, None: 401, "*": 404}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _expect(table, who):
    return table.get(who, table["*"])


def _user(tree, who):
    return getattr(tree, who) if who else None


def _election(tree, status):
    return election_at(status, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1, seats=1)


ACTIONS = [
    # (name, stage, method, path suffix, body, expected table)
    ("detail", S.DRAFT, "get", "", None, IN_SCOPE),
    ("add candidate", S.DRAFT, "post", "/candidates", {"name": "新人"}, IN_SCOPE),
    ("submit plan", S.DRAFT, "post", "/submit-plan", {"submitted_on": D}, IN_SCOPE),
    ("approve plan", S.PLAN_SUBMITTED, "post", "/approve-plan", {"approved_on": D}, APPROVERS),
    ("return plan", S.PLAN_SUBMITTED, "post", "/return-plan", {"returned_on": D, "reason": "补材料"}, APPROVERS),
    ("meeting", S.PLAN_APPROVED, "post", "/meeting", {"held_on": D, "present": 5}, IN_SCOPE),
    ("approve result", S.RESULT_SUBMITTED, "post", "/approve-result", {"approved_on": D}, APPROVERS),
    ("cancel", S.DRAFT, "post", "/cancel", {"cancelled_on": D, "reason": "改期"}, IN_SCOPE),
]


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize(("name", "stage", "method", "suffix", "body", "table"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_api_matrix(tree, who, name, stage, method, suffix, body, table):
    election = _election(tree, stage)
    client = api_as(_user(tree, who))
    path = f"/elections/{election.pk}{suffix}"
    response = client.get(path) if method == "get" else client.post(path, body)
    assert response.status_code == _expect(table, who), (who, name, response.content)
    election.refresh_from_db()
    if response.status_code != 200 and method == "post":
        assert election.status == stage  # nothing changed


@pytest.mark.parametrize("who", USERS)
def test_api_create_matrix(tree, who):
    from gonghui.grassroots.testing.elections import add_members

    add_members(tree.union1, 5)
    body = {"union": tree.union1.pk, "electorate": "MEMBERS", "seats": 1, "term_years": 3, "planned_meeting_on": D}
    response = api_as(_user(tree, who)).post("/elections", body)
    expected = {"district_staff": 201, "town1_cadre": 201, "union1_chair": 201, "union1_staff": 201, None: 401}
    # out of scope (or no role): the union is not one the caller may use
    assert response.status_code == expected.get(who, 400), (who, response.content)


PAGES = [("election_detail", S.DRAFT, IN_SCOPE), ("election_candidates", S.DRAFT, IN_SCOPE),
         ("approve-plan", S.PLAN_SUBMITTED, APPROVERS), ("meeting", S.PLAN_APPROVED, IN_SCOPE),
         ("approve-result", S.RESULT_SUBMITTED, APPROVERS)]


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize(("page", "stage", "table"), PAGES, ids=[p[0] for p in PAGES])
def test_page_matrix(client, tree, who, page, stage, table):
    election = _election(tree, stage)
    if who:
        client.force_login(_user(tree, who))
    url = (reverse(f"grassroots:{page}", args=[election.pk]) if page.startswith("election_")
           else reverse("grassroots:election_step", args=[election.pk, page]))
    response = client.get(url)
    expected = _expect(table, who)
    if expected == 401:
        assert response.status_code == 302 and "login" in response["Location"]
    else:
        assert response.status_code == expected, (who, page)
