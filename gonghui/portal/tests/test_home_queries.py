"""Query counts of the portal pages: a fixed number, whatever the member holds (no N+1)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.members.models import Membership, MembershipStatus
from gonghui.portal.testing.home import busy_day, linked_member, message

pytestmark = pytest.mark.django_db

PAGES = ("portal:home", "portal:services", "portal:messages", "portal:me", "portal:my_membership",
         "portal:my_offers")
# Upper bounds measured with everything present (see docs/portal-home.md); they must not grow with
# the number of records.
BUDGET = {"portal:home": 19, "portal:services": 8, "portal:messages": 6, "portal:me": 8,
          "portal:my_membership": 7, "portal:my_offers": 12}


def count(c, name):
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(reverse(name)).status_code == 200
    return len(ctx.captured_queries)


def add_more(tree, person, n):
    """n more of everything that lists: past periods, messages, news, offers, campaigns."""
    from gonghui.publicity.testing.articles import published
    from gonghui.services.testing.benefits import offer
    from gonghui.welfare.testing.campaigns import campaign

    live = person.memberships.get(status=MembershipStatus.ACTIVE)
    for i in range(n):
        Membership.objects.create(person=person, union=tree.union2 if i % 2 else tree.union1b,
                                  joined_on=live.joined_on.replace(year=live.joined_on.year - 2 * (i + 2)),
                                  ended_on=live.joined_on.replace(year=live.joined_on.year - 2 * (i + 2) + 1),
                                  status=MembershipStatus.TRANSFERRED_OUT)
        message(tree.member_user, title=f"消息{i}")
        published(tree, org=tree.district, scope_org=tree.district)
        offer(tree, title=f"优惠{i}")
        campaign(tree, title=f"活动{i}", budgets={})


@pytest.mark.parametrize("name", PAGES)
def test_page_queries_do_not_grow(tree, name):
    person = linked_member(tree)
    busy_day(tree, person)
    c = Client()
    c.force_login(tree.member_user)
    c.get(reverse(name))  # warm caches (content types, sessions)
    few = count(c, name)
    add_more(tree, person, 4)
    many = count(c, name)
    assert many == few, (name, few, many)
    assert many <= BUDGET[name], (name, many)


def test_api_queries_do_not_grow(tree):
    person = linked_member(tree)
    api = api_as(tree.member_user)

    def n():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/my/membership").status_code == 200
        return len(ctx.captured_queries)

    n()
    few = n()
    add_more(tree, person, 3)
    assert n() == few <= 8
