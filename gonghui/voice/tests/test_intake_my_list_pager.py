"""The member's appeal list `/voice/my/appeals/` is paged (keyset, 20 a page, newest first):
25 of the member's own appeals make 2 pages, every one shown once, nobody else's on any page."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from gonghui.members.models import Person
from gonghui.voice.testing.intake import member_appeal, public_appeal

pytestmark = pytest.mark.django_db

NUMBERS = re.compile(r'href="/voice/my/appeals/(\d+)/"')


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def linked(tree):
    m = tree.member(union=tree.union1)
    Person.objects.filter(pk=m.person.pk).update(account=tree.member_user)
    return m.person


def shown(body):
    return [int(pk) for pk in NUMBERS.findall(body)]


def test_25_own_appeals_make_two_pages_and_only_own(tree, linked):
    mine = [member_appeal(tree.member_user, linked, title=f"诉求{i}") for i in range(25)]
    others = [public_appeal(), member_appeal(tree.union1_chair, tree.member().person)]
    mine_ids = sorted((a.pk for a in mine), reverse=True)
    c = Client()
    c.force_login(tree.member_user)

    first = c.get(reverse("voice:my_appeals"))
    body = first.content.decode()
    assert first.status_code == 200
    assert shown(body) == mine_ids[:20]
    assert first.context["page"].count == 25 and first.context["page"].next_after == mine_ids[19]
    assert f'href="?after={mine_ids[19]}"' in body and 'href="?"' not in body

    second = c.get(reverse("voice:my_appeals"), {"after": mine_ids[19]})
    body2 = second.content.decode()
    assert second.status_code == 200
    assert shown(body2) == mine_ids[20:]
    assert second.context["page"].next_after is None and second.context["page"].has_previous
    assert 'href="?after=' not in body2 and 'href="?"' in body2  # first page, no next

    for a in others:
        assert a.pk not in shown(body) + shown(body2)
        assert a.number not in body and a.number not in body2


def test_bad_after_is_the_first_page_and_past_the_end_keeps_the_pager(tree, linked):
    a = member_appeal(tree.member_user, linked)
    c = Client()
    c.force_login(tree.member_user)
    assert shown(c.get(reverse("voice:my_appeals"), {"after": "x"}).content.decode()) == [a.pk]
    r = c.get(reverse("voice:my_appeals"), {"after": a.pk})
    assert r.status_code == 200 and shown(r.content.decode()) == []
    assert r.context["page"].has_previous  # the pager's "first page" link is there, not the "none yet" text
