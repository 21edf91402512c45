"""The roll-up engine: sums up the tree, industries, own and level parts, idempotence, runs."""

import datetime
from decimal import Decimal

import pytest

from gonghui.core.testing.factories import EnterpriseFactory, add_org
from gonghui.orgs.models import Industry, OrgLevel
from gonghui.reports import metrics
from gonghui.reports.models.rollups import Rollup, RollupRun, RollupStatus, RollupTrigger
from gonghui.reports.selectors import rollups as selectors
from gonghui.reports.services import rollups as services
from gonghui.reports.testing.rollups import fixed_provider, only_metrics, refresh, stored, stored_rows

pytestmark = pytest.mark.django_db

YEAR = 2025
A = metrics.Metric(code="t.a", label="A", section="members")
B = metrics.Metric(code="t.yuan", label="B", section="members", unit="yuan")
R = metrics.Ratio(code="t.ratio", label="R", section="members", numerator="t.a", denominator="t.yuan")


@pytest.fixture
def group(tree):
    return add_org(tree.union1, "一组", OrgLevel.GROUP)


def provide(tree, group):
    return fixed_provider([
        (tree.district.pk, "t.a", 1),
        (tree.town1.pk, "t.a", 2),
        (tree.union1.pk, "t.a", 10),
        (tree.union1.pk, "t.yuan", "12.50"),
        (group.pk, "t.a", 5),
        (tree.union2.pk, "t.a", 7),
        (tree.union2.pk, "t.a", 3, Industry.LOGISTICS),  # the record names its own industry
        (tree.union1b.pk, "t.a", 0),  # zero: not stored
    ])


def test_sums_up_the_tree_by_path(tree, group):
    with only_metrics([A, B], provide(tree, group), ratios=[R]):
        run = refresh(YEAR)
        total = stored(YEAR)
        assert total[(tree.district.pk, "t.a")] == Decimal("28.00")
        assert total[(tree.town1.pk, "t.a")] == Decimal("17.00")
        assert total[(tree.town2.pk, "t.a")] == Decimal("10.00")
        assert total[(tree.union1.pk, "t.a")] == Decimal("15.00")
        assert total[(group.pk, "t.a")] == Decimal("5.00")
        assert (tree.union1b.pk, "t.a") not in total  # zero values are not stored
        assert run.status == RollupStatus.DONE and run.rows == Rollup.objects.filter(year=YEAR).count()
        assert run.finished_at is not None and run.trigger == RollupTrigger.COMMAND


def test_industry_rows_follow_the_union_or_the_record(tree, group):
    EnterpriseFactory(town=tree.town2, union=tree.union2, industry=Industry.CONSTRUCTION, headcount=500)
    with only_metrics([A, B], provide(tree, group)):
        refresh(YEAR)
        textiles = stored(YEAR, industry=Industry.TEXTILES)
        assert textiles[(tree.district.pk, "t.a")] == Decimal("15.00")  # union1 and its group
        assert textiles[(group.pk, "t.a")] == Decimal("5.00")  # a group takes its union's industry
        construction = stored(YEAR, industry=Industry.CONSTRUCTION)
        assert construction[(tree.town2.pk, "t.a")] == Decimal("7.00")  # the union's biggest employer
        assert stored(YEAR, industry=Industry.LOGISTICS)[(tree.district.pk, "t.a")] == Decimal("3.00")
        # the district's and the town's own records have no industry: only in "" rows
        assert stored(YEAR)[(tree.district.pk, "t.a")] == 28


def test_selectors_figures_children_own_levels(tree, group):
    with only_metrics([A, B], provide(tree, group), ratios=[R]):
        refresh(YEAR)
        figures = selectors.figures(tree.district, YEAR)
        assert figures == {"t.a": Decimal(28), "t.yuan": Decimal("12.50")}
        assert str(figures["t.a"]) == "28"
        children = selectors.children_figures(tree.district, YEAR)
        assert [(c.pk, f["t.a"]) for c, f in children] == [(tree.town1.pk, 17), (tree.town2.pk, 10)]
        assert selectors.own_figures(tree.district, YEAR)["t.a"] == 1
        assert selectors.own_figures(tree.union1b, YEAR) == {"t.a": 0, "t.yuan": Decimal("0.00")}
        # children + own = total
        assert sum(f["t.a"] for _c, f in children) + selectors.own_figures(tree.district, YEAR)["t.a"] == 28
        levels = selectors.level_figures(tree.district, YEAR)
        assert list(levels) == [OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.PLATFORM, OrgLevel.INDUSTRY,
                                OrgLevel.GRASSROOTS, OrgLevel.GROUP]
        assert {lv: f["t.a"] for lv, f in levels.items()} == {
            OrgLevel.DISTRICT: 1, OrgLevel.TOWN: 2, OrgLevel.PLATFORM: 0, OrgLevel.INDUSTRY: 0,
            OrgLevel.GRASSROOTS: 20, OrgLevel.GROUP: 5}
        union_levels = selectors.level_figures(tree.union1, YEAR)
        assert {lv: f["t.a"] for lv, f in union_levels.items()} == {OrgLevel.GRASSROOTS: 10, OrgLevel.GROUP: 5}
        textile_levels = selectors.level_figures(tree.union1, YEAR, Industry.TEXTILES)
        assert textile_levels[OrgLevel.GROUP]["t.a"] == 5
        assert selectors.level_figures(tree.union1, YEAR, Industry.LOGISTICS)[OrgLevel.GRASSROOTS]["t.a"] == 0
        assert selectors.ratio_values(selectors.figures(tree.union1, YEAR)) == {"t.ratio": Decimal("120.0")}
        assert selectors.ratio_values(selectors.figures(tree.union2, YEAR)) == {"t.ratio": None}


def test_refresh_is_idempotent_and_replaces_the_year(tree, group):
    with only_metrics([A, B], provide(tree, group)):
        refresh(YEAR)
        refresh(YEAR - 1)
        first = stored_rows(YEAR)
        refresh(YEAR)
        assert stored_rows(YEAR) == first
        assert Rollup.objects.filter(year=YEAR - 1).exists()  # other years untouched
    with only_metrics([A], fixed_provider([(tree.union2.pk, "t.a", 4)])):
        refresh(YEAR)
        assert stored(YEAR) == {(tree.district.pk, "t.a"): 4, (tree.town2.pk, "t.a"): 4,
                                (tree.union2.pk, "t.a"): 4}


def test_failed_refresh_keeps_the_old_figures(tree, group):
    with only_metrics([A, B], provide(tree, group)):
        refresh(YEAR)
    before = stored_rows(YEAR)

    def broken(year, as_of):
        yield (tree.union1.pk, "t.a", 1)
        raise RuntimeError("boom")

    with only_metrics([A], broken), pytest.raises(RuntimeError):
        refresh(YEAR)
    assert stored_rows(YEAR) == before
    failed = RollupRun.objects.order_by("-id").first()
    assert failed.status == RollupStatus.FAILED and "boom" in failed.error and failed.finished_at
    assert selectors.last_run(YEAR).status == RollupStatus.DONE


def test_as_of_and_years(settings):
    assert services.as_of_for(2020) == datetime.date(2020, 12, 31)
    assert services.as_of_for(services.today().year) == services.today()
    assert services.scheduled_years(datetime.date(2026, 1, 15)) == [2026, 2025]
    assert services.scheduled_years(datetime.date(2026, 2, 1)) == [2026]
    for bad in (2014, services.today().year + 1, "x", None):
        with pytest.raises(services.DomainError):
            services.check_year(bad)


def _rows(year, org_ids, values):
    pairs = enumerate(zip(org_ids, values, strict=True))
    return [(year, org_id, "", "", f"t.m{i}", Decimal(value)) for i, (org_id, value) in pairs]


def test_replace_writes_only_the_difference(tree):
    orgs = [tree.district.pk, tree.town1.pk, tree.town2.pk, tree.union1.pk, tree.union2.pk] * 2
    first = _rows(YEAR, orgs, range(1, 11))
    services.replace_rows(YEAR, first)
    ids = dict(Rollup.objects.filter(year=YEAR).values_list("metric", "id"))
    # one value changed, the last figure gone, a new one: nothing else is touched
    second = [*first[:2], (*first[2][:5], Decimal("33.50")), *first[3:9], (YEAR, tree.town1.pk, "", "OWN", "t.new", 1)]
    assert services.replace_rows(YEAR, second) == {"deleted": 1, "updated": 1, "inserted": 1}
    now = {(r.metric, r.part): (r.id, r.value) for r in Rollup.objects.filter(year=YEAR)}
    assert now[("t.m2", "")] == (ids["t.m2"], Decimal("33.50"))
    assert ("t.m9", "") not in now and now[("t.new", "OWN")][1] == 1
    assert all(now[(f"t.m{i}", "")][0] == ids[f"t.m{i}"] for i in range(9))  # rows kept, not rewritten
    assert services.replace_rows(YEAR, second) == {"deleted": 0, "updated": 0, "inserted": 0}


def test_replace_rewrites_the_year_when_most_figures_moved(tree):
    orgs = [tree.district.pk, tree.town1.pk, tree.town2.pk, tree.union1.pk]
    services.replace_rows(YEAR - 1, _rows(YEAR - 1, orgs, [7, 7, 7, 7]))
    services.replace_rows(YEAR, _rows(YEAR, orgs, [1, 2, 3, 4]))
    moved = _rows(YEAR, orgs, [5, 6, 3, 4])
    assert services.replace_rows(YEAR, moved) == {"deleted": 4, "updated": 0, "inserted": 4}
    assert stored_rows(YEAR) == sorted(row[1:] for row in moved)
    assert len(stored_rows(YEAR - 1)) == 4  # other years untouched
