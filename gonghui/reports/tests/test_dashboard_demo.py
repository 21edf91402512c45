"""The dashboards over seed_demo at small scale with every module's real metrics: the demo
accounts each see their top org with figures in several sections, the district's table row of a
town equals that town's own dashboard, and every drill link of a tile answers."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.reports.selectors import rollups
from gonghui.reports.testing.rollups import refresh

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


def test_the_demo_accounts_see_their_dashboards():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    year = timezone.localdate().year
    if rollups.last_run(year) is None:  # the roll-ups' demo refreshes the year; refresh it here if not
        refresh(year)
    users = {u.username: u for u in User.objects.filter(username__in=("district", "town1", "town2", "union1"))}
    boards = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        response = client.get(reverse("reports:dashboard"))
        assert response.status_code == 200, name
        board = boards[name] = response.context["board"]
        assert board.year == year and board.as_of is not None, name
        assert board.figures["members.live"] > 0, name
        nonzero = {t.code for t in board.tiles if t.value not in ("0", "0.00", "—")}
        assert len(nonzero) >= 5, (name, nonzero)
        for tile in board.tiles:
            if tile.url:
                assert client.get(tile.url).status_code == 200, (name, tile.code, tile.url)
        assert client.get(reverse("reports:dashboard_export")).status_code == 200, name
    district = boards["district"]
    assert len(district.rows) >= 3 and district.welfare
    town1 = next(r for r in district.rows if r.org == boards["town1"].org)
    assert town1.figures == boards["town1"].figures
    assert sum(r.figures["members.live"] for r in district.rows) + district.own.figures["members.live"] == \
        district.figures["members.live"]
