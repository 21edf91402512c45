"""Permission matrix of the appeal statistics: role × page (statistics, workbook, API). Every role
with `voice.view` sees the figures of its reach only; members and outsiders have none (403); an
anonymous visitor is sent to sign in (the API: 401)."""

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.voice.testing.stats import YEAR, KnownDataset

pytestmark = pytest.mark.django_db

# role → (page, export, API, appeals received in the reach in YEAR or None)
MATRIX = {
    "district_staff": (200, 200, 200, 7),
    "town1_cadre": (200, 200, 200, 4),
    "town2_cadre": (200, 200, 200, 2),
    "union1_chair": (200, 200, 200, 3),
    "union1_staff": (200, 200, 200, 3),
    "union2_chair": (200, 200, 200, 1),
    "member_user": (403, 403, 403, None),
    "outsider": (403, 403, 403, None),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_matrix(tree, role):
    KnownDataset(tree)
    user = getattr(tree, role)
    c = Client()
    c.force_login(user)
    page = c.get(reverse("voice:appeal_stats"), {"year": YEAR})
    export = c.get(reverse("voice:appeal_stats_export"), {"year": YEAR})
    api = api_as(user).get("/appeal-stats", {"year": YEAR})
    page_status, export_status, api_status, received = MATRIX[role]
    assert (page.status_code, export.status_code, api.status_code) == (page_status, export_status, api_status)
    if received is not None:
        assert page.context["total"].figures.received == received
        assert api.json()["total"]["received"] == received
        assert ("Export statistics to Excel" in page.content.decode()) or page.context["can_export"]


def test_anonymous_is_sent_to_sign_in(tree):
    for name in ("voice:appeal_stats", "voice:appeal_stats_export"):
        r = Client().get(reverse(name))
        assert r.status_code == 302 and "login" in r["Location"]
    assert api_as(None).get("/appeal-stats").status_code == 401


def test_another_towns_names_never_show(tree):
    KnownDataset(tree)
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(tree.town1_cadre)
    html = c.get(reverse("voice:appeal_stats"), {"year": YEAR, "month": 3}).content.decode()
    assert tree.town2.name not in html and tree.union2.name not in html and tree.enterprise2.name not in html
    assert tree.town1.name in html and tree.enterprise1.name in html
