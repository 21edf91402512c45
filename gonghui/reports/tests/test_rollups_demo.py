"""seed_demo fills the roll-ups: this year's and last year's figures (trigger SEED), non-zero in
several towns including those of town1 and town2 and in union1, and the pages show them."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.orgs.models import Org, OrgLevel
from gonghui.reports.models.rollups import RollupRun, RollupStatus, RollupTrigger
from gonghui.reports.selectors import rollups as selectors

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


def test_the_small_demo():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    runs = list(RollupRun.objects.order_by("year"))
    assert [(r.year, r.trigger, r.status) for r in runs] == [
        (THIS_YEAR - 1, RollupTrigger.SEED, RollupStatus.DONE), (THIS_YEAR, RollupTrigger.SEED, RollupStatus.DONE)]
    assert all(r.rows > 0 for r in runs)
    district = User.objects.get(username="district")
    root = Org.objects.get(depth=1)
    towns = [t for t, f in selectors.children_figures(root, THIS_YEAR)
             if t.level == OrgLevel.TOWN and f["members.live"] and f["orgs.unions"]]
    assert len(towns) >= 3
    for name in ("town1", "town2", "union1"):
        user = User.objects.get(username=name)
        top = Org.objects.visible_to(user, "reports.view").order_by("depth", "path").first()
        f = selectors.figures(top, THIS_YEAR)
        assert f["members.live"] > 0 and f["orgs.enterprises"] > 0, name
        assert sum(1 for v in f.values() if v) >= 10, name
    whole = selectors.figures(root, THIS_YEAR)
    for code in ("bargaining.agreements", "congress.sessions", "innovation.suggestions", "grassroots.liaison_visits"):
        assert whole[code] > 0, code
    c = Client()
    c.force_login(district)
    assert c.get(reverse("reports:rollup_list")).status_code == 200
    assert c.get(reverse("reports:rollup_detail", args=[runs[-1].pk])).status_code == 200
