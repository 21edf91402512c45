"""The member list: search by name, pinyin initials, ID card and mobile (never in a URL), filters,
keyset pages with a capped count, and a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from gonghui.members import services

from .member_helpers import new_id, new_mobile, register


@pytest.fixture(autouse=True)
def english(settings):
    """These tests assert the English source strings; the default language is zh-hans."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


LIST = reverse("members:list")


@pytest.fixture
def people(tree):
    return {
        "zsf": register(tree.union1_chair, tree.union1, "张三丰", id_number=new_id(region="341221")),
        "zxm": register(tree.union1_chair, tree.union1, "张小明"),
        "ls": register(tree.union1_chair, tree.union1, "李四"),
        "b": register(tree.town1_cadre, tree.union1b, "王五"),
        "far": register(tree.union2_chair, tree.union2, "张三"),  # town2: out of town1's scope
    }


def names(response):
    return {m.person.name for m in response.context["page"].items}


def test_list_shows_masked_numbers_only(client, tree, people):
    client.force_login(tree.union1_chair)
    response = client.get(LIST)
    body = response.content.decode()
    person = people["zsf"].person
    assert person.id_number_masked in body and person.phone_masked in body
    assert person.id_number() not in body and person.phone() not in body
    assert names(response) == {"张三丰", "张小明", "李四"}


def test_pinyin_initials_search(client, tree, people):
    client.force_login(tree.town1_cadre)
    assert names(client.get(LIST, {"q": "zsf"})) == {"张三丰"}
    assert names(client.get(LIST, {"q": "zs"})) == {"张三丰"}
    assert names(client.get(LIST, {"q": "ZX"})) == {"张小明"}
    assert names(client.get(LIST, {"q": "张"})) == {"张三丰", "张小明"}  # name prefix, scoped: not 张三 of town2


def test_name_search_is_posted_then_redirected_to_a_bookmarkable_get(client, tree, people):
    client.force_login(tree.town1_cadre)
    response = client.post(LIST, {"q": "zsf", "status": "live"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?q=zsf"
    assert names(client.get(response["Location"])) == {"张三丰"}


@pytest.mark.parametrize("kind", ["id", "id_lower", "phone"])
def test_search_by_id_or_phone_is_answered_in_the_post_response(client, tree, people, kind):
    person = people["zsf"].person
    number = {"id": person.id_number(), "id_lower": person.id_number().lower(), "phone": person.phone()}[kind]
    client.force_login(tree.town1_cadre)
    response = client.post(LIST, {"q": number}, follow=True)
    assert response.redirect_chain == []  # no redirect: the number would land in a URL
    assert response.status_code == 200
    assert names(response) == {"张三丰"}
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    # The number appears only as the search box's value, never in a link or a form action.
    assert f'href="?q={number}' not in body and f"q={number}" not in body
    assert body.count(number) == 1


def test_search_by_number_paginates_by_post(client, tree, people, settings):
    settings.LIST_PAGE_SIZE = 1
    person = people["zsf"].person
    services.end_membership(actor=tree.union1_chair, membership=people["zsf"], ended_on=people["zsf"].joined_on,
                            reason="left")
    register(tree.town1_cadre, tree.union1b, "张三丰", id_number=person.id_number(), phone=person.phone())
    client.force_login(tree.town1_cadre)
    first = client.post(LIST, {"q": person.phone(), "status": "all"})
    assert len(first.context["page"].items) == 1 and first.context["page"].next_after
    body = first.content.decode()
    assert 'name="after"' in body and f"after={first.context['page'].next_after}" not in body
    second = client.post(LIST, {"q": person.phone(), "status": "all", "after": first.context["page"].next_after})
    assert second.status_code == 200 and len(second.context["page"].items) == 1


def test_a_number_typed_into_the_url_is_refused_not_searched(client, tree, people):
    number = people["zsf"].person.id_number()
    client.force_login(tree.town1_cadre)
    response = client.get(LIST, {"q": number, "status": "all"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?status=all"  # dropped from the address, not searched
    page = client.get(response["Location"])
    assert "must not appear in a web address" in page.content.decode()
    assert number not in page.content.decode()


def test_search_by_number_outside_scope_finds_nothing(client, tree, people):
    client.force_login(tree.town1_cadre)
    response = client.post(LIST, {"q": people["far"].person.id_number()})
    assert names(response) == set()


def test_filters_org_subtree_status_and_migrant(client, tree, people):
    client.force_login(tree.town1_cadre)
    assert names(client.get(LIST, {"org": tree.union1b.pk})) == {"王五"}
    assert names(client.get(LIST, {"migrant": "yes"})) == {"张三丰"}  # ID from 安徽
    assert "张三丰" not in names(client.get(LIST, {"migrant": "no"}))
    services.end_membership(actor=tree.union1_chair, membership=people["ls"], ended_on=people["ls"].joined_on,
                            reason="retired")
    assert "李四" not in names(client.get(LIST))
    assert names(client.get(LIST, {"status": "LEFT"})) == {"李四"}
    assert "李四" in names(client.get(LIST, {"status": "all"}))
    # An org outside the user's scope is not a valid choice (and shows nothing of it).
    response = client.get(LIST, {"org": tree.union2.pk})
    assert response.context["form"].errors.get("org")
    assert "张三" not in names(response)


def test_keyset_pages_and_capped_count(client, tree, settings):
    settings.LIST_PAGE_SIZE = 5
    settings.LIST_COUNT_CAP = 10
    for i in range(12):
        register(tree.union1_chair, tree.union1, f"成员{i}")
    client.force_login(tree.union1_chair)
    first = client.get(LIST)
    page = first.context["page"]
    assert len(page.items) == 5 and page.count_label == "10+"
    second = client.get(LIST, {"after": page.next_after})
    assert len(second.context["page"].items) == 5
    assert not {m.pk for m in page.items} & {m.pk for m in second.context["page"].items}
    assert "First page" in second.content.decode()


def _count_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST, {"q": "c"})
        assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["page"].items)


def test_list_page_query_count_does_not_grow_with_rows(client, tree, django_assert_max_num_queries):
    client.force_login(tree.town1_cadre)
    for i in range(3):
        register(tree.union1_chair, tree.union1, f"陈{i}", phone=new_mobile())
    with django_assert_max_num_queries(10):
        few, rows_few = _count_queries(client)
    for i in range(37):
        register(tree.town1_cadre, tree.union1b if i % 2 else tree.union1, f"程{i}")
    with django_assert_max_num_queries(10):
        many, rows_many = _count_queries(client)
    assert (rows_few, rows_many) == (3, 40)
    assert few == many
