"""The layout tour (see test_layout_tour.py) of the appeal statistics: the page of the district
(the year, a month, a category, a bad filter), of town1 and of union1, at 1280 and 390 px, with
appeals of every month so far of this year in several towns, categories and states (and a few of
last year), so every table, chart and top-issue list has rows."""

import datetime
import random

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import Tree
from gonghui.voice.models.appeals import AppealCategory, AppealStatus
from gonghui.voice.testing.stats import appeal

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build(tree):
    """About 80 appeals: this year up to today and December of last year, closed on time or late,
    rated, re-opened, withdrawn, open and overdue, named enterprises (registered or typed)."""
    rng = random.Random(10)
    today = datetime.date.today()
    places = [(tree.union1, tree.town1), (tree.union1b, tree.town1), (tree.union2, tree.town2),
              (tree.town2, tree.town2), (tree.district, None)]
    firms = [(tree.enterprise1, ""), (tree.enterprise2, ""), (None, "某某餐饮店"), (None, "城东物流园")]
    for i in range(80):
        org, town = places[i % len(places)]
        received = today - datetime.timedelta(days=rng.randrange(0, 400))
        enterprise, typed = firms[i % len(firms)]
        kind = i % 6
        kwargs = {}
        if kind in (0, 1, 2):
            closed = min(today, received + datetime.timedelta(days=rng.randrange(0, 20)))
            kwargs = {"closed": closed, "on_time": kind != 2, "satisfaction": rng.randint(2, 5) if kind else None,
                      "reopened": i % 11 == 0}
        elif kind == 3:
            kwargs = {"status": AppealStatus.WITHDRAWN}
        else:
            kwargs = {"status": AppealStatus.HANDLING, "due": received + datetime.timedelta(days=14)}
        appeal(org, town=town, category=AppealCategory.values[i % len(AppealCategory.values)], received=received,
               enterprise=enterprise, enterprise_name=typed, **kwargs)


def pages():
    url = reverse("voice:appeal_stats")
    year = datetime.date.today().year
    return [
        ("district", [
            ("vs-year", f"{url}?year={year}"),
            ("vs-month", f"{url}?year={year}&month={datetime.date.today().month}"),
            ("vs-category", f"{url}?year={year}&category={AppealCategory.values[0]}"),
            ("vs-last-year", f"{url}?year={year - 1}"),
            ("vs-bad", f"{url}?year=abc&month=13&category=NOPE"),
        ]),
        ("town1", [("vs-town1", url)]),
        ("union1", [("vs-union1", url)]),
    ]


def test_voice_stats_layout_tour(browser, live_server, tour_screenshots):
    tree = Tree()
    build(tree)
    problems = walk(browser, live_server, pages(), tour_screenshots)
    assert not problems, "\n".join(problems)
