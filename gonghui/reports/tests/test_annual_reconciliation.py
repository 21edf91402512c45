"""Reconciliation: a small district with known records in every module that has metrics, rolled
up for 2025 by the real providers, and EVERY cell of the annual report checked against numbers
written out here — each section table (children, 本级, closed orgs, 合计) of the district, both
towns and a union, the level table, the workbook read back, the JSON — and every figure of the
page linked to a list that opens.

The tree (core.testing.factories.Tree plus two unions):

    district ─┬─ town1 ─┬─ union1   (enterprise1, 120 workers)
              │         ├─ union1b  (enterprise5, 100 workers)
              │         └─ closed   (inactive since; still holds a member)
              └─ town2 ─┬─ union2   (enterprise2, 120 workers)
                        └─ joint    (联合工会: enterprise3, 30 workers)
    enterprise4 (15 workers) in town2 has no union: town2 holds it.

The records are built by `testing.annual.KnownDistrict`. EXPECTED below says, per metric, what
each org holds itself (the value a provider attributes to it); the rows are sums of those over
each row's subtree, worked out by `expected_row` from the org paths, never from the roll-ups.
"""

import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.reports import metrics
from gonghui.reports.selectors.annual import CHILD, CLOSED, OWN, TOTAL, build_annual_report, report_json
from gonghui.reports.services.annual import report_bytes
from gonghui.reports.testing.annual import RECONCILIATION_YEAR, KnownDistrict
from gonghui.reports.testing.rollups import refresh

pytestmark = pytest.mark.django_db

YEAR = RECONCILIATION_YEAR
D = Decimal

# What each org holds itself, per metric (org keys: see Dataset.orgs). A metric with {} has no
# record in the year here (its definitions are tested on their own in test_metrics_*.py); it is
# still checked to be 0 in every cell.
EXPECTED = {
    # organisation: the register as it stands; the closed union is not counted
    "orgs.unions": {"union1": 1, "union1b": 1, "union2": 1, "joint": 1},
    "orgs.joint_unions": {"joint": 1},
    "orgs.enterprises": {"union1": 1, "union1b": 1, "union2": 1, "joint": 1, "town2": 1},
    "orgs.enterprises_unionised": {"union1": 1, "union1b": 1, "union2": 1, "joint": 1},
    "orgs.headcount": {"union1": 120, "union1b": 100, "union2": 120, "joint": 30, "town2": 15},
    # members on 31 Dec 2025: union1 m1 m2 m3 (m4 left in June, m5 joins in 2026, m8 moved to union2)
    "members.live": {"union1": 3, "union1b": 1, "union2": 2, "joint": 1, "closed": 1},
    "members.migrants": {"union1": 2, "union2": 1},
    "members.joined": {"union1": 1},
    "members.left": {"union1": 1},
    "members.transfers": {"union2": 1},
    # bargaining: union1's single agreement (50 workers of enterprise1), town2's area agreement
    # (enterprise3 at the joint union, enterprise4 at town2)
    "bargaining.agreements": {"union1": 1, "town2": 1},
    "bargaining.agreements.SINGLE": {"union1": 1},
    "bargaining.agreements.AREA": {"town2": 1},
    "bargaining.agreements.INDUSTRY": {},
    "bargaining.signed": {"union1": 1, "town2": 1},
    "bargaining.covered_enterprises": {"union1": 1, "joint": 1, "town2": 1},
    "bargaining.covered_workers": {"union1": 50, "joint": 30, "town2": 15},
    # congress: union1 two sessions held (one cancelled), three proposals; union2 one session, one proposal
    "congress.sessions": {"union1": 2, "union2": 1},
    "congress.proposals": {"union1": 3, "union2": 1},
    "congress.proposals_accepted": {"union1": 2, "union2": 1},
    "congress.proposals_adopted": {"union1": 2},
    "congress.proposal_benefit": {"union1": D("1000.50")},
    "congress.proposal_benefit_estimated": {"union1": D("2300.00")},
    # innovation
    "innovation.suggestions": {"union1": 1, "union2": 1, "union1b": 1},
    "innovation.suggestions_adopted": {"union1": 1, "union2": 1},
    "innovation.benefit": {"union1": D("18000.00"), "union2": D("250.25")},
    "innovation.tech_projects": {"union1": 1, "union2": 1},
    "innovation.tech_projects_completed": {"union1": 1},
    "innovation.tech_benefit": {"union1": D("56000.00")},
    # grassroots: visits held by the town of the enterprise; union1's home awarded, union2's refused
    "grassroots.foundings": {},
    "grassroots.joint_joins": {},
    "grassroots.elections": {},
    "grassroots.home_assessments": {"union1": 1, "union2": 1},
    "grassroots.homes": {"union1": 1},
    "grassroots.harmony": {"union1": 1, "union2": 1},
    "grassroots.harmony_passed": {"union1": 1},
    "grassroots.liaison_visits": {"town1": 1, "town2": 2},
    # competitions
    "competitions.competitions": {"district": 1, "town1": 1},
    "competitions.participants": {"union1": 2, "union2": 1, "union1b": 1},
    "competitions.activities": {"union1": 1},
    "competitions.activity_participants": {"union1": 12},
    "competitions.contests": {"district": 1},
    "competitions.contest_participants": {"union1": 2, "union2": 1},
    # training
    "training.courses": {"town1": 1, "union1": 1},
    "training.trainees": {"union1": 2, "union2": 1},
    "training.certificates": {"union1": 1},
    "training.mentorships": {"union1": 1},
    "training.mentorships_passed": {"union2": 1},
    # honours
    "honours.awards": {"union1": 1, "town2": 1},
    "honours.awards.AWARD": {"union1": 1},
    "honours.awards.CONTEST": {},
    "honours.awards.COMPETITION": {"town2": 1},
    "honours.awards.MODEL_WORKER": {},
    "honours.awards.SKILL_LEADER": {},
    "honours.awards.OTHER": {},
    "honours.model_workers": {"union1": 1},
    "honours.allowance_paid": {"union2": D("300.00")},
    "honours.allowance_people": {"union2": 1},
    "honours.rewards_paid": {"union1": D("1500.00")},
    "honours.rewards": {"union1": 1},
    # services
    "services.orders": {"union1": 1},
    "services.project_deliveries": {"union1": 1},
    "services.people_served": {"union1": 65},
    "services.facilities_opened": {"union1": 1},
    "services.events": {"town1": 1},
    "services.event_participants": {"union1": 1, "union2": 1},
    "services.event_checkins": {"union1": 1},
    "services.performances": {"town2": 1},
    "services.screenings": {"union2": 1},
    "services.redemptions": {"union1": 1},
    # welfare
    "welfare.spend.SPRING_BREEZE": {},
    "welfare.spend.SUMMER_COOLING": {"town1": D("1000.00")},
    "welfare.spend.GOLDEN_AUTUMN": {"union1": D("3000.00"), "union2": D("5000.00")},
    "welfare.spend.SAFE_HOMECOMING": {"joint": D("800.00")},
    "welfare.spend.AD_HOC": {},
    "welfare.spend_total": {"union1": D("3000.00"), "union2": D("5000.00"), "joint": D("800.00"),
                            "town1": D("1000.00")},
    "welfare.beneficiaries": {"union1": 1, "union2": 1, "joint": 1},
    "welfare.visit_help": {"town1": D("500.00")},
    "welfare.mutual_aid_paid": {"union1": D("2000.00")},
    "welfare.mutual_aid_claims": {"union1": 1},
    "welfare.mutual_aid_covered": {"union1": 2},
    "welfare.hardship_files": {"union2": 1},
    # voice: the appeal statistics' KnownDataset (a1–a8)
    "voice.appeals_received": {"union1": 3, "union2": 1, "union1b": 1, "town2": 1, "district": 1},
    "voice.appeals_closed": {"union1": 2, "town2": 1},
    "voice.appeals_on_time": {"union1": 1, "town2": 1},
    "voice.satisfaction_sum": {"union1": 8, "town2": 4},
    "voice.satisfaction_count": {"union1": 2, "town2": 1},
    "voice.satisfied": {"union1": 1, "town2": 1},
}

# The district's 合计 of every ratio, written out (the other rows' ratios are worked out from
# their sums by `expected_ratio`).
DISTRICT_RATIOS = {
    "members.rate": D("2.1"),  # 8 live ÷ 385 workers
    "members.migrant_share": D("37.5"),  # 3 ÷ 8
    "bargaining.coverage": D("24.7"),  # 95 ÷ 385
    "voice.on_time_rate": D("66.7"),  # 2 ÷ 3
    "voice.satisfaction": D("4.00"),  # 12 ÷ 3
    "voice.satisfied_rate": D("66.7"),  # 2 ÷ 3
}


# --- what each cell must be ----------------------------------------------------------------------


def held_value(code, org_key):
    return D(EXPECTED[code].get(org_key, 0))


def expected_row(data, code, orgs):
    """The sum of what the given orgs (keys) hold for the metric."""
    return sum((held_value(code, key) for key in orgs), D(0))


def subtree_keys(data, org):
    return [key for key, o in data.orgs.items() if o.path.startswith(org.path)]


def expected_ratio(ratio, figures):
    den = figures[ratio.denominator]
    if not den:
        return None
    scale = D(100) if ratio.percent else D(1)
    return (figures[ratio.numerator] * scale / den).quantize(D(1).scaleb(-ratio.decimals), rounding=ROUND_HALF_UP)


def expected_figures(data, keys):
    figures = {code: expected_row(data, code, keys) for code in EXPECTED}
    figures.update({r.code: expected_ratio(r, figures) for r in metrics.all_ratios()})
    return figures


def expected_rows(data, org):
    """(kind, label or None, figures) of each row of the org's section tables."""
    children = [o for o in data.orgs.values() if o.depth == org.depth + 1 and o.path.startswith(org.path)]
    rows = [(CHILD, child.name, expected_figures(data, subtree_keys(data, child)))
            for child in sorted(children, key=lambda o: o.path) if child.is_active]
    own_key = next(key for key, o in data.orgs.items() if o.pk == org.pk)
    rows.append((OWN, None, expected_figures(data, [own_key])))
    closed = [key for child in children if not child.is_active for key in subtree_keys(data, child)]
    if any(expected_row(data, code, closed) for code in EXPECTED):
        rows.append((CLOSED, None, expected_figures(data, closed)))
    rows.append((TOTAL, None, expected_figures(data, subtree_keys(data, org))))
    return rows


@pytest.fixture
def data(tree):
    data = KnownDistrict(tree)
    run = refresh(YEAR)
    assert run.status == "DONE"
    return data


def test_every_metric_has_its_expected_values():
    assert set(EXPECTED) == {m.code for m in metrics.all_metrics()}


@pytest.mark.parametrize("org_key", ["district", "town1", "town2", "union1"])
def test_every_cell_of_every_section_table(data, org_key):
    org = data.orgs[org_key]
    report = build_annual_report(org=org, year=YEAR)
    rows = expected_rows(data, org)
    assert len(report.sections) == len(metrics.SECTIONS)
    checked = 0
    for section in report.sections:
        assert [(row.kind, row.label if row.kind == CHILD else None) for row in section.rows] == [
            (kind, label) for kind, label, _f in rows], section.code
        for row, (_kind, _label, figures) in zip(section.rows, rows, strict=True):
            for column, cell in zip(section.columns, row.cells, strict=True):
                assert cell.value == figures[column.code], (org_key, row.kind, row.label, column.code)
                checked += 1
    shown = [m for m in metrics.all_metrics() if m.shown]
    assert checked == (len(shown) + len(metrics.all_ratios())) * len(rows)
    if org_key == "district":
        total = report.totals
        assert {code: total[code] for code in DISTRICT_RATIOS} == DISTRICT_RATIOS


def test_the_towns_table_shows_the_closed_union_on_its_own_row(data):
    report = build_annual_report(org=data.orgs["town1"], year=YEAR)
    members = next(s for s in report.sections if s.code == "members")
    live = members.columns.index(next(c for c in members.columns if c.code == "members.live"))
    assert [(row.kind, row.cells[live].value) for row in members.rows] == [
        (CHILD, 3), (CHILD, 1), (OWN, 0), (CLOSED, 1), (TOTAL, 5)]


def test_every_cell_of_the_level_table(data):
    report = build_annual_report(org=data.orgs["district"], year=YEAR)
    levels = [code for code, _label in report.levels.levels]
    assert levels == ["DISTRICT", "TOWN", "PLATFORM", "INDUSTRY", "GRASSROOTS", "GROUP"]
    by_level = {level: expected_figures(data, [k for k, o in data.orgs.items() if o.level == level])
                for level in levels}
    total = expected_figures(data, list(data.orgs))
    for group in report.levels.groups:
        for row in group.rows:
            code = row.column.code
            assert [cell.value for cell in row.cells] == [by_level[level][code] for level in levels], code
            assert row.total.value == total[code], code


def test_every_cell_of_the_workbook_and_the_json(data):
    org = data.orgs["district"]
    report = build_annual_report(org=org, year=YEAR)
    rows = expected_rows(data, org)
    book = CalamineWorkbook.from_filelike(io.BytesIO(report_bytes(report, "xlsx")))
    body = report_json(report)
    assert book.sheet_names[1:-1] == [title for _code, title in metrics.SECTIONS]
    for section, sheet_name, json_section in zip(report.sections, book.sheet_names[1:-1], body["sections"],
                                                 strict=True):
        sheet = book.get_sheet_by_name(sheet_name).to_python()
        assert sheet[0][1:] == [c.label for c in section.columns]
        assert len(sheet) == 1 + len(rows)
        for line, json_row, (kind, label, figures) in zip(sheet[1:], json_section["rows"], rows, strict=True):
            if kind == CHILD:
                assert line[0] == label and json_row["label"] == label
            assert json_row["kind"] == kind
            for column, cell, value in zip(section.columns, line[1:], json_row["values"].values(), strict=True):
                want = figures[column.code]
                if want is None:
                    assert cell == "—" and value is None, column.code
                    continue
                excel = want / 100 if column.unit == "percent" else want
                assert cell == pytest.approx(float(excel)), (kind, label, column.code)
                assert D(value) == want, (kind, label, column.code)
    total = expected_figures(data, list(data.orgs))
    assert {code: (D(v) if v is not None else None) for code, v in body["total"].items()} == {
        code: total[code] for code in body["total"]}


def test_every_figure_of_the_page_links_to_a_list_that_opens(client, data):
    client.force_login(data.tree.district_staff)
    response = client.get(reverse("reports:annual"), {"year": YEAR})
    assert response.status_code == 200
    report = response.context["report"]
    urls = set()
    for section in report.sections:
        for row in section.rows:
            for column, cell in zip(section.columns, row.cells, strict=True):
                if row.kind in (CHILD, TOTAL) and cell.value and column.drill:
                    assert cell.url, (row.label, column.code)
                    urls.add(cell.url)
                else:
                    assert not cell.url
    html = response.content.decode()
    for url in urls:
        assert url.replace("&", "&amp;") in html
    assert len(urls) > 50
    for url in sorted(urls):
        assert client.get(url).status_code == 200, url
