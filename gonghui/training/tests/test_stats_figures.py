"""Reconciliation: every figure of the statistics on a dataset of known counts (testing.stats.
KnownDataset), in each user's reach, and a fixed number of queries whatever the size."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.training.models import AttendanceStatus, EnrolmentStatus
from gonghui.training.selectors import stats as selectors
from gonghui.training.testing import stats as build
from gonghui.training.testing.stats import KnownDataset, figures_tuple

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def data(tree):
    return KnownDataset(tree, YEAR)


def _rows(rows):
    return {row.key: figures_tuple(row.figures) for row in rows}


def test_total_and_every_breakdown_match_the_known_counts(tree, data):
    s = selectors.training_stats(tree.district_staff, year=YEAR)
    assert figures_tuple(s.total) == KnownDataset.TOTAL
    assert s.total.completion_rate == Decimal("66.7")
    assert _rows(s.by_town) == {tree.town1.pk: KnownDataset.BY_TOWN["town1"],
                                tree.town2.pk: KnownDataset.BY_TOWN["town2"], None: KnownDataset.BY_TOWN[None]}
    assert [row.key for row in s.by_town] == [tree.town1.pk, tree.town2.pk, None]  # by path, above towns last
    assert _rows(s.by_school) == {data.s1.pk: KnownDataset.BY_SCHOOL["s1"], None: KnownDataset.BY_SCHOOL[None]}
    assert _rows(s.by_programme) == KnownDataset.BY_PROGRAMME
    assert _rows(s.by_industry) == KnownDataset.BY_INDUSTRY
    assert _rows(s.by_year) == {YEAR: KnownDataset.TOTAL, YEAR - 1: KnownDataset.LAST_YEAR}


def test_person_times_add_up_and_trainees_count_once_per_year(tree, data):
    s = selectors.training_stats(tree.district_staff, year=YEAR)
    for rows in (s.by_town, s.by_school, s.by_programme, s.by_industry):
        assert sum(r.figures.person_times for r in rows) == s.total.person_times
        assert sum(r.figures.hours for r in rows) == s.total.hours
    # p1 has two courses this year: once in the total, once in each programme's row.
    assert sum(r.figures.trainees for r in s.by_programme) == s.total.trainees + 1


def test_targets_progress(tree, data):
    s = selectors.training_stats(tree.district_staff, year=YEAR)
    by_org = {row.key: row for row in s.targets}
    assert set(by_org) == {tree.district.pk, tree.town1.pk}
    district, town1 = by_org[tree.district.pk], by_org[tree.town1.pk]
    assert figures_tuple(district.figures) == KnownDataset.TOTAL
    assert (district.trainees_progress, district.person_times_progress, district.hours_progress) == (
        Decimal("50.0"), Decimal("50.0"), Decimal("50.0"))
    assert figures_tuple(town1.figures) == KnownDataset.BY_TOWN["town1"]
    assert (town1.trainees_progress, town1.person_times_progress, town1.hours_progress) == (
        Decimal("50.0"), Decimal("50.0"), Decimal("50.0"))
    town_rows = {row.key: row for row in s.by_town}
    assert town_rows[tree.town1.pk].target == data.town1_target and town_rows[tree.town2.pk].target is None
    years = {row.key: row for row in s.by_year}
    assert years[YEAR - 1].target == data.district_last and years[YEAR - 1].trainees_progress == Decimal("50.0")


def test_a_year_without_records_shows_zero_against_its_target(tree, data):
    s = selectors.training_stats(tree.district_staff, year=YEAR + 1)
    assert figures_tuple(s.total) == (0, 0, Decimal(0), 0, 0, 0)
    assert s.total.completion_rate is None and s.by_town == [] and s.targets == []


def test_reach_of_each_role(tree, data):
    # town1: course A (organised in town1: all its seats) + p1's seat in the district course B.
    town1 = selectors.training_stats(tree.town1_cadre, year=YEAR)
    assert (town1.total.trainees, town1.total.person_times, town1.total.hours) == (3, 4, Decimal("13.5"))
    assert [row.key for row in town1.targets] == [tree.town1.pk]  # the district's target is not in its reach
    assert figures_tuple(town1.targets[0].figures) == KnownDataset.BY_TOWN["town1"]
    # town2: p3's seat in A (its union is in town2) and p5's in B; the cancelled course C not at all.
    town2 = selectors.training_stats(tree.town2_cadre, year=YEAR)
    assert figures_tuple(town2.total) == KnownDataset.BY_TOWN["town2"]
    assert town2.targets == []
    union1 = selectors.training_stats(tree.union1_chair, year=YEAR)
    assert figures_tuple(union1.total) == KnownDataset.BY_TOWN["town1"]
    nobody = selectors.training_stats(tree.member_user, year=YEAR)
    assert figures_tuple(nobody.total) == (0, 0, Decimal(0), 0, 0, 0)


def test_a_fixed_number_of_queries_whatever_the_size(tree, data):
    selectors.training_stats(tree.district_staff, year=YEAR)  # the user's scope, cached on the user
    with CaptureQueriesContext(connection) as small:
        selectors.training_stats(tree.district_staff, year=YEAR)
    assert len(small.captured_queries) == 10  # counts × 6 + year's hours + industries + hours by year + targets
    # Ten times more records in every breakdown.
    for _i in range(10):
        school = build.school(tree.town2)
        c = build.course(tree.town2, year=YEAR, school=school, programme="TECHNICIAN")
        s = build.session(c, "2")
        for union in (tree.union1, tree.union2, tree.union1b):
            e = build.enrol(c, tree.member(union=union).person, union, EnrolmentStatus.COMPLETED)
            build.attend(e, s, AttendanceStatus.PRESENT)
            build.certify(e)
    with CaptureQueriesContext(connection) as big:
        stats = selectors.training_stats(tree.district_staff, year=YEAR)
    assert len(big.captured_queries) == len(small.captured_queries)
    assert stats.total.person_times == 6 + 30 and stats.total.certificates == 1 + 30
    assert stats.total.hours == Decimal("13.5") + 60


def test_overview_card_has_the_years_headline_figures_in_one_query(tree, django_assert_num_queries):
    from django.utils import timezone

    KnownDataset(tree, timezone.localdate().year)
    selectors.overview_card(tree.district_staff)
    with django_assert_num_queries(2):
        card = selectors.overview_card(tree.district_staff)
    assert [row.value for row in card.rows] == [5, 6, Decimal("13.5")]
    assert selectors.overview_card(tree.member_user) is None


def test_a_town_with_a_target_and_no_records_has_its_row_at_zero(tree, data):
    from gonghui.core.testing.factories import add_org
    from gonghui.orgs.models import OrgLevel

    town3 = add_org(tree.district, "三镇", OrgLevel.TOWN)
    target = build.target(town3, YEAR, 5, 6, "10")
    build.target(town3, YEAR - 2, 1, 1, "1")  # another year's target: no row this year
    s = selectors.training_stats(tree.district_staff, year=YEAR)
    rows = {row.key: row for row in s.by_town}
    assert [row.key for row in s.by_town] == [tree.town1.pk, tree.town2.pk, town3.pk, None]  # by path
    assert figures_tuple(rows[town3.pk].figures) == (0, 0, Decimal(0), 0, 0, 0)
    assert rows[town3.pk].target == target and rows[town3.pk].trainees_progress == Decimal("0.0")
    assert town3.pk in {row.key for row in s.targets}
    chart = selectors.town_chart(s, labels={"trainees": "t", "person_times": "p", "target": "x"})
    assert chart["series"][0]["data"][2] == 0 and chart["series"][2]["data"][2] == 5
    # Not in the reach of another town's cadre.
    assert town3.pk not in {row.key for row in selectors.training_stats(tree.town1_cadre, year=YEAR).by_town}
    assert town3.pk not in {row.key for row in selectors.training_stats(tree.district_staff, year=YEAR - 1).by_town}
    assert town3.pk in {row.key for row in selectors.training_stats(tree.district_staff, year=YEAR - 2).by_town}


def test_overview_card_reads_the_cache_when_figures_are_cached(tree, settings, django_assert_num_queries):
    from django.core.cache import cache
    from django.utils import timezone

    cache.clear()
    settings.FIGURES_CACHE_SECONDS = 300
    year = timezone.localdate().year
    KnownDataset(tree, year)
    selectors.overview_card(tree.district_staff)  # counts (2 queries) and keeps the total
    with django_assert_num_queries(0):
        assert [row.value for row in selectors.overview_card(tree.district_staff).rows] == [5, 6, Decimal("13.5")]
    cache.clear()
    stats = selectors.training_stats(tree.district_staff, year=year)  # the page's figures serve the card
    with django_assert_num_queries(0):
        assert selectors.overview_card(tree.district_staff).rows[1].value == stats.total.person_times == 6
    cache.clear()
