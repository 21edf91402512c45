"""Permission matrix of the statistics and targets: role × page × in/out of scope. The district
configures the targets; towns and unions see the statistics of their reach and (towns) their own
target; members see nothing; a target out of scope is 404."""

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.training.testing.stats import KnownDataset

pytestmark = pytest.mark.django_db
YEAR = 2026

ROLES = ("district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "member_user")

# role → expected status of: stats page, export, targets list, new target form, edit town1's target,
# edit the district's target.
MATRIX = {
    "district_staff": (200, 200, 200, 200, 200, 200),
    "town1_cadre": (200, 200, 200, 403, 403, 404),
    "town2_cadre": (200, 200, 200, 403, 404, 404),
    "union1_chair": (200, 200, 200, 403, 404, 404),
    "union1_staff": (200, 200, 200, 403, 404, 404),
    "member_user": (403, 403, 403, 403, 404, 404),
}


@pytest.mark.parametrize("role", ROLES)
def test_matrix(tree, role):
    data = KnownDataset(tree, YEAR)
    c = Client()
    c.force_login(getattr(tree, role))
    urls = [reverse("training:stats"), reverse("training:stats_export"), reverse("training:target_list"),
            reverse("training:target_create"), reverse("training:target_edit", args=[data.town1_target.pk]),
            reverse("training:target_edit", args=[data.district_target.pk])]
    assert tuple(c.get(url).status_code for url in urls) == MATRIX[role]


@pytest.mark.parametrize("role", ("town1_cadre", "union1_chair"))
def test_posting_a_target_without_configure_changes_nothing(tree, role):
    data = KnownDataset(tree, YEAR)
    c = Client()
    c.force_login(getattr(tree, role))
    body = {"org": tree.town1.pk, "year": YEAR, "trainees": 99, "person_times": 99, "hours": "1"}
    assert c.post(reverse("training:target_create"), {**body, "year": YEAR + 1}).status_code == 403
    assert c.post(reverse("training:target_edit", args=[data.town1_target.pk]), body).status_code in (403, 404)
    data.town1_target.refresh_from_db()
    assert data.town1_target.trainees == 4


def test_anonymous_is_sent_to_sign_in(tree):
    r = Client().get(reverse("training:stats"))
    assert r.status_code == 302 and "login" in r["Location"]


def test_town_figures_stay_in_the_towns_reach(tree):
    KnownDataset(tree, YEAR)
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(tree.town2_cadre)
    html = c.get(reverse("training:stats"), {"year": YEAR}).content.decode()
    assert "红山职工学校" in html  # p3 (union2) is in course A of that school
    c.force_login(tree.union1_chair)
    html = c.get(reverse("training:target_list")).content.decode()
    assert "No target is set in your reach." in html
