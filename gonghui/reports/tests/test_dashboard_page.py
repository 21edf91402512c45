"""The statistics dashboard page: figures from the roll-ups of the known dataset
(reports.testing.dashboard), drill-down links, the table (本级 and total, sort, search, pages),
filters with bad values, "figures as of", the refresh button, deadlines, and a fixed number of
queries whatever the number of orgs below."""

import json
import re

import pytest
from django.urls import reverse

from gonghui.core import dashboard as core_dashboard
from gonghui.core.dashboard import DueSummary
from gonghui.core.testing.factories import add_org
from gonghui.orgs.models import Industry, OrgLevel
from gonghui.reports.models.rollups import RollupRun, RollupStatus
from gonghui.reports.selectors import dashboard as selectors
from gonghui.reports.testing.dashboard import YEAR, known_figures

pytestmark = pytest.mark.django_db
URL = reverse("reports:dashboard")


@pytest.fixture
def known(tree):
    with known_figures(tree):
        yield tree


def get(client, user, query=""):
    client.force_login(user)
    return client.get(f"{URL}?{query}" if query else URL)


def chart(response, chart_id):
    match = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', response.content.decode(),
                      re.S)
    return json.loads(match.group(1)) if match else None


def bars(option, series=0):
    return [item["value"] for item in option["series"][series]["data"]]


def bar_labels(option, series=0):
    return [item["label"]["formatter"] for item in option["series"][series]["data"]]


def tiles(response):
    # The note is "label: value"; the Chinese catalogue writes the colon full-width.
    return {str(t.label): (t.value, str(t.note).replace("：", ": ")) for t in response.context["board"].tiles}


def table(response):
    """{row label: cells} of the page's table rows, then 本级 and the total."""
    page, board = response.context["page"], response.context["board"]
    rows = {str(r.label): r.cells for r in page.object_list}
    if board.own:
        rows["own"] = board.own.cells
    rows["total"] = board.total.cells
    return rows


def test_district_figures_tiles_and_table(known, client):
    response = get(client, known.district_staff, f"year={YEAR}")
    assert response.status_code == 200
    board = response.context["board"]
    assert board.org == known.district and board.year == YEAR and board.as_of is not None
    t = tiles(response)
    assert t["会员"] == ("180", "入会率: 51.4 %")
    assert t["外来务工占比"] == ("41.7 %", "外来务工会员: 75")
    assert t["集体合同"][0] == "3"
    assert t["帮扶支出"][0] == "1,201"  # whole yuan on a tile (1,200.50 in the table)
    assert next(tile.unit for tile in response.context["board"].tiles if tile.code == "welfare.spend_total")
    assert t["受理诉求"] == ("8", "办结诉求: 6")
    assert t["按时办结率"] == ("66.7 %", "按时办结: 4")
    assert t["满意度"] == ("4.40", "评价数: 5")
    # the table: live, rate, migrant share, agreements, welfare, appeals, on-time rate, satisfaction
    assert [c.code for c in board.columns] == ["members.live", "members.rate", "members.migrant_share",
                                               "bargaining.agreements", "welfare.spend_total",
                                               "voice.appeals_received", "voice.on_time_rate", "voice.satisfaction"]
    rows = table(response)
    assert rows[known.town1.name] == ["150", "60.0 %", "30.0 %", "1", "1,200.50", "4", "66.7 %", "4.33"]
    assert rows[known.town2.name] == ["30", "30.0 %", "100.0 %", "2", "0.00", "3", "66.7 %", "4.50"]
    assert rows["own"] == ["0", "—", "—", "0", "0.00", "1", "—", "—"]
    assert rows["total"] == ["180", "51.4 %", "41.7 %", "3", "1,200.50", "8", "66.7 %", "4.40"]


def test_the_tile_links_to_the_list_behind_the_figure(known, client):
    response = get(client, known.district_staff, f"year={YEAR}")
    members = next(t for t in response.context["board"].tiles if t.code == "members.live")
    assert members.url == reverse("members:list") + f"?org={known.district.pk}"
    assert f'href="{members.url}"' in response.content.decode()


def test_chart_bars_open_the_child_dashboard_down_to_a_union(known, client):
    response = get(client, known.district_staff, f"year={YEAR}")
    option = chart(response, "dashboard-children")
    assert option["yAxis"]["data"] == [known.town1.name, known.town2.name]
    assert bars(option) == [150.0, 30.0] and bar_labels(option) == ["150", "30"]
    assert option["links"] == [f"{URL}?org={known.town1.pk}&year={YEAR}", f"{URL}?org={known.town2.pk}&year={YEAR}"]
    # the town's dashboard: its unions, largest first, linking on to the union's dashboard
    town = client.get(option["links"][0])
    assert town.status_code == 200 and town.context["board"].org == known.town1
    option = chart(town, "dashboard-children")
    assert option["yAxis"]["data"] == [known.union1.name, known.union1b.name]
    union = client.get(option["links"][0])
    assert union.status_code == 200 and union.context["board"].org == known.union1
    assert [c.org.name for c in union.context["crumbs"]] == [known.district.name, known.town1.name, known.union1.name]
    assert union.context["crumbs"][-1].url == ""  # the current org is not a link


def test_a_chosen_metric_is_charted_and_kept_in_the_links(known, client):
    response = get(client, known.district_staff, f"year={YEAR}&metric=voice.appeals_received")
    option = chart(response, "dashboard-children")
    assert bars(option) == [4.0, 3.0]
    assert all("metric=voice.appeals_received" in link for link in option["links"])
    ratio = chart(get(client, known.district_staff, f"year={YEAR}&metric=members.migrant_share"), "dashboard-children")
    assert ratio["yAxis"]["data"] == [known.town2.name, known.town1.name]  # 100.0 % before 30.0 %
    assert bars(ratio) == [100.0, 30.0] and bar_labels(ratio) == ["100.0 %", "30.0 %"]


def test_welfare_and_appeal_charts_have_their_tables(known, client):
    response = get(client, known.district_staff, f"year={YEAR}")
    welfare = chart(response, "dashboard-welfare")
    assert welfare["yAxis"]["data"] == ["金秋助学", "春送温暖"] and bars(welfare) == [1000.5, 200.0]
    assert bar_labels(welfare) == ["1,001", "200"]
    assert [(str(w.column.label), w.text) for w in response.context["board"].welfare] == [
        ("金秋助学", "1,000.50"), ("春送温暖", "200.00")]
    appeals = chart(response, "dashboard-appeals")
    assert [s["data"] for s in appeals["series"]] == [[4.0, 3.0], [3.0, 3.0], [2.0, 2.0]]
    assert appeals["links"][0].startswith(f"{URL}?org={known.town1.pk}")
    assert [(r.org, cells) for r, cells in response.context["appeal_rows"]] == [
        (known.town1, ["4", "3", "2", "66.7 %", "4.33"]), (known.town2, ["3", "3", "2", "66.7 %", "4.50"])]


def test_union_chair_sees_the_union_with_its_groups(known, client):
    group = add_org(known.union1, "一组", OrgLevel.GROUP)
    response = get(client, known.union1_chair, f"year={YEAR}")
    board = response.context["board"]
    assert board.org == known.union1 and [r.org for r in board.rows] == [group]
    assert tiles(response)["会员"] == ("100", "入会率: 50.0 %")
    assert table(response)["own"][0] == "100"  # held by the union itself, not by the group
    assert [c.org for c in response.context["crumbs"]] == [known.union1]  # the chair's reach starts here


def test_sort_and_search_the_table(known, client):
    rows = get(client, known.district_staff, f"year={YEAR}&org={known.town1.pk}&sort=members.live").context["page"]
    assert [r.org for r in rows.object_list] == [known.union1b, known.union1]
    rows = get(client, known.district_staff, f"year={YEAR}&org={known.town1.pk}&sort=-members.live").context["page"]
    assert [r.org for r in rows.object_list] == [known.union1, known.union1b]
    found = get(client, known.district_staff, f"year={YEAR}&org={known.town1.pk}&q=乙企业").context["page"]
    assert [r.org for r in found.object_list] == [known.union1b]
    unknown_sort = get(client, known.district_staff, f"year={YEAR}&sort=nope").context["page"]
    assert [r.org for r in unknown_sort.object_list] == [known.town1, known.town2]  # tree order


def test_sort_headers_cycle_largest_first_then_smallest_then_tree_order(known, client):
    headers = get(client, known.district_staff, f"year={YEAR}").context["headers"]
    assert "sort=-members.live" in headers[0]["url"] and headers[0]["state"] == ""
    headers = get(client, known.district_staff, f"year={YEAR}&sort=-members.live").context["headers"]
    assert "sort=members.live" in headers[0]["url"] and headers[0]["state"] == "desc"
    headers = get(client, known.district_staff, f"year={YEAR}&sort=members.live").context["headers"]
    assert "sort=" not in headers[0]["url"] and headers[0]["state"] == "asc"


def test_the_table_is_paged(known, client, settings):
    settings.REPORTS_DASHBOARD_RULES = {"children_per_page": 1}
    first = get(client, known.district_staff, f"year={YEAR}")
    assert [r.org for r in first.context["page"].object_list] == [known.town1]
    second = client.get(f"{URL}?year={YEAR}&page=2")
    assert [r.org for r in second.context["page"].object_list] == [known.town2]
    assert "page=2" in first.content.decode()


def test_industry_filter_reads_that_industry_and_drops_the_own_row(known, client):
    # union2's enterprise is in this industry: its figures are the town's and the district's
    known.enterprise2.industry = Industry.LOGISTICS
    known.enterprise2.save()
    from gonghui.reports.testing.rollups import refresh

    refresh(YEAR)
    response = get(client, known.district_staff, f"year={YEAR}&industry={Industry.LOGISTICS}")
    board = response.context["board"]
    assert board.industry == Industry.LOGISTICS and board.own is None
    assert tiles(response)["会员"][0] == "30"
    assert table(response)[known.town2.name][0] == "30"
    assert all(f"industry={Industry.LOGISTICS}" in r.url for r in board.rows)


def test_bad_filters_say_why_and_fall_back_to_the_defaults(known, client):
    response = get(client, known.district_staff, "year=abc&industry=NOPE&metric=nope.metric&org=")
    assert response.status_code == 200
    board = response.context["board"]
    assert board.year == selectors.year_choices()[0] and board.industry == "" and board.org == known.district
    assert board.chart_column.code == "members.live"
    form = response.context["form"]
    assert form.errors.keys() == {"year", "industry", "metric"}  # each shown beside its field
    assert form["metric"].value() == "members.live"  # the select shows the figure drawn
    assert response.content.decode().count('class="errorlist"') == 3
    far = get(client, known.district_staff, "year=1999")
    assert far.status_code == 200 and far.context["board"].year == selectors.year_choices()[0]


@pytest.mark.parametrize("org", ["abc", "999999", "-1", "1e9", "0", "99999999999999999999"])
def test_a_bad_org_is_a_404(known, client, org):
    assert get(client, known.district_staff, f"org={org}").status_code == 404


def test_a_year_never_computed_says_so(known, client):
    """Only years with figures (and this year) can be chosen; this year, never computed, says so."""
    RollupRun.objects.all().delete()
    response = get(client, known.district_staff, f"year={YEAR}")
    board = response.context["board"]
    assert response.status_code == 200 and board.year == selectors.year_choices()[0] != YEAR
    assert board.as_of is None and tiles(response)["会员"][0] == "0"
    assert list(response.context["form"].errors) == ["year"]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "have not been counted yet" in get(client, known.district_staff).content.decode()


def test_figures_as_of_the_last_finished_run(known, client):
    run = RollupRun.objects.filter(year=YEAR, status=RollupStatus.DONE).latest("finished_at")
    response = get(client, known.district_staff, f"year={YEAR}")
    assert response.context["board"].as_of == run.finished_at


def test_refresh_button_only_for_district_staff(known, client):
    assert get(client, known.district_staff, f"year={YEAR}").context["can_refresh"]
    assert 'action="/reports/dashboard/refresh/"' in get(client, known.district_staff).content.decode()
    town = get(client, known.town1_cadre, f"year={YEAR}")
    assert not town.context["can_refresh"] and "dashboard/refresh/" not in town.content.decode()


def test_refresh_now_queues_a_run_and_comes_back(known, client):
    client.force_login(known.district_staff)
    before = RollupRun.objects.count()
    response = client.post(reverse("reports:dashboard_refresh"), {"org": known.town1.pk, "year": YEAR,
                                                                   "metric": "voice.appeals_received"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?org={known.town1.pk}&year={YEAR}&metric=voice.appeals_received"
    assert RollupRun.objects.count() == before + 1


def test_deadlines_in_reach_are_shown(known, client, monkeypatch):
    summary = DueSummary(label="换届选举", overdue=2, soon=3, url="/grassroots/elections/?due=overdue")
    monkeypatch.setattr(core_dashboard, "due_for", lambda user: [summary])
    response = get(client, known.town1_cadre, f"year={YEAR}")
    due = response.context["board"].due
    assert (due.overdue, due.soon) == (2, 3)
    assert 'href="/grassroots/elections/?due=overdue"' in response.content.decode()


def test_nothing_due_still_shows_the_overdue_figure_at_zero(known, client, monkeypatch):
    """Items due/overdue is one of the dashboard's figures: 0 is an answer, not a missing tile."""
    monkeypatch.setattr(core_dashboard, "due_for", lambda user: [])
    response = get(client, known.town1_cadre, f"year={YEAR}")
    html = response.content.decode()
    assert response.context["board"].due.overdue == 0
    assert 'href="#deadlines"' not in html and 'id="deadlines"' not in html
    assert html.count("kpi card") == len(response.context["board"].tiles) + 1  # the tiles and the overdue one


def test_several_top_orgs_are_offered(known, client):
    from gonghui.accounts.models import RoleAssignment
    from gonghui.accounts.roles import Role
    from gonghui.core.testing.factories import user_with_role

    both = user_with_role(known.town1, Role.TOWN_CADRE, username="both")
    RoleAssignment.objects.create(user=both, org=known.town2, role=Role.TOWN_CADRE)
    response = get(client, both, f"year={YEAR}")
    assert response.context["board"].org == known.town1
    assert response.context["roots"] == [known.town1, known.town2]
    assert get(client, both, f"year={YEAR}&org={known.town2.pk}").context["board"].org == known.town2


def test_query_count_does_not_grow_with_the_orgs_below(known, client, django_assert_max_num_queries):
    client.force_login(known.district_staff)
    client.get(f"{URL}?year={YEAR}")  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{URL}?year={YEAR}").status_code == 200
    for n in range(12):
        add_org(known.district, f"新增街道{n}", OrgLevel.TOWN)
    from gonghui.reports.testing.rollups import refresh

    refresh(YEAR)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"{URL}?year={YEAR}")
    assert len(response.context["board"].rows) == 14


def test_the_home_page_links_to_the_dashboard(known, client):
    link = f'href="{URL}"'
    client.force_login(known.union1_staff)
    assert link in client.get(reverse("core:home")).content.decode().split("<main", 1)[1]
    client.force_login(known.member_user)
    assert link not in client.get(reverse("core:home")).content.decode()


def test_deadlines_are_counted_once_while_clicking_down(known, client, monkeypatch, settings):
    settings.REPORTS_DASHBOARD_RULES = {"due_cache_seconds": 60}
    calls = []

    def counted(user):
        calls.append(user.pk)
        return [DueSummary(label="换届选举", overdue=1, soon=0, url="/grassroots/elections/")]

    monkeypatch.setattr(core_dashboard, "due_for", counted)
    get(client, known.town1_cadre, f"year={YEAR}")
    assert client.get(f"{URL}?year={YEAR}&org={known.union1.pk}").context["board"].due.overdue == 1
    assert calls == [known.town1_cadre.pk]  # the second dashboard reused the count
    get(client, known.town2_cadre, f"year={YEAR}")  # another user: their own count
    assert calls == [known.town1_cadre.pk, known.town2_cadre.pk]
    settings.REPORTS_DASHBOARD_RULES = {"due_cache_seconds": 0}
    get(client, known.town2_cadre, f"year={YEAR}")
    assert len(calls) == 3
