"""The home dashboard: figures computed from the records, per-child chart, constant queries."""

import datetime
import itertools
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from gonghui.core import dashboard
from gonghui.core.dashboard import child_figures, dashboard_for
from gonghui.core.testing.factories import EnterpriseFactory, MembershipFactory, PersonFactory, add_org
from gonghui.members.models import MembershipStatus
from gonghui.orgs.models import OrgLevel


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


_births = itertools.count()


def add_member(union, *, migrant=False, status=MembershipStatus.ACTIVE):
    # A distinct birth date per person: PersonFactory's ID numbers otherwise only vary in a
    # 3-digit sequence, and collide now and then across a test session.
    birth_on = datetime.date(1970, 1, 1) + datetime.timedelta(days=next(_births))
    person = PersonFactory(is_migrant=migrant, hometown_province="安徽省" if migrant else "浙江省", birth_on=birth_on)
    ended = datetime.date(2024, 1, 1) if status in (MembershipStatus.LEFT, MembershipStatus.TRANSFERRED_OUT) else None
    return MembershipFactory(person=person, union=union, status=status, ended_on=ended)


@pytest.fixture
def people(tree):
    """union1: 3 live (1 migrant) + 1 left; union1b: 1 live (transfer pending); union2: 2 live migrants.
    Headcount: enterprise1 120 (town1/union1), enterprise2 120 (town2/union2), plus 60 in town1 with no union."""
    add_member(tree.union1, migrant=True)
    add_member(tree.union1)
    add_member(tree.union1)
    add_member(tree.union1, status=MembershipStatus.LEFT)
    add_member(tree.union1b, status=MembershipStatus.TRANSFER_PENDING)
    add_member(tree.union2, migrant=True)
    add_member(tree.union2, migrant=True)
    EnterpriseFactory(town=tree.town1, union=None, headcount=60)
    return tree


def test_district_figures_come_from_the_records(people):
    tree = people
    [section] = dashboard_for(tree.district_staff)
    assert section.org == tree.district
    k = section.kpis
    assert (k.unions, k.members, k.migrants, k.headcount) == (3, 6, 3, 300)
    assert k.membership_rate == 2.0 and k.migrant_share == 50.0

    by_name = {c.org.name: c.kpis for c in section.children}
    town1, town2 = by_name[tree.town1.name], by_name[tree.town2.name]
    assert (town1.unions, town1.members, town1.migrants, town1.headcount) == (2, 4, 1, 180)
    assert (town2.unions, town2.members, town2.migrants, town2.headcount) == (1, 2, 2, 120)
    assert town1.migrant_share == 25.0 and town2.migrant_share == 100.0
    # The children add up to the whole.
    assert sum(c.kpis.members for c in section.children) == k.members


def test_town_cadre_sees_their_town_and_its_unions(people):
    tree = people
    [section] = dashboard_for(tree.town1_cadre)
    assert section.org == tree.town1
    assert (section.kpis.unions, section.kpis.members) == (2, 4)
    assert [(c.org, c.kpis.members) for c in section.children] == [(tree.union1, 3), (tree.union1b, 1)]


def test_dashboard_page_shows_the_figures_chart_and_table(client, people):
    tree = people
    client.force_login(tree.district_staff)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "2.0 %" in text and "50.0 %" in text  # rate and migrant share of the district
    assert "of 300 staff" in text

    # The chart's data travels as JSON (CSP: no inline script) and matches the table.
    match = re.search(r'<script id="members-chart-0" type="application/json">(.*?)</script>', text, re.S)
    option = json.loads(match.group(1))
    assert option["yAxis"]["data"] == [tree.town1.name, tree.town2.name]
    assert option["series"][0]["data"] == [4, 2]
    assert 'data-chart="members-chart-0"' in text
    try:
        expected = [reverse("orgs:detail", kwargs={"pk": org.pk}) for org in (tree.town1, tree.town2)]
    except NoReverseMatch:
        expected = [None, None]
    assert option["links"] == expected
    for url in filter(None, expected):
        assert f'href="{url}"' in text
    assert "<script>" not in text  # nothing inline


def test_union_chair_sees_their_union_without_children(client, people):
    tree = people
    client.force_login(tree.union1_chair)
    response = client.get(reverse("core:home"))
    [section] = response.context["sections"]
    assert section.org == tree.union1 and section.kpis.members == 3
    assert section.children == [] and section.chart is None
    assert "data-chart" not in response.content.decode()


def test_member_without_a_linked_record_goes_to_the_portal(client, tree):
    # The portal's home offers 实名入会 to a member login not linked to a member record yet.
    client.force_login(tree.member_user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    text = client.get(response["Location"]).content.decode()
    assert reverse("training:my_courses") not in text


def test_member_sees_their_pages_and_no_dead_links(client, tree):
    from gonghui.members.services import link_member_account

    link_member_account(actor=tree.union1_chair, person=tree.member().person, user=tree.member_user)
    client.force_login(tree.member_user)
    # A member who lands here (the cadres' sign-in sends everyone here) goes on to the portal's
    # home, in the phone frame (issue 11), which lists every module's member pages.
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    response = client.get(response["Location"])
    assert response.status_code == 200
    text = response.content.decode()
    # every module's member pages (core.member_pages), e.g. training's
    assert f'href="{reverse("training:my_courses")}"' in text
    assert "data-chart" not in text and 'class="navbar' not in text
    for href in re.findall(r'href="([^"#]+)"', text):
        if href.startswith("/static/"):
            continue
        assert client.get(href).status_code == 200, href


def test_account_without_role_is_told_so(client, tree):
    client.force_login(tree.outsider)
    text = client.get(reverse("core:home")).content.decode()
    assert "no role yet" in text


def test_home_needs_sign_in(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_inactive_children_are_left_out(tree):
    closed = add_org(tree.district, "已撤销街道", OrgLevel.TOWN, is_active=False)
    assert closed not in [c.org for c in child_figures(tree.district)]


def _home_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("core:home")).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_orgs(client, people, django_assert_max_num_queries):
    tree = people
    client.force_login(tree.district_staff)
    # The page's own queries, plus one count per registered "due" source (wage negotiation's
    # counts two tables) and whether the district's reach is the whole tree (core.scoping); what
    # must not happen is a count per org.
    with django_assert_max_num_queries(13 + len(dashboard._DUE_SOURCES)):
        client.get(reverse("core:home"))
    before = _home_queries(client)
    for i in range(6):
        town = add_org(tree.district, f"新镇{i}", OrgLevel.TOWN)
        for j in range(3):
            union = add_org(town, f"新工会{i}-{j}", OrgLevel.GRASSROOTS)
            EnterpriseFactory(town=town, union=union, headcount=50)
            add_member(union, migrant=bool(j % 2))
    after = _home_queries(client)
    assert after == before
    [section] = client.get(reverse("core:home")).context["sections"]
    assert len(section.children) == 8
    assert section.kpis.members == 6 + 18


def test_pages_have_no_inline_script_or_style(client, people):
    """CSP is script-src/style-src 'self': no inline code or style attributes on these pages."""
    tree = people
    client.force_login(tree.district_staff)
    for url in (reverse("core:home"), reverse("core:audit_list"), reverse("accounts:role_list"),
                reverse("accounts:token_list"), reverse("accounts:profile"),
                reverse("accounts:org_roles", args=[tree.union1.pk])):
        text = client.get(url).content.decode()
        assert " style=" not in text, url
        for tag in re.findall(r"<script[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)


def test_enterprise_headcount_follows_its_union_then_its_town(tree):
    # Works in town1 but its union is in town2: counted under town2, once.
    EnterpriseFactory(town=tree.town1, union=tree.union2, headcount=40)
    by_org = {c.org: c.kpis.headcount for c in child_figures(tree.district)}
    assert by_org == {tree.town1: 120, tree.town2: 160}


@pytest.fixture
def figures_cached(settings):
    from django.core.cache import cache

    settings.FIGURES_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_cached_figures_are_reused_and_dated(people, figures_cached, client):
    """With the cache on, a second dashboard does not count memberships again, and says when
    the figures were counted; another subtree has its own entry."""
    tree = people
    [first] = dashboard_for(tree.district_staff)
    assert first.kpis.members == 6 and first.as_of is not None
    add_member(tree.union1)
    with CaptureQueriesContext(connection) as queries:
        [again] = dashboard_for(tree.district_staff)
    assert again.kpis.members == 6  # the cached count, until it expires
    assert again.as_of == first.as_of
    assert not [q for q in queries.captured_queries if "members_membership" in q["sql"]]
    [town] = dashboard_for(tree.town1_cadre)
    assert town.kpis.members == 5  # town1 is counted fresh: union1 3 + the new one, union1b 1

    client.force_login(tree.district_staff)
    body = client.get(reverse("core:home")).content.decode()
    assert f"Counted at {timezone.localtime(first.as_of):%H:%M}" in body


def test_figures_cache_off_counts_every_time(people):
    tree = people
    [first] = dashboard_for(tree.district_staff)
    add_member(tree.union1)
    [again] = dashboard_for(tree.district_staff)
    assert again.kpis.members == first.kpis.members + 1


def test_scheduled_refresh_warms_district_and_town_figures(people, figures_cached):
    from gonghui.members.tasks import refresh_figures_task

    tree = people
    refresh_figures_task()
    add_member(tree.union2)  # after the refresh: shows up at the next one
    for user in (tree.district_staff, tree.town1_cadre):
        with CaptureQueriesContext(connection) as queries:
            [section] = dashboard_for(user)
        assert not [q for q in queries.captured_queries if "members_membership" in q["sql"]]
    assert section.kpis.members == 4
    refresh_figures_task()
    [district] = dashboard_for(tree.district_staff)
    assert district.kpis.members == 7


def test_a_move_forgets_cached_figures(people, figures_cached, django_capture_on_commit_callbacks):
    from gonghui.orgs.services import move_org

    tree = people
    before = {c.org.pk: c.kpis.members for c in dashboard_for(tree.district_staff)[0].children}
    with django_capture_on_commit_callbacks(execute=True):
        move_org(actor=tree.district_staff, org=tree.union2, new_parent=tree.town1)
    after = {c.org.pk: c.kpis.members for c in dashboard_for(tree.district_staff)[0].children}
    assert after[tree.town1.pk] == before[tree.town1.pk] + before[tree.town2.pk]
    assert after[tree.town2.pk] == 0


def test_town_shares_of_the_district_count_equal_their_own_counts(people, figures_cached):
    from gonghui.members.figures import _count_subtree, refresh_upper_levels, subtree_counts

    tree = people
    assert refresh_upper_levels() == 3  # the district and its two towns
    for town in (tree.town1, tree.town2):
        cached, fresh = subtree_counts(town.path), _count_subtree(town.path)
        assert cached.members_by_union == fresh.members_by_union
        assert sorted(cached.headcount_by_unit, key=str) == sorted(fresh.headcount_by_unit, key=str)


def test_unions_are_counted_fresh_even_with_the_cache_on(people, figures_cached):
    from gonghui.members.selectors import member_kpis

    tree = people
    assert member_kpis(tree.union1).members == 3
    add_member(tree.union1)
    assert member_kpis(tree.union1).members == 4


def test_cached_page_counts_neither_deadlines_nor_the_tree_again(client, people, figures_cached):
    """District scale: the ~35 deadline counts and the walk over every node of the subtree were
    ~400 ms per view. With the cache on, a second view runs the session, user, role, notification
    and org reads only, whatever the number of due sources."""
    tree = people
    client.force_login(tree.district_staff)
    first = _home_queries(client)
    assert first > len(dashboard._DUE_SOURCES)  # the first view counts
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("core:home"))
    assert len(ctx.captured_queries) <= 8, [q["sql"][:120] for q in ctx.captured_queries]
    assert not [q for q in ctx.captured_queries if "LIKE" in q["sql"] and "COUNT" in q["sql"]]
    [section] = response.context["sections"]
    assert (section.kpis.unions, section.kpis.members) == (3, 6)  # the same figures as counted
    assert [(c.org, c.kpis.members) for c in section.children] == [(tree.town1, 4), (tree.town2, 2)]


@pytest.fixture
def one_due_source(monkeypatch):
    calls = []

    def source(user):
        calls.append(user.pk)
        return dashboard.DueSummary(label="换届选举", overdue=len(calls), soon=0, url="/grassroots/elections/")

    monkeypatch.setattr(dashboard, "_DUE_SOURCES", [source])
    return calls


def test_deadlines_are_kept_per_user_and_sign_in(client, people, figures_cached, one_due_source):
    tree = people
    client.force_login(tree.district_staff)
    first = client.get(reverse("core:home"))
    again = client.get(reverse("core:home"))
    assert one_due_source == [tree.district_staff.pk]  # counted once
    assert [d.overdue for d in again.context["due"]] == [1]
    counted_at = again.context["due_counted_at"]
    assert first.context["due_counted_at"] == counted_at is not None
    assert f"Counted at {timezone.localtime(counted_at):%H:%M}" in again.content.decode().split('id="due-title"')[1]

    client.force_login(tree.town1_cadre)  # another user: their own count
    client.get(reverse("core:home"))
    assert one_due_source == [tree.district_staff.pk, tree.town1_cadre.pk]

    client.logout()
    tree.district_staff.refresh_from_db()
    tree.district_staff.last_login = timezone.now() + datetime.timedelta(seconds=1)  # a new sign-in
    tree.district_staff.save(update_fields=["last_login"])
    client.force_login(tree.district_staff)
    client.get(reverse("core:home"))
    assert one_due_source.count(tree.district_staff.pk) == 2


def test_a_role_given_or_taken_counts_the_deadlines_again(client, people, figures_cached, one_due_source):
    """The entry is keyed by the role assignments: a cadre given a second town (or losing one)
    sees the deadlines of their new reach at once, not when the entry expires."""
    from gonghui.accounts.models import RoleAssignment
    from gonghui.accounts.roles import Role

    tree = people
    client.force_login(tree.town1_cadre)
    client.get(reverse("core:home"))
    client.get(reverse("core:home"))
    assert one_due_source == [tree.town1_cadre.pk]
    extra = RoleAssignment.objects.create(user=tree.town1_cadre, org=tree.town2, role=Role.TOWN_CADRE)
    client.get(reverse("core:home"))
    assert len(one_due_source) == 2
    extra.delete()
    client.get(reverse("core:home"))  # back to the first reach: its entry is still good
    assert len(one_due_source) == 2


def test_the_statistics_dashboard_shares_the_home_pages_deadlines(client, people, figures_cached, one_due_source):
    from gonghui.reports.selectors.dashboard import _due

    tree = people
    client.force_login(tree.district_staff)
    client.get(reverse("core:home"))
    totals = _due(tree.district_staff)
    assert one_due_source == [tree.district_staff.pk]  # counted once, for both
    home_counted_at = client.get(reverse("core:home")).context["due_counted_at"]
    assert (totals.overdue, totals.soon, totals.counted_at) == (1, 0, home_counted_at)


def test_deadlines_are_counted_on_every_view_with_the_cache_off(client, people, one_due_source):
    client.force_login(people.district_staff)
    for _ in range(2):
        response = client.get(reverse("core:home"))
    assert len(one_due_source) == 2 and response.context["due_counted_at"] is None
    assert "Counted at" not in response.content.decode().split('id="due-title"')[1].split("</section>")[0]


def test_a_recount_forgets_the_dashboard_roll_up(people, figures_cached):
    from gonghui.members.figures import refresh_subtree_counts

    tree = people
    assert dashboard_for(tree.district_staff)[0].children[0].kpis.members == 4
    add_member(tree.union1)
    assert dashboard_for(tree.district_staff)[0].children[0].kpis.members == 4  # kept with its counts
    refresh_subtree_counts(tree.district.path)
    [section] = dashboard_for(tree.district_staff)
    assert section.children[0].kpis.members == 5 and section.kpis.members == 7
