"""The grassroots overview: figures from the records in the user's subtree, the module's due
lines, who may open it, and a query count that does not grow with the records."""

import datetime

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import Tree
from gonghui.grassroots.testing import committees as committee_testing
from gonghui.grassroots.testing import foundings as founding_testing

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def tree():
    return Tree()


def _page(client, user):
    client.force_login(user)
    return client.get(reverse("grassroots:overview"))


def _figures(response):
    return response.context["overview"]


def test_figures_count_the_records_of_the_subtree(client, tree):
    # union1 (town1): term expired; union2 (town2): term runs on; union1b: no committee on record.
    committee_testing.committee(tree.union1, elected_on=TODAY.replace(year=TODAY.year - 6), term_years=5)
    committee_testing.committee(tree.union2, elected_on=TODAY.replace(year=TODAY.year - 1), term_years=5)
    founding_testing.bare_enterprise(tree.town1, headcount=120)
    founding_testing.bare_enterprise(tree.town2, headcount=30)
    founding_testing.application(tree.town1_cadre, founding_testing.bare_enterprise(tree.town1, headcount=60))

    district = _figures(_page(client, tree.district_staff))
    assert district.committees["expired"] == 1 and district.committees["later"] == 1
    assert district.committees["none"] == 1
    assert district.unorganised == {"enterprises": 3, "headcount": 210}
    assert district.foundings.open == 1

    town2 = _figures(_page(client, tree.town2_cadre))
    assert town2.committees["expired"] == 0 and town2.committees["later"] == 1 and town2.committees["none"] == 0
    assert town2.unorganised == {"enterprises": 1, "headcount": 30}
    assert town2.foundings.open == 0


def test_expired_terms_appear_among_the_deadlines(client, tree):
    committee_testing.committee(tree.union1, elected_on=TODAY.replace(year=TODAY.year - 6), term_years=5)
    response = _page(client, tree.town1_cadre)
    lines = {item.url.split("?")[0]: item for item in _figures(response).due}
    assert lines[reverse("grassroots:committee_list")].overdue == 1
    assert "换届" in response.content.decode()


@pytest.mark.parametrize("who, status", [
    ("district_staff", 200), ("town1_cadre", 200), ("union1_chair", 200), ("union1_staff", 200),
    ("member_user", 403), ("outsider", 403),
])
def test_who_may_open_the_overview(client, tree, who, status):
    assert _page(client, getattr(tree, who)).status_code == status


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("grassroots:overview"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_query_count_does_not_grow_with_records(client, tree, django_assert_max_num_queries):
    client.force_login(tree.district_staff)
    client.get(reverse("grassroots:overview"))  # warm caches (session, roles)
    for i in range(5):
        founding_testing.bare_enterprise(tree.town1, headcount=20 + i)
        committee_testing.committee(tree.union1 if i == 0 else tree.union2, term_number=i + 1,
                                    elected_on=TODAY.replace(year=TODAY.year - 1),
                                    status="CURRENT" if i < 2 else "REPLACED")
    with django_assert_max_num_queries(30):
        assert client.get(reverse("grassroots:overview")).status_code == 200


def test_overview_is_kept_per_user_with_the_time_and_a_recount(client, tree, settings,
                                                               django_assert_max_num_queries):
    # As in production (FIGURES_CACHE_SECONDS): ~20 aggregate queries at district scale are
    # counted once per few minutes, not on every view; the page says when they were counted.
    from django.core.cache import cache

    from gonghui.accounts.models import RoleAssignment
    from gonghui.accounts.roles import Role

    cache.clear()
    settings.FIGURES_CACHE_SECONDS = 300
    founding_testing.bare_enterprise(tree.town1, headcount=120)
    first = _page(client, tree.district_staff)
    assert _figures(first).unorganised["enterprises"] == 1 and _figures(first).cached
    assert "?refresh=1" in first.content.decode()  # "counted at HH:MM", and a link to count again
    founding_testing.bare_enterprise(tree.town2, headcount=30)
    with django_assert_max_num_queries(8):  # session, user, roles, notifications: no count over the records
        cached = client.get(reverse("grassroots:overview"))
    assert _figures(cached).unorganised["enterprises"] == 1
    # Another user has their own entry: town1 is not served the district's figures.
    assert _figures(_page(client, tree.town1_cadre)).unorganised["enterprises"] == 1
    assert _figures(_page(client, tree.town2_cadre)).unorganised["enterprises"] == 1  # town2's own
    # A role given (or taken away) shows at once: the assignments are part of the key.
    assert _figures(_page(client, tree.union1_chair)).unorganised["enterprises"] == 0
    RoleAssignment.objects.create(user=tree.union1_chair, org=tree.town2, role=Role.TOWN_CADRE)
    assert _figures(client.get(reverse("grassroots:overview"))).unorganised["enterprises"] == 1
    # "Count again now" recounts and replaces the entry.
    client.force_login(tree.district_staff)
    recount = client.get(reverse("grassroots:overview") + "?refresh=1")
    assert _figures(recount).unorganised["enterprises"] == 2
    assert _figures(client.get(reverse("grassroots:overview"))).unorganised["enterprises"] == 2
    cache.clear()
