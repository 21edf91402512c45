"""The layout tour (see test_layout_tour.py) of the statistics dashboard: the district's, a town's
and a union's dashboard (with a group below it) at 1280 and 390 px, with made-up figures for every
metric of the real registry over six towns of unions, so every tile, chart and table is filled; a
chosen chart figure, a ratio, an industry, a sorted table, a search with no match and bad filters."""

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.testing.factories import Tree, add_org
from gonghui.orgs.models import OrgLevel
from gonghui.reports.testing.dashboard import made_up_figures

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOWNS = ("蜀山街道总工会", "新塘街道总工会", "瓜沥镇总工会", "经济技术开发区工会")


def build(tree):
    """Four more towns with four to seven unions each, and a group in union1: the orgs that hold
    the made-up figures."""
    holders = [tree.union1, tree.union1b, tree.union2, add_org(tree.union1, "一车间工会小组", OrgLevel.GROUP)]
    for t, name in enumerate(TOWNS):
        level = OrgLevel.PLATFORM if "开发区" in name else OrgLevel.TOWN
        town = add_org(tree.district, name, level)
        holders += [add_org(town, f"{name[:2]}第{u + 1}家企业工会", OrgLevel.GRASSROOTS) for u in range(4 + t)]
    return holders


def pages(tree, year):
    url = reverse("reports:dashboard")
    return [
        ("district", [
            ("rd-district", f"{url}?year={year}"),
            ("rd-metric-welfare", f"{url}?year={year}&metric=welfare.spend_total"),
            ("rd-metric-rate", f"{url}?year={year}&metric=members.rate&sort=-members.rate"),
            ("rd-industry", f"{url}?year={year}&industry=TEXTILES"),
            ("rd-search-none", f"{url}?year={year}&q=没有这个组织"),
            ("rd-bad", f"{url}?year=abc&industry=NOPE&metric=nope"),
            ("rd-town1-by-district", f"{url}?org={tree.town1.pk}&year={year}"),
        ]),
        ("town1", [("rd-town1", url)]),
        ("union1", [("rd-union1", url)]),
    ]


def test_reports_dashboard_layout_tour(browser, live_server, tour_screenshots):
    tree = Tree()
    year = timezone.localdate().year
    with made_up_figures(build(tree), year):
        problems = walk(browser, live_server, pages(tree, year), tour_screenshots)
    assert not problems, "\n".join(problems)
