"""The module overview pages (core.overview) keep their cards and due lines per user for
FIGURES_CACHE_SECONDS, as in production: a second view does not count the areas again, the page
says when it was counted and offers to count again, and each user (and each set of roles) has
their own entry. With the setting 0 (the tests' default) every view counts afresh."""

import pickle

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.accounts.models import RoleAssignment
from gonghui.accounts.roles import Role
from gonghui.core import overview as core_overview
from gonghui.publicity.testing.articles import draft

pytestmark = pytest.mark.django_db

OVERVIEWS = ["voice:overview", "training:overview", "welfare:overview", "services:overview",
             "honours:overview", "competitions:overview", "publicity:overview"]


@pytest.fixture
def cached(settings):
    cache.clear()
    settings.FIGURES_CACHE_SECONDS = 300
    yield
    cache.clear()


@pytest.fixture
def counts(monkeypatch):
    """How many times the areas were counted (cards_and_due called), whatever the page."""
    calls = []
    real = core_overview.cards_and_due

    def counting(user, areas):
        calls.append(user.pk)
        return real(user, areas)

    monkeypatch.setattr(core_overview, "cards_and_due", counting)
    return calls


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _drafts(response):
    """The "Drafts" figure of the publicity overview's news card."""
    url = reverse("publicity:article_list")
    card = next(card for card in response.context["cards"] if card.url == url)
    return next(row.value for row in card.rows if row.url == url + "?status=DRAFT")


@pytest.mark.parametrize("name", OVERVIEWS)
def test_second_view_is_served_from_the_cache(tree, cached, counts, name):
    c = _client(tree.district_staff)
    url = reverse(name)
    with CaptureQueriesContext(connection) as first_queries:
        first = c.get(url)
    assert first.status_code == 200 and first.context["overview"].cached and counts == [tree.district_staff.pk]
    page = first.content.decode()
    assert f'href="{url}?refresh=1"' in page  # "counted at HH:MM", and a link to count again
    assert "统计时间" in page  # the grassroots msgid "Counted at …", translated
    with CaptureQueriesContext(connection) as second_queries:
        second = c.get(url)
    assert counts == [tree.district_staff.pk]  # the areas were not counted again
    assert len(second_queries) < len(first_queries)
    assert [card.title for card in second.context["cards"]] == [card.title for card in first.context["cards"]]
    assert f'href="{url}?refresh=1"' in second.content.decode()
    c.get(url + "?refresh=1")
    assert counts == [tree.district_staff.pk] * 2  # "Count again now" counts again


@pytest.mark.parametrize("name", OVERVIEWS)
def test_what_is_cached_pickles(tree, cached, name):
    # Redis (production, the load benchmark) pickles the entry, as locmem does: the lazy labels
    # of the cards and due lines must survive the round trip.
    figures = _client(tree.district_staff).get(reverse(name)).context["overview"]
    again = pickle.loads(pickle.dumps(figures))
    assert [str(card.title) for card in again.cards] == [str(card.title) for card in figures.cards]
    assert [[(str(r.label), r.value, r.url) for r in card.rows] for card in again.cards] == \
           [[(str(r.label), r.value, r.url) for r in card.rows] for card in figures.cards]
    assert [(str(d.label), d.overdue, d.soon) for d in again.due] == [(str(d.label), d.overdue, d.soon)
                                                                      for d in figures.due]


def test_refresh_counts_again_and_each_user_has_their_own_entry(tree, cached, counts):
    url = reverse("publicity:overview")
    district = _client(tree.district_staff)
    draft(tree)  # a town1 draft
    assert _drafts(district.get(url)) == 1
    draft(tree)
    assert _drafts(district.get(url)) == 1  # kept: counted a moment ago
    recount = district.get(url + "?refresh=1")
    assert _drafts(recount) == 2 and recount.context["overview"].cached
    assert _drafts(district.get(url)) == 2  # the recount replaced the entry
    # Another user has their own entry: town2 is not served the district's figures.
    town2 = _client(tree.town2_cadre)
    assert _drafts(town2.get(url)) == 0
    assert _drafts(_client(tree.town1_cadre).get(url)) == 2
    # A role given (or taken away) shows at once: the assignments are part of the key.
    RoleAssignment.objects.create(user=tree.town2_cadre, org=tree.town1, role=Role.TOWN_CADRE)
    assert _drafts(town2.get(url)) == 2


def test_modules_do_not_share_an_entry(tree, cached):
    c = _client(tree.district_staff)
    publicity = c.get(reverse("publicity:overview")).context["cards"]
    welfare = c.get(reverse("welfare:overview")).context["cards"]
    assert [card.url for card in publicity] != [card.url for card in welfare]


def test_without_the_cache_every_view_counts(tree, settings, counts):
    settings.FIGURES_CACHE_SECONDS = 0
    cache.clear()
    url = reverse("publicity:overview")
    c = _client(tree.district_staff)
    draft(tree)
    first = c.get(url)
    assert not first.context["overview"].cached and "?refresh=1" not in first.content.decode()
    assert "统计时间" not in first.content.decode()
    draft(tree)
    assert _drafts(c.get(url)) == 2 and len(counts) == 2
    assert not [key for key in cache._cache if ":overview:" in key]  # locmem: nothing kept


def test_the_entry_is_kept_under_the_users_key(tree, cached):
    _client(tree.district_staff).get(reverse("publicity:overview"))
    assert [key for key in cache._cache if ":overview:" in key]


def test_count_again_now_is_limited_per_page_and_user(tree, cached, counts, settings):
    """Holding F5 on "count again now" recounts at most FIGURES_RECOUNT_RATE times; after that the
    entry kept is served (a district recount costs about a second of the database)."""
    settings.FIGURES_RECOUNT_RATE = "2/min"
    url = reverse("welfare:overview")
    c = _client(tree.district_staff)
    c.get(url)
    for _ in range(4):
        assert c.get(url + "?refresh=1").status_code == 200
    assert counts == [tree.district_staff.pk] * 3  # the first view and two recounts, not four
    other = _client(tree.town1_cadre)  # another user's page is their own entry, with its own limit
    other.get(url + "?refresh=1")
    assert counts[-1] == tree.town1_cadre.pk and len(counts) == 4
