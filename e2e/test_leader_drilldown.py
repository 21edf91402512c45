"""A leader's drill-down on a desktop, over the demo district (seed_demo --scale small, every
module's records, the year's roll-ups): the district user opens the statistics dashboard, clicks
the bar of town1's town in the chart, then the name of union1's union in the town's table; each
step shows that org's figures, its breadcrumb from the district down, and matches the row it was
reached from. Screenshots of each step go where the layout tours put theirs."""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from gonghui.accounts.models import RoleAssignment
from gonghui.core.demo.accounts import DEMO_PASSWORD
from gonghui.reports.selectors import rollups
from gonghui.reports.testing.rollups import refresh

from .pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def org_of(username):
    return RoleAssignment.objects.select_related("org").get(user__username=username).org


def shot(page, tour_screenshots, name):
    if tour_screenshots is not None:
        page.screenshot(path=str(tour_screenshots / f"drilldown-{name}.png"), full_page=True)


def chart_option(page, chart_id):
    return json.loads(page.locator(f"script#{chart_id}").text_content())


def figure(page):
    """The members tile's value as the page shows it."""
    return page.locator(".kpi .value").first.inner_text().strip()


def test_district_to_town_to_union(page_for, tour_screenshots):
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    year = timezone.localdate().year
    if rollups.last_run(year) is None:  # the roll-ups' demo computes the year; compute it here if not
        refresh(year)
    district, town, union = org_of("district"), org_of("town1"), org_of("union1")

    page = page_for(1280)
    sign_in(page, "district", DEMO_PASSWORD)
    page.goto("/reports/")
    assert district.name in page.locator("h1").inner_text()
    page.wait_for_selector('[data-chart="dashboard-children"] svg')
    shot(page, tour_screenshots, "1-district")

    # Step 1: the town's bar in the chart (bars are drawn largest first; links[i] is bar i).
    option = chart_option(page, "dashboard-children")
    index = next(i for i, link in enumerate(option["links"]) if f"org={town.pk}&" in link)
    town_row = page.locator("#children-table tbody tr", has=page.locator(f'a[href*="org={town.pk}&"]'))
    town_members = town_row.locator("td").first.inner_text().strip()
    bars = page.locator('[data-chart="dashboard-children"] svg path[fill="#b8232f"]')
    assert bars.count() == len(option["links"])
    with page.expect_navigation():
        bars.nth(index).click()
    assert f"org={town.pk}" in page.url
    assert town.name in page.locator("h1").inner_text()
    crumbs = page.locator("nav .breadcrumb li")
    assert [crumbs.nth(i).inner_text() for i in range(crumbs.count())] == [
        district.short_name or district.name, town.short_name or town.name]
    assert figure(page) == town_members  # the town's dashboard says what the district's table said
    shot(page, tour_screenshots, "2-town")

    # Step 2: the union's name in the town's table.
    union_link = page.locator(f'#children-table tbody a[href*="org={union.pk}&"]')
    union_row = page.locator("#children-table tbody tr", has=page.locator(f'a[href*="org={union.pk}&"]'))
    union_members = union_row.locator("td").first.inner_text()
    with page.expect_navigation():
        union_link.click()
    assert union.name in page.locator("h1").inner_text()
    assert crumbs.count() == 3 and crumbs.nth(2).inner_text() == (union.short_name or union.name)
    assert figure(page) == union_members.strip()
    shot(page, tour_screenshots, "3-union")

    # And back up through the breadcrumb.
    with page.expect_navigation():
        crumbs.nth(0).locator("a").click()
    assert district.name in page.locator("h1").inner_text()
