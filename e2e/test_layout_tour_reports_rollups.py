"""The layout tour (see test_layout_tour.py) of the roll-up refreshes: the list as the district
(with the refresh form), filtered, with unreadable filters, a run page done and one failed (with
its error), and the list of a town cadre, at 1280 and 390 px."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.testing.factories import Tree
from gonghui.reports.models.rollups import RollupRun, RollupStatus, RollupTrigger
from gonghui.reports.testing.rollups import refresh

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build(tree):
    year = timezone.localdate().year
    for union in (tree.union1, tree.union1b, tree.union2):
        for _ in range(3):
            tree.member(union)
    refresh(year - 1, trigger=RollupTrigger.SEED)
    done = refresh(year, trigger=RollupTrigger.SCHEDULED)
    now = timezone.now()
    failed = RollupRun.objects.create(
        year=year, trigger=RollupTrigger.ON_DEMAND, status=RollupStatus.FAILED, requested_by=tree.district_staff,
        started_at=now - datetime.timedelta(seconds=3), finished_at=now, seconds=2.71,
        error="OperationalError: could not obtain lock on relation \"reports_rollup\" after waiting 20 seconds "
              "(another refresh of the same year was running)")
    RollupRun.objects.create(year=year, trigger=RollupTrigger.ON_DEMAND, status=RollupStatus.QUEUED,
                             requested_by=tree.district_staff)
    return done, failed


def pages(done, failed):
    url = reverse("reports:rollup_list")
    return [
        ("district", [
            ("ru-list", url),
            ("ru-failed", f"{url}?status=FAILED"),
            ("ru-bad", f"{url}?year=1900&status=NOPE"),
            ("ru-done", reverse("reports:rollup_detail", args=[done.pk])),
            ("ru-error", reverse("reports:rollup_detail", args=[failed.pk])),
        ]),
        ("town1", [("ru-town1", url)]),
    ]


def test_reports_rollups_layout_tour(browser, live_server, tour_screenshots):
    tree = Tree()
    done, failed = build(tree)
    problems = walk(browser, live_server, pages(done, failed), tour_screenshots)
    assert not problems, "\n".join(problems)
