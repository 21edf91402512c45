"""Who may do what with the roll-up refreshes, pages and API alike (role × action).

Runs belong to no org (one refresh computes the whole tree), so there is no in/out-of-scope
split for them: viewing needs `reports.view` somewhere, exporting `reports.export`, refreshing
`reports.refresh` (district staff and superusers only). The figures themselves are read through
the dashboards and the annual report, which fetch the org through the user's scope first; the
last test checks the scope the figures' callers rely on."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.testing.api import api_as
from gonghui.orgs.models import Org
from gonghui.reports.models.rollups import RollupRun, RollupTrigger
from gonghui.reports.testing.rollups import refresh

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year

# role → (view, export, refresh)
MATRIX = {
    "district_staff": (True, True, True),
    "superuser": (True, True, True),
    "town1_cadre": (True, True, False),
    "union1_chair": (True, True, False),
    "union1_staff": (True, True, False),
    "member_user": (False, False, False),
    "outsider": (False, False, False),
}


def user_of(tree, role):
    if role == "superuser":
        return User.objects.create_superuser("root", password="x-pass-2026-long")
    return getattr(tree, role)


@pytest.mark.parametrize("role", MATRIX)
def test_pages(tree, role, django_capture_on_commit_callbacks):
    view, export, may_refresh = MATRIX[role]
    run = refresh(THIS_YEAR)
    c = Client()
    c.force_login(user_of(tree, role))
    expected = 200 if view else 403
    assert c.get(reverse("reports:rollup_list")).status_code == expected
    assert c.get(reverse("reports:rollup_detail", args=[run.pk])).status_code == expected
    assert c.get(reverse("reports:rollup_export")).status_code == (200 if export else 403)
    with django_capture_on_commit_callbacks(execute=True):
        posted = c.post(reverse("reports:rollup_refresh"), {"year": THIS_YEAR})
    assert posted.status_code == (302 if may_refresh else 403)
    assert RollupRun.objects.filter(trigger=RollupTrigger.ON_DEMAND).exists() == may_refresh


@pytest.mark.parametrize("role", MATRIX)
def test_api(tree, role, django_capture_on_commit_callbacks):
    view, _export, may_refresh = MATRIX[role]
    run = refresh(THIS_YEAR)
    api = api_as(user_of(tree, role))
    assert api.get("/reports/rollups").status_code == (200 if view else 403)
    assert api.get(f"/reports/rollups/{run.pk}").status_code == (200 if view else 403)
    with django_capture_on_commit_callbacks(execute=True):
        posted = api.post("/reports/rollups/refresh", {"year": THIS_YEAR})
    assert posted.status_code == (202 if may_refresh else 403)
    if not may_refresh:
        assert posted.json()["code"] == "forbidden"


def test_anonymous(tree):
    assert Client().get(reverse("reports:rollup_list")).status_code == 302  # to the login page
    assert Client().post(reverse("reports:rollup_refresh"), {"year": THIS_YEAR}).status_code == 302
    assert api_as(None).get("/reports/rollups").status_code == 401
    assert api_as(None).post("/reports/rollups/refresh", {"year": THIS_YEAR}).status_code == 401


@pytest.mark.parametrize("role, inside, outside", [
    ("town1_cadre", ["town1", "union1", "union1b"], ["district", "town2", "union2"]),
    ("union1_chair", ["union1"], ["town1", "union1b", "union2"]),
    ("district_staff", ["district", "town1", "town2", "union1", "union2"], []),
])
def test_the_scope_figures_are_read_through(tree, role, inside, outside):
    """Callers fetch the org with `Org.objects.visible_to(user, "reports.view")`: in scope for the
    subtree, missing (404 to the user) outside it."""
    user = getattr(tree, role)
    visible = set(Org.objects.visible_to(user, "reports.view").values_list("pk", flat=True))
    assert {getattr(tree, n).pk for n in inside} <= visible
    assert not {getattr(tree, n).pk for n in outside} & visible
