"""The layout tour (see test_layout_tour.py) of the annual statistics report: the district's report
(all industries, one industry, a bad filter), a town's and a union's as the district sees them,
and each user's own (town1, union1), at 1280 and 390 px, on the reconciliation dataset
(testing.annual.KnownDistrict: records of 2025 in every module, so every section has figures)."""

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import Tree
from gonghui.orgs.models import Industry
from gonghui.reports.testing.annual import RECONCILIATION_YEAR, KnownDistrict
from gonghui.reports.testing.rollups import refresh

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = RECONCILIATION_YEAR


def pages(tree):
    url = reverse("reports:annual")
    return [
        ("district", [
            ("ra-district", f"{url}?year={YEAR}"),
            ("ra-industry", f"{url}?year={YEAR}&industry={Industry.TEXTILES}"),
            ("ra-town1", f"{url}?year={YEAR}&org={tree.town1.pk}"),
            ("ra-union1", f"{url}?year={YEAR}&org={tree.union1.pk}"),
            ("ra-bad", f"{url}?year=abc&industry=NOPE"),
        ]),
        ("town1", [("ra-town1-own", f"{url}?year={YEAR}")]),
        ("union1", [("ra-union1-own", f"{url}?year={YEAR}")]),
    ]


def test_reports_annual_layout_tour(browser, live_server, tour_screenshots):
    tree = Tree()
    KnownDistrict(tree)
    refresh(YEAR)
    problems = walk(browser, live_server, pages(tree), tour_screenshots)
    assert not problems, "\n".join(problems)
