"""Appeal metrics (reports.metrics.voice) on the appeal statistics' known dataset
(voice.testing.stats.KnownDataset): the right counts per holding org, other years and days after
as_of left out, the local-day boundary of the year, the same totals as the statistics page, the
ratios, the drill links, one query."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from gonghui.reports import metrics
from gonghui.reports.metrics import voice
from gonghui.voice.selectors.stats import appeal_stats
from gonghui.voice.testing.stats import YEAR, KnownDataset, appeal

pytestmark = pytest.mark.django_db

END = datetime.date(YEAR, 12, 31)


def values(year=YEAR, as_of=END):
    out = {}
    for org_id, code, value in voice.provide(year, as_of):
        assert (org_id, code) not in out, "one value per org and metric"
        out[org_id, code] = value
    return out


def of(vals, org):
    return {code.removeprefix("voice."): v for (org_id, code), v in vals.items() if org_id == org.pk}


@pytest.fixture
def data(tree):
    return KnownDataset(tree)


def test_each_holding_org_gets_its_appeals_of_the_year(tree, data):
    v = values()
    assert of(v, tree.union1) == {"appeals_received": 3, "appeals_closed": 2, "appeals_on_time": 1,
                                  "satisfaction_count": 2, "satisfaction_sum": 8, "satisfied": 1}
    assert of(v, tree.town2) == {"appeals_received": 1, "appeals_closed": 1, "appeals_on_time": 1,
                                 "satisfaction_count": 1, "satisfaction_sum": 4, "satisfied": 1}
    assert of(v, tree.union2) == {"appeals_received": 1}  # still being handled
    assert of(v, tree.union1b) == {"appeals_received": 1}  # withdrawn: received, never closed
    assert of(v, tree.district) == {"appeals_received": 1}
    assert of(v, tree.town1) == {}  # nothing held at the town itself


def test_other_years_are_left_out(tree, data):
    # a7 was received on 30 December of the year before and closed in January: it belongs there.
    assert of(values(YEAR - 1, datetime.date(YEAR - 1, 12, 31)), tree.union1) == {
        "appeals_received": 1, "appeals_closed": 1, "appeals_on_time": 1}
    assert values(YEAR + 1, datetime.date(YEAR + 1, 12, 31)) == {}


def test_appeals_received_after_as_of_are_not_counted(tree, data):
    v = values(as_of=datetime.date(YEAR, 3, 3))  # a1 and a2 on 3 March, a4 and a5 in February
    assert {(org_id, code): n for (org_id, code), n in v.items() if code == "voice.appeals_received"} == {
        (tree.union1.pk, "voice.appeals_received"): 2, (tree.district.pk, "voice.appeals_received"): 1,
        (tree.union1b.pk, "voice.appeals_received"): 1}
    assert values(as_of=datetime.date(YEAR - 1, 6, 1)) == {}  # a year not begun on as_of


def test_the_year_ends_at_local_midnight(tree):
    tz = timezone.get_current_timezone()
    late = appeal(tree.union2, received=datetime.date(YEAR, 12, 31))
    late.received_at = datetime.datetime(YEAR, 12, 31, 23, 30, tzinfo=tz)  # 15:30 UTC
    late.save(update_fields=["received_at"])
    early = appeal(tree.union2, received=datetime.date(YEAR + 1, 1, 1))
    early.received_at = datetime.datetime(YEAR + 1, 1, 1, 0, 10, tzinfo=tz)  # still 31 December in UTC
    early.save(update_fields=["received_at"])
    assert values()[tree.union2.pk, "voice.appeals_received"] == 1
    assert values(YEAR + 1, datetime.date(YEAR + 1, 12, 31))[tree.union2.pk, "voice.appeals_received"] == 1


def test_totals_agree_with_the_appeal_statistics_page(tree, data):
    totals = {}
    for (_org, code), n in values().items():
        totals[code] = totals.get(code, 0) + n
    page = appeal_stats(tree.district_staff, year=YEAR).total.figures
    assert (totals["voice.appeals_received"], totals["voice.appeals_closed"], totals["voice.appeals_on_time"],
            totals["voice.satisfaction_count"]) == (page.received, page.closed, page.on_time, page.rated)
    ratios = {r.code: r.value(totals) for r in metrics.all_ratios() if r.section == "voice"}
    assert ratios == {"voice.on_time_rate": Decimal("66.7"), "voice.satisfaction": Decimal("4.00"),
                      "voice.satisfied_rate": Decimal("66.7")}
    assert page.as_dict()["average_satisfaction"] == ratios["voice.satisfaction"]
    assert page.as_dict()["satisfied_rate"] == ratios["voice.satisfied_rate"]


def test_ratios_without_a_denominator_are_none():
    assert {r.code: r.value({}) for r in voice.RATIOS} == {
        "voice.on_time_rate": None, "voice.satisfaction": None, "voice.satisfied_rate": None}


def test_one_grouped_query(tree, data, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(voice.provide(YEAR, END))


def test_the_contract_codes_are_registered():
    codes = {m.code for m in metrics.all_metrics()}
    assert {"voice.appeals_received", "voice.appeals_closed", "voice.appeals_on_time", "voice.satisfaction_sum",
            "voice.satisfaction_count"} <= codes
    assert not metrics.metric("voice.satisfaction_sum").shown and not metrics.metric("voice.satisfaction_count").shown
    ratio = {r.code: r for r in metrics.all_ratios()}["voice.satisfaction"]
    assert (ratio.percent, ratio.decimals) == (False, 2)


def test_drill_links_open_the_filtered_appeal_list(tree, data, client):
    client.force_login(tree.town1_cadre)
    url = metrics.metric("voice.appeals_on_time").drill(tree.town1, YEAR)
    query = parse_qs(urlparse(url).query)
    assert query == {"org": [str(tree.town1.pk)], "year": [str(YEAR)], "status": ["CLOSED"], "closed_on_time": ["1"]}
    response = client.get(url)
    assert response.status_code == 200
    assert [a.pk for a in response.context["page"].items] == [data.a1.pk]
    assert metrics.metric("voice.satisfaction_sum").drill is None
