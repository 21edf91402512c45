"""The appeal statistics on a dataset with known counts (voice.testing.stats.KnownDataset): every
cell of the total, category, town, org and month rows, the top issues, the period and category
filters, the working-day clock across a holiday, scope, an empty year, and a fixed query count."""

import datetime
from decimal import Decimal

import pytest

from gonghui.core.models import WorkdayOverride
from gonghui.voice.selectors.stats import appeal_stats, overview_card, top_month
from gonghui.voice.testing.stats import YEAR, KnownDataset, appeal

pytestmark = pytest.mark.django_db


def cells(figures):
    d = figures.as_dict()
    return (d["received"], d["closed"], d["closed_on_time"], d["on_time_rate"], d["average_days_to_close"],
            d["rated"], d["average_satisfaction"], d["satisfied_rate"], d["reopened"], d["withdrawn"],
            d["open"], d["overdue_now"])


def D(x):  # noqa: N802
    return Decimal(x)


@pytest.fixture
def data(tree):
    return KnownDataset(tree)


def test_total_and_every_row_of_the_year(tree, data):
    s = appeal_stats(tree.district_staff, year=YEAR)
    assert cells(s.total.figures) == (7, 3, 2, D("66.7"), D("3.0"), 3, D("4.00"), D("66.7"), 1, 1, 3, 1)
    by_cat = {r.key: cells(r.figures) for r in s.by_category}
    assert list(by_cat) == ["WAGES_OWED", "CONTRACT", "OTHER"]  # in the categories' order
    assert by_cat["WAGES_OWED"] == (4, 3, 2, D("66.7"), D("3.0"), 3, D("4.00"), D("66.7"), 1, 0, 1, 0)
    assert by_cat["CONTRACT"] == (2, 0, 0, None, None, 0, None, None, 0, 1, 1, 1)
    assert by_cat["OTHER"] == (1, 0, 0, None, None, 0, None, None, 0, 0, 1, 0)
    by_town = {r.key: cells(r.figures) for r in s.by_town}
    assert list(by_town) == [tree.town1.pk, tree.town2.pk, None]  # tree order, above town level last
    assert by_town[tree.town1.pk] == (4, 2, 1, D("50.0"), D("4.5"), 2, D("4.00"), D("50.0"), 1, 1, 1, 0)
    assert by_town[tree.town2.pk] == (2, 1, 1, D("100.0"), D("0.0"), 1, D("4.00"), D("100.0"), 0, 0, 1, 1)
    assert by_town[None] == (1, 0, 0, None, None, 0, None, None, 0, 0, 1, 0)
    assert s.by_town[-1].label in ("Above town level", "镇街以上")
    assert [(r.key, r.figures.received) for r in s.by_org] == [
        (tree.union1.pk, 3), (tree.district.pk, 1), (tree.union1b.pk, 1), (tree.town2.pk, 1), (tree.union2.pk, 1)]
    assert cells(s.by_org[0].figures) == (3, 2, 1, D("50.0"), D("4.5"), 2, D("4.00"), D("50.0"), 1, 0, 1, 0)
    assert [(r.key, r.figures.received, r.figures.closed) for r in s.monthly if r.figures.received] == [
        (2, 2, 0), (3, 5, 3)]
    assert len(s.monthly) == 12


def test_month_and_category_filters(tree, data):
    march = appeal_stats(tree.district_staff, year=YEAR, month=3)
    assert cells(march.total.figures) == (5, 3, 2, D("66.7"), D("3.0"), 3, D("4.00"), D("66.7"), 1, 0, 2, 1)
    assert march.top_month == (YEAR, 3)
    contract = appeal_stats(tree.district_staff, year=YEAR, category="CONTRACT")
    assert contract.total.figures.received == 2 and [r.key for r in contract.by_category] == ["CONTRACT"]
    # The monthly rows follow the category filter too.
    assert sum(r.figures.received for r in contract.monthly) == 2


def test_top_issues_of_the_month_against_the_month_before(tree, data):
    s = appeal_stats(tree.district_staff, year=YEAR, month=3)
    assert [(t.key, t.count, t.previous, t.change) for t in s.top_categories] == [
        ("WAGES_OWED", 4, 0, 4), ("CONTRACT", 1, 1, 0), ("OTHER", 0, 1, -1)]
    assert s.top_categories[1].change_rate == D("0.0") and s.top_categories[0].change_rate is None
    enterprises = [(e.enterprise_id, e.name, e.count) for e in s.top_enterprises]
    assert enterprises[0] == (tree.enterprise1.pk, tree.enterprise1.name, 2)
    assert sorted(enterprises[1:], key=lambda e: e[2]) and {e[1] for e in enterprises[1:]} == {
        tree.enterprise2.name, "某某餐饮店"}
    assert {e[0] for e in enterprises[1:]} == {tree.enterprise2.pk, None}
    # The category filter does not narrow the ranking of the categories.
    assert len(appeal_stats(tree.district_staff, year=YEAR, month=3, category="OTHER").top_categories) == 3
    # January compares with the December before.
    jan = appeal_stats(tree.district_staff, year=YEAR, month=1)
    assert [(t.key, t.count, t.previous) for t in jan.top_categories] == [("INJURY", 0, 1)]


def test_top_month_without_a_chosen_month():
    today = datetime.date(2026, 12, 1)
    assert top_month(2026, None, today) == (2026, 12)
    assert top_month(2025, None, today) == (2025, 12)
    assert top_month(2027, None, today) == (2027, 1)
    assert top_month(2025, 4, today) == (2025, 4)


def test_days_to_close_are_working_days_across_a_holiday(tree):
    # Received Monday 3 March, closed Monday 10 March: 5 working days; a holiday on Wednesday 5 → 4,
    # a make-up working Saturday 8 → 5 again.
    appeal(tree.union1, town=tree.town1, received=datetime.date(YEAR, 3, 3), closed=datetime.date(YEAR, 3, 10),
           on_time=True)
    assert appeal_stats(tree.district_staff, year=YEAR).total.figures.average_days == D("5.0")
    WorkdayOverride.objects.create(day=datetime.date(YEAR, 3, 5), is_working_day=False, note="test")
    from gonghui.core import workdays

    workdays.forget_overrides()
    assert appeal_stats(tree.district_staff, year=YEAR).total.figures.average_days == D("4.0")
    WorkdayOverride.objects.create(day=datetime.date(YEAR, 3, 8), is_working_day=True, note="test")
    workdays.forget_overrides()
    assert appeal_stats(tree.district_staff, year=YEAR).total.figures.average_days == D("5.0")
    workdays.forget_overrides()


@pytest.mark.parametrize("role, received, towns", [
    ("town1_cadre", 4, "town1"),
    ("town2_cadre", 2, "town2"),
    ("union1_chair", 3, "town1"),
])
def test_figures_stay_in_the_users_reach(tree, data, role, received, towns):
    s = appeal_stats(getattr(tree, role), year=YEAR)
    assert s.total.figures.received == received
    assert [r.key for r in s.by_town] == [getattr(tree, towns).pk]
    assert sum(r.figures.received for r in s.monthly) == received
    month = appeal_stats(getattr(tree, role), year=YEAR, month=3)
    assert sum(t.count for t in month.top_categories) == month.total.figures.received


def test_town1_sees_only_its_figures(tree, data):
    s = appeal_stats(tree.town1_cadre, year=YEAR)
    assert cells(s.total.figures) == (4, 2, 1, D("50.0"), D("4.5"), 2, D("4.00"), D("50.0"), 1, 1, 1, 0)
    assert {r.key for r in s.by_org} == {tree.union1.pk, tree.union1b.pk}


def test_an_empty_year(tree, data):
    s = appeal_stats(tree.district_staff, year=2019)
    assert cells(s.total.figures) == (0, 0, 0, None, None, 0, None, None, 0, 0, 0, 0)
    assert s.by_category == s.by_town == s.by_org == [] and s.top_categories == [] and s.top_enterprises == []
    assert all(r.figures.received == 0 for r in s.monthly)


def test_every_figure_links_to_the_filtered_list(tree, data):
    s = appeal_stats(tree.district_staff, year=YEAR, month=3)
    links = s.total.links
    if not links:
        pytest.skip("the appeal list (voice:appeal_list) is not there yet")
    assert "year=2025" in links["received"] and "month=3" in links["received"]
    assert "status=CLOSED" in links["closed"] and "closed_on_time=1" in links["on_time"]
    assert "overdue=1" in links["overdue"]
    town = next(r for r in s.by_town if r.key == tree.town1.pk)
    assert f"town={tree.town1.pk}" in town.links["received"]
    assert "category=WAGES_OWED" in s.by_category[0].links["closed"]
    orgs = {r.key: r.links for r in s.by_org}
    # The list's `holder` is exactly the handling org (its `org` is a subtree): towns link too.
    assert f"holder={tree.union1.pk}" in orgs[tree.union1.pk]["received"]
    assert f"holder={tree.town2.pk}" in orgs[tree.town2.pk]["received"]


@pytest.mark.parametrize("user", ["district_staff", "town1_cadre"])
@pytest.mark.parametrize("month", [None, 3])
def test_every_link_lands_on_exactly_the_appeals_counted(tree, data, user, month):
    """Each count of every row, followed through the appeal list's own form and selector, gives the
    same number (the list's filters and the statistics' definitions agree)."""
    from urllib.parse import parse_qs, urlsplit

    from django.http import QueryDict

    from gonghui.voice.forms.appeals import AppealFilterForm
    from gonghui.voice.selectors.appeals import filtered_appeals

    user = getattr(tree, user)
    s = appeal_stats(user, year=YEAR, month=month)
    if not s.total.links:
        pytest.skip("the appeal list (voice:appeal_list) is not there yet")
    checked = 0
    for row in [s.total, *s.by_category, *s.by_town, *s.by_org, *s.monthly]:
        for name, url in row.links.items():
            params = QueryDict(urlsplit(url).query)
            assert parse_qs(urlsplit(url).query)  # a real query string
            form = AppealFilterForm(params, user=user)
            assert form.is_valid(), (url, form.errors)
            expected = getattr(row.figures, name)
            assert filtered_appeals(user, form.filters()).count() == expected, (row.label, name, url)
            checked += 1
    assert checked >= 20


def test_queries_do_not_grow_with_the_appeals(tree, data, django_assert_max_num_queries):
    appeal_stats(tree.district_staff, year=YEAR)
    with django_assert_max_num_queries(20) as few:
        appeal_stats(tree.district_staff, year=YEAR)
    for i in range(10):
        appeal(tree.union2, town=tree.town2, received=datetime.date(YEAR, 4, 1 + i), closed=datetime.date(YEAR, 5, 2),
               on_time=False, satisfaction=2, enterprise_name=f"企业{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert appeal_stats(tree.district_staff, year=YEAR).total.figures.received == 17


def test_overview_card(tree, data):
    assert overview_card(tree.member_user) is None
    card = overview_card(tree.district_staff)
    assert card is not None and len(card.rows) == 3
