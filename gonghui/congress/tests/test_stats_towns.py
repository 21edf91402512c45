"""The town of the status area's records is the town (or platform) the union sits under, as the
scope and the proposals area place them: an enterprise located in town 1 whose union sits under
the district's industry union is no town-1 cadre's, so the district's town-1 row does not count
it either; it has a row "above town level". Every breakdown still adds up to the total."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from gonghui.congress.deadlines import report_due
from gonghui.congress.models import Proposal, ProposalCategory, ProposalStatus, SessionStatus
from gonghui.congress.selectors import status as selectors
from gonghui.congress.selectors.status import EnterpriseFilters
from gonghui.congress.stats import congress_stats
from gonghui.congress.testing import congress_body, delegates, session
from gonghui.core.testing.factories import EnterpriseFactory, add_org
from gonghui.orgs.models import OrgLevel

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def held(body, on):
    return session(body, number=1, planned_on=on, status=SessionStatus.HELD, held_on=on, entitled=30, present=25,
                   report_due_on=report_due(on))


def submitted(body, on):
    return Proposal.objects.create(org=body.org, body=body, title="提案", category=ProposalCategory.PRODUCTION,
                                   reasons="理由", suggestions="建议", proposer=delegates(body, 3)[0],
                                   status=ProposalStatus.SUBMITTED, submitted_on=on)


@pytest.fixture
def places(tree):
    """enterprise1 (union1 under town1) and a logistics firm located in town1 whose union sits
    under the district's logistics union; each held a congress and has a proposal in 2026."""
    industry_union = add_org(tree.district, "区物流行业工会", OrgLevel.INDUSTRY, code="IND")
    tree.logistics_union = add_org(industry_union, "物流企业工会", OrgLevel.GRASSROOTS, code="UL")
    tree.logistics = EnterpriseFactory(town=tree.town1, union=tree.logistics_union, name="物流企业")
    for union, enterprise in ((tree.union1, tree.enterprise1), (tree.logistics_union, tree.logistics)):
        body = congress_body(org=union, enterprise=enterprise)
        held(body, D(2026, 3, 2))
        submitted(body, D(2026, 3, 5))
    return tree


def test_district_town_row_is_what_the_town_sees(places):
    district = congress_stats(places.district_staff, year=2026)
    town1_own = congress_stats(places.town1_cadre, year=2026).total
    rows = {row.key.pk if row.key else None: row for row in district.by_town}
    town1 = rows[places.town1.pk].figures
    assert (town1.enterprises, town1.held, town1.collected) == (town1_own.enterprises, town1_own.held,
                                                                town1_own.collected) == (1, 1, 1)
    above = rows[None]
    assert above.label == "Above town level"
    assert (above.figures.enterprises, above.figures.held, above.figures.collected) == (1, 1, 1)
    assert district.by_town[-1] is above  # after the towns
    for name in ("enterprises", "held", "collected"):
        assert sum(getattr(row.figures, name) for row in district.by_town) == getattr(district.total, name)


def test_status_summary_and_town_filter_follow_the_union(places):
    user = places.district_staff
    towns = selectors.town_options(user)
    assert [town.pk for town in towns] == [places.town1.pk, places.town2.pk]
    summary = selectors.status_summary(user, EnterpriseFilters(year=2026), towns=towns)
    by_town = {row.town.pk if row.town else None: row.counts for row in summary.by_town}
    assert by_town[places.town1.pk].enterprises == 1 and by_town[None].enterprises == 1
    assert sum(counts.enterprises for counts in by_town.values()) == summary.total.enterprises == 3
    filtered = EnterpriseFilters(year=2026, town=places.town1)
    assert {e.pk for e in selectors.status_queryset(user, filtered)} == {places.enterprise1.pk}
    assert selectors.status_summary(user, filtered, towns=towns).total.enterprises == 1


def test_list_and_export_name_the_unions_town(client, places):
    client.force_login(places.district_staff)
    response = client.get(reverse("congress:status"), {"year": 2026})
    rows = {row.pk: row for row in response.context["page"].items}
    assert rows[places.logistics.pk].place is None and rows[places.enterprise1.pk].place == places.town1
    body = response.content.decode()
    assert "Above town level" in body and f"located in {places.town1.name}" in body
    export = client.get(reverse("congress:status_export"), {"year": 2026})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True)
    towns = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True, min_row=2)}
    assert towns["物流企业"] == "Above town level" and towns[places.enterprise1.name] == places.town1.name
