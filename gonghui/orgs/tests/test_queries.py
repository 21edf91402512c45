"""List pages issue a constant number of queries, whatever the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.core.testing.factories import EnterpriseFactory, add_org
from gonghui.orgs.models import Org, OrgLevel
from gonghui.orgs.selectors import child_nodes, root_nodes, subtree_figures

MAX_FRAGMENT_QUERIES = 10
MAX_LIST_QUERIES = 12


def _town_with_unions(tree, n, name):
    town = add_org(tree.district, name, OrgLevel.TOWN)
    for i in range(n):
        union = add_org(Org.objects.get(pk=town.pk), f"{name}{i}号工会", OrgLevel.GRASSROOTS)
        if i % 3 == 0:
            tree.member(union)
        if i % 5 == 0:
            add_org(Org.objects.get(pk=union.pk), f"{name}{i}号工会一组", OrgLevel.GROUP)
    return Org.objects.get(pk=town.pk)


def _queries(client, url, **extra):
    client.get(url, **extra)  # warm up: session, user, role cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_tree_fragment_query_count_does_not_grow_with_children(tree, client, hx, django_assert_max_num_queries):
    small, large = _town_with_unions(tree, 3, "小镇"), _town_with_unions(tree, 30, "大镇")
    client.force_login(tree.district_staff)
    few, response = _queries(client, reverse("orgs:children", args=[small.pk]), **hx)
    assert response.content.decode().count('class="tree-node"') == 3
    many, response = _queries(client, reverse("orgs:children", args=[large.pk]), **hx)
    assert response.content.decode().count('class="tree-node"') == 30
    assert few == many
    with django_assert_max_num_queries(MAX_FRAGMENT_QUERIES):
        client.get(reverse("orgs:children", args=[large.pk]), **hx)


def test_tree_page_and_detail_query_counts_are_bounded(tree, client, django_assert_max_num_queries):
    _town_with_unions(tree, 30, "大镇")
    client.force_login(tree.district_staff)
    client.get(reverse("orgs:tree"))
    with django_assert_max_num_queries(MAX_FRAGMENT_QUERIES):
        client.get(reverse("orgs:tree"))
    town = Org.objects.get(name="大镇")
    few, _ = _queries(client, reverse("orgs:detail", args=[tree.town2.pk]))
    many, _ = _queries(client, reverse("orgs:detail", args=[town.pk]))
    assert few == many


def test_subtree_figures_count_units_and_live_members(tree):
    tree.member(tree.union1)
    tree.member(tree.union1)
    tree.member(tree.union2)
    left = tree.member(tree.union1b)
    left.status, left.ended_on = "LEFT", left.joined_on
    left.save()
    figures = subtree_figures([tree.district, tree.town1, tree.town2, tree.union1])
    assert figures[tree.district.pk] == (3, 3)
    assert figures[tree.town1.pk] == (2, 2)
    assert figures[tree.town2.pk] == (1, 1)
    assert figures[tree.union1.pk] == (0, 2)
    nodes, more = child_nodes(tree.town1)
    assert [(n.org, n.unions, n.members) for n in nodes] == [(tree.union1, 0, 2), (tree.union1b, 0, 0)]
    assert more == ""
    assert [(n.org, n.members) for n in root_nodes(tree.town1_cadre)] == [(tree.town1, 2)]


def test_children_are_paged_by_path(tree):
    town = _town_with_unions(tree, 5, "分页镇")
    first, after = child_nodes(town, limit=2)
    assert len(first) == 2 and after == first[-1].org.path
    second, after = child_nodes(town, after=after, limit=2)
    third, after = child_nodes(town, after=after, limit=2)
    assert after == "" and len(third) == 1
    assert len({n.org.pk for n in first + second + third}) == 5


def test_enterprise_list_query_count_does_not_grow_with_rows(tree, client):
    small = add_org(tree.district, "小镇", OrgLevel.TOWN)
    large = add_org(tree.district, "大镇", OrgLevel.TOWN)
    small, large = Org.objects.get(pk=small.pk), Org.objects.get(pk=large.pk)
    unions = [add_org(Org.objects.get(pk=large.pk), f"大镇{i}号工会", OrgLevel.GRASSROOTS) for i in range(3)]
    EnterpriseFactory.create_batch(3, town=small)
    for i in range(30):
        EnterpriseFactory(town=large, union=unions[i % 3] if i % 2 else None)
    client.force_login(tree.district_staff)
    url = reverse("orgs:enterprise_list")
    few, response = _queries(client, url + f"?town={small.pk}")
    assert len(response.context["page"].items) == 3
    many, response = _queries(client, url + f"?town={large.pk}")
    assert len(response.context["page"].items) == 30
    assert few == many
    assert many <= MAX_LIST_QUERIES
    # The same holds for a town cadre, whose scope spans two lookups (town or union).
    client.force_login(tree.town1_cadre)
    EnterpriseFactory.create_batch(30, town=tree.town1)
    cadre_many, response = _queries(client, url)
    assert len(response.context["page"].items) == 31
    assert cadre_many <= MAX_LIST_QUERIES


def test_enterprise_list_pages_with_keyset_and_capped_count(tree, client, settings):
    settings.LIST_PAGE_SIZE = 10
    settings.LIST_COUNT_CAP = 15
    EnterpriseFactory.create_batch(25, town=tree.town1)
    client.force_login(tree.town1_cadre)
    url = reverse("orgs:enterprise_list")
    page = client.get(url).context["page"]
    assert page.count_label == "15+" and len(page.items) == 10 and page.next_after
    seen = {e.pk for e in page.items}
    page = client.get(url, {"after": page.next_after}).context["page"]
    assert page.has_previous and not seen & {e.pk for e in page.items}
    html = client.get(url).content.decode()
    assert "15+" in html
