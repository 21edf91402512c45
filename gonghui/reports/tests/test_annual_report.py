"""The report's layout on hand-made metrics (testing/annual.py): rows children + 本级 + 合计 that
add up, ratios from each row's own figures, the level table, industry, links, charts, JSON, and a
fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import EnterpriseFactory, add_org
from gonghui.orgs.models import Industry, OrgLevel
from gonghui.reports.selectors.annual import CHILD, CLOSED, OWN, TOTAL, build_annual_report, report_json
from gonghui.reports.testing.annual import YEAR, known_figures

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def group(tree):
    return add_org(tree.union1, "一组", OrgLevel.GROUP)


def table(report, code):
    return next(s for s in report.sections if s.code == code)


def key(row):
    """A child row by its org's name, the others by their kind (their labels are translated)."""
    return row.label if row.kind == CHILD else row.kind


def values(section):
    """{row key: {column code: value}}."""
    return {key(row): {c.code: cell.value for c, cell in zip(section.columns, row.cells, strict=True)}
            for row in section.rows}


def test_rows_are_the_children_then_own_then_total_and_they_add_up(tree, group):
    with known_figures(tree, group=group):
        report = build_annual_report(org=tree.district, year=YEAR)
    assert [s.code for s in report.sections] == ["organisation", "members", "welfare", "voice"]
    members = table(report, "members")
    assert [key(r) for r in members.rows] == [tree.town1.name, tree.town2.name, OWN, TOTAL]
    assert [c.code for c in members.columns] == ["k.members", "k.rate"]
    assert values(members) == {
        tree.town1.name: {"k.members": 320, "k.rate": D("80.0")},
        tree.town2.name: {"k.members": 80, "k.rate": D("100.0")},
        OWN: {"k.members": 0, "k.rate": None},
        TOTAL: {"k.members": 400, "k.rate": D("83.3")},
    }
    assert values(table(report, "organisation")) == {
        tree.town1.name: {"k.unions": 2, "k.headcount": 400},
        tree.town2.name: {"k.unions": 1, "k.headcount": 80},
        OWN: {"k.unions": 0, "k.headcount": 0},
        TOTAL: {"k.unions": 3, "k.headcount": 480},
    }
    assert values(table(report, "welfare")) == {
        tree.town1.name: {"k.spend": D("1000.25")}, tree.town2.name: {"k.spend": D("550.00")},
        OWN: {"k.spend": D("100.50")}, TOTAL: {"k.spend": D("1650.75")},
    }
    # The helper sum (shown=False) is not a column; the average is computed per row, never summed.
    assert values(table(report, "voice")) == {
        tree.town1.name: {"k.rated": 2, "k.average": D("4.50")},
        tree.town2.name: {"k.rated": 1, "k.average": D("4.00")},
        OWN: {"k.rated": 0, "k.average": None}, TOTAL: {"k.rated": 3, "k.average": D("4.33")},
    }
    assert_rows_add_up(report)


def assert_rows_add_up(report):
    for section in report.sections:
        for i, column in enumerate(section.columns):
            if column.is_ratio:
                continue
            parts = sum((row.cells[i].value for row in section.rows if row.kind != TOTAL), D(0))
            assert parts == section.total.cells[i].value, (section.code, column.code)
    for group in report.levels.groups:
        for row in group.rows:
            if not row.column.is_ratio:
                assert sum((c.value for c in row.cells), D(0)) == row.total.value, row.column.code


def test_the_level_table_splits_the_subtree_by_the_level_of_the_holding_org(tree, group):
    with known_figures(tree, group=group):
        report = build_annual_report(org=tree.district, year=YEAR)
    levels = [code for code, _label in report.levels.levels]
    assert levels[0] == OrgLevel.DISTRICT and {"TOWN", "GRASSROOTS", "GROUP"} <= set(levels)
    by_code = {row.column.code: dict(zip(levels, [c.value for c in row.cells], strict=True))
               for g in report.levels.groups for row in g.rows}
    assert by_code["k.spend"]["DISTRICT"] == D("100.50") and by_code["k.spend"]["TOWN"] == D("50.00")
    assert by_code["k.spend"]["GRASSROOTS"] == D("1500.25")
    assert by_code["k.members"]["GRASSROOTS"] == 380 and by_code["k.members"]["GROUP"] == 20
    assert by_code["k.average"]["TOWN"] == D("4.00") and by_code["k.average"]["GROUP"] is None
    assert [g.code for g in report.levels.groups] == [s.code for s in report.sections]


def test_a_town_and_a_union_with_a_group(tree, group):
    with known_figures(tree, group=group):
        town = build_annual_report(org=tree.town1, year=YEAR)
        union = build_annual_report(org=tree.union1, year=YEAR)
    assert values(table(town, "members")) == {
        tree.union1.name: {"k.members": 260, "k.rate": D("86.7")},
        tree.union1b.name: {"k.members": 60, "k.rate": D("60.0")},
        OWN: {"k.members": 0, "k.rate": None}, TOTAL: {"k.members": 320, "k.rate": D("80.0")}}
    assert values(table(union, "members")) == {
        "一组": {"k.members": 20, "k.rate": None}, OWN: {"k.members": 240, "k.rate": D("80.0")},
        TOTAL: {"k.members": 260, "k.rate": D("86.7")}}
    assert [c for c, _l in union.levels.levels] == ["GRASSROOTS", "GROUP"]
    assert_rows_add_up(town)
    assert_rows_add_up(union)


def test_children_closed_since_are_one_row_so_the_rows_still_add_up(tree):
    tree.union1b.is_active = False
    tree.union1b.save()
    with known_figures(tree):
        report = build_annual_report(org=tree.town1, year=YEAR)
        district = build_annual_report(org=tree.district, year=YEAR)
    assert values(table(report, "members")) == {
        tree.union1.name: {"k.members": 240, "k.rate": D("80.0")}, OWN: {"k.members": 0, "k.rate": None},
        CLOSED: {"k.members": 60, "k.rate": D("60.0")}, TOTAL: {"k.members": 300, "k.rate": D("75.0")}}
    assert [r.kind for r in table(report, "members").rows] == [CHILD, OWN, CLOSED, TOTAL]
    assert_rows_add_up(report)
    assert CLOSED not in [r.kind for r in table(district, "members").rows]  # nothing closed among the towns


def test_industry_filter_keeps_rows_adding_up(tree):
    EnterpriseFactory(town=tree.town2, union=tree.union2, industry=Industry.LOGISTICS, headcount=50_000)
    extra = [(tree.district, "k.members", 5, Industry.LOGISTICS)]
    with known_figures(tree, extra=extra):
        report = build_annual_report(org=tree.district, year=YEAR, industry=Industry.LOGISTICS)
    assert report.industry_label == str(Industry.LOGISTICS.label)
    members = values(table(report, "members"))
    assert members[tree.town2.name]["k.members"] == 80 and members[OWN]["k.members"] == 5  # 本级 of the industry
    assert members[TOTAL]["k.members"] == members[tree.town1.name]["k.members"] + 80 + members[OWN]["k.members"]
    assert_rows_add_up(report)


def test_links_go_to_the_list_behind_each_figure_and_to_each_childs_report(tree):
    with known_figures(tree):
        report = build_annual_report(org=tree.district, year=YEAR, links=True)
        plain = build_annual_report(org=tree.district, year=YEAR)
    members = table(report, "members")
    town1, own, total = members.rows[0], members.own, members.total
    assert town1.url == f"{reverse('reports:annual')}?org={tree.town1.pk}&year={YEAR}"
    assert town1.cells[0].url == f"{reverse('members:list')}?org={tree.town1.pk}&year={YEAR}"
    assert total.cells[0].url == f"{reverse('members:list')}?org={tree.district.pk}&year={YEAR}"
    assert own.url == "" and all(cell.url == "" for cell in own.cells)  # no list holds exactly 本级
    assert town1.cells[1].url == ""  # a ratio has no list
    assert all(cell.url == "" for cell in table(report, "organisation").rows[0].cells)  # no drill
    assert all(cell.url == "" for s in plain.sections for row in s.rows for cell in row.cells)


def test_chart_bars_are_the_main_metric_by_row(tree):
    with known_figures(tree):
        report = build_annual_report(org=tree.district, year=YEAR)
    welfare = table(report, "welfare")
    assert welfare.chart_column.code == "k.spend"
    assert welfare.chart_bars() == [(tree.town1.name, D("1000.25")), (tree.town2.name, D("550.00")),
                                    (report.sections[2].own.label, D("100.50"))]
    assert table(report, "members").chart_bars() == [(tree.town1.name, 300), (tree.town2.name, 80)]
    assert welfare.chart_bars(limit=1) == [(tree.town1.name, D("1000.25"))]


def test_json_has_the_same_numbers_keyed_by_code(tree):
    with known_figures(tree):
        report = build_annual_report(org=tree.district, year=YEAR)
        body = report_json(report)
    assert body["org"] == {"id": tree.district.pk, "name": tree.district.name, "level": "DISTRICT"}
    assert body["year"] == YEAR and body["as_of"] == f"{YEAR}-12-31" and body["figures_as_of"]
    assert body["total"] == {"k.unions": "3", "k.headcount": "480", "k.members": "380", "k.rate": "79.2",
                             "k.spend": "1650.75", "k.rated": "3", "k.average": "4.33"}
    members = next(s for s in body["sections"] if s["code"] == "members")
    members_table = table(report, "members")
    assert members["columns"] == ["k.members", "k.rate"]
    assert members["rows"] == [
        {"kind": "child", "org_id": tree.town1.pk, "label": tree.town1.name, "values": {"k.members": "300",
                                                                                         "k.rate": "75.0"}},
        {"kind": "child", "org_id": tree.town2.pk, "label": tree.town2.name, "values": {"k.members": "80",
                                                                                         "k.rate": "100.0"}},
        {"kind": "own", "org_id": None, "label": members_table.own.label, "values": {"k.members": "0",
                                                                                     "k.rate": None}},
        {"kind": "total", "org_id": None, "label": members_table.total.label, "values": {"k.members": "380",
                                                                                         "k.rate": "79.2"}},
    ]
    assert body["columns"]["k.spend"] == {"label": "慰问金额", "kind": "metric", "unit": "yuan", "decimals": 2,
                                          "help": ""}
    district = next(level for level in body["levels"] if level["level"] == "DISTRICT")
    assert district["values"]["k.spend"] == "100.50" and district["values"]["k.average"] is None


def test_a_year_never_rolled_up_is_all_zeros_without_an_as_of_time(tree):
    with known_figures(tree):
        report = build_annual_report(org=tree.district, year=YEAR + 1)
    assert report.figures_as_of is None and not report.has_figures
    assert all(cell.value in (0, None) for s in report.sections for row in s.rows for cell in row.cells)


def test_state_figures_are_taken_today_in_the_current_year(tree):
    today = datetime.date.today()
    with known_figures(tree, year=today.year):
        report = build_annual_report(org=tree.district, year=today.year)
    assert report.as_of == today


def test_a_fixed_number_of_queries_whatever_the_number_of_children(tree, django_assert_max_num_queries):
    with known_figures(tree), django_assert_max_num_queries(8) as few:
        build_annual_report(org=tree.district, year=YEAR, links=True)
    for i in range(6):
        add_org(tree.district, f"新镇{i}", OrgLevel.TOWN)
    with known_figures(tree), django_assert_max_num_queries(len(few.captured_queries)):
        report = build_annual_report(org=tree.district, year=YEAR, links=True)
    assert len(report.sections[0].children) == 8
