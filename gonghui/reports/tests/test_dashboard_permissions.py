"""Who may open which dashboard: role × action (page, export, API, refresh) × org in or out of
the user's subtree. Out of the subtree answers 404 like a missing org; a user with no reach at
all (a member, an account without a role) 403."""

import re

import pytest
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import UserFactory
from gonghui.reports.testing.dashboard import YEAR, known_figures

pytestmark = pytest.mark.django_db

ORGS = ("district", "town1", "union1", "town2", "union2")
# role attribute of the Tree → the orgs it may open (all others: 404); None: no reach (403 everywhere)
REACH = {
    "district_staff": set(ORGS),
    "town1_cadre": {"town1", "union1"},
    "union1_chair": {"union1"},
    "union1_staff": {"union1"},
    "member_user": None,
    "outsider": None,
}
DEFAULT_ORG = {"district_staff": "district", "town1_cadre": "town1", "union1_chair": "union1",
               "union1_staff": "union1"}


@pytest.fixture
def known(tree):
    with known_figures(tree):
        yield tree


def expected(role, org):
    reach = REACH[role]
    if reach is None:
        return 403
    return 200 if org in reach else 404


@pytest.mark.parametrize("role", list(REACH))
@pytest.mark.parametrize("org", ORGS)
def test_page_and_export(known, client, role, org):
    user = getattr(known, role)
    client.force_login(user)
    query = f"?org={getattr(known, org).pk}&year={YEAR}"
    assert client.get(reverse("reports:dashboard") + query).status_code == expected(role, org)
    export = client.get(reverse("reports:dashboard_export") + query)
    assert export.status_code == expected(role, org)


@pytest.mark.parametrize("role", list(REACH))
@pytest.mark.parametrize("org", ORGS)
def test_api(known, role, org):
    response = api_as(getattr(known, role)).get("/reports/dashboard", {"org": getattr(known, org).pk, "year": YEAR})
    assert response.status_code == expected(role, org), response.content


@pytest.mark.parametrize("role", list(REACH))
def test_default_org_is_the_top_of_the_reach(known, client, role):
    client.force_login(getattr(known, role))
    response = client.get(reverse("reports:dashboard"))
    if REACH[role] is None:
        assert response.status_code == 403
        assert api_as(getattr(known, role)).get("/reports/dashboard").status_code == 403
        return
    assert response.context["board"].org == getattr(known, DEFAULT_ORG[role])
    api = api_as(getattr(known, role)).get("/reports/dashboard")
    assert api.json()["org"]["id"] == getattr(known, DEFAULT_ORG[role]).pk


@pytest.mark.parametrize("role", list(REACH))
def test_refresh_is_for_district_staff_only(known, client, role):
    client.force_login(getattr(known, role))
    response = client.post(reverse("reports:dashboard_refresh"), {"year": YEAR})
    assert response.status_code == (302 if role == "district_staff" else 403)


def test_superuser_reaches_everything(known, client):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("reports:dashboard")).context["board"].org == known.district
    for org in ORGS:
        assert client.get(reverse("reports:dashboard"), {"org": getattr(known, org).pk}).status_code == 200
    assert client.post(reverse("reports:dashboard_refresh"), {"year": YEAR}).status_code == 302


def test_anonymous(known, client):
    assert client.get(reverse("reports:dashboard")).status_code == 302
    assert client.get(reverse("reports:dashboard_export")).status_code == 302
    assert client.post(reverse("reports:dashboard_refresh")).status_code == 302
    assert client.get("/api/v1/reports/dashboard").status_code == 401


def test_out_of_scope_and_missing_answer_the_same(known, client):
    client.force_login(known.town1_cadre)
    api = api_as(known.town1_cadre)
    hidden = api.get("/reports/dashboard", {"org": known.town2.pk})
    missing = api.get("/reports/dashboard", {"org": 987654})
    assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()
    page_hidden = client.get(reverse("reports:dashboard"), {"org": known.town2.pk})
    page_missing = client.get(reverse("reports:dashboard"), {"org": 987654})
    assert page_hidden.status_code == page_missing.status_code == 404
    def body(response):  # what the page says (its head and menus carry a fresh CSRF token and the URL)
        return re.search(rb"<main.*</main>", response.content, re.S).group(0)

    assert body(page_hidden) == body(page_missing)
