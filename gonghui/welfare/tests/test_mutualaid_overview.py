"""Mutual aid on the welfare overview and the dashboard: the card's figures (one scoped
aggregate), the due line for whoever's step a claim waits for (town review, district approval
and payout), one query each; the member page is registered for the welcome page."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.member_pages import member_pages
from gonghui.welfare.models.mutualaid import MutualAidClaim
from gonghui.welfare.selectors import mutualaid as selectors
from gonghui.welfare.services import mutualaid as services
from gonghui.welfare.testing.mutualaid import claim, covered, plan, reviewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(tree):
    p = plan(tree)
    a, b, c = covered(tree, p, people=[tree.member().person for _ in range(3)])
    (d,) = covered(tree, p, union=tree.union2)
    submitted = claim(tree, a, submit=True)
    waiting = reviewed(tree, claim(tree, b))
    approved = services.approve_claim(actor=tree.district_staff, claim=reviewed(tree, claim(tree, c)))
    other = claim(tree, d, submit=True)
    return submitted, waiting, approved, other


def test_due_line_per_role_one_query(tree, claims, django_assert_num_queries):
    for user in (tree.town1_cadre, tree.district_staff):
        selectors.due_claims_summary(user)  # warm the user's role cache
    with django_assert_num_queries(1):
        town1 = selectors.due_claims_summary(tree.town1_cadre)
    assert (town1.overdue, town1.soon) == (0, 1)  # union1's submitted claim only
    with django_assert_num_queries(1):
        district = selectors.due_claims_summary(tree.district_staff)
    assert district.soon == 4  # two submitted, one to approve, one to pay
    old = services.now() - datetime.timedelta(days=30)
    MutualAidClaim.objects.filter(pk=claims[0].pk).update(submitted_at=old)
    assert selectors.due_claims_summary(tree.town1_cadre).overdue == 1
    # the wait counts from the stage's time: a later save (a document, a note) does not restart it
    MutualAidClaim.objects.filter(pk=claims[0].pk).update(updated_at=services.now())
    assert selectors.due_claims_summary(tree.town1_cadre).overdue == 1
    assert selectors.due_claims_summary(tree.union1_chair) is None
    assert selectors.due_claims_summary(tree.member_user) is None


def test_overview_card(tree, claims):
    card = selectors.overview_card(tree.town1_cadre)
    values = [r.value for r in card.rows]
    assert values[:3] == [1, 1, 1]
    assert selectors.overview_card(tree.town2_cadre).rows[0].value == 1
    assert selectors.overview_card(tree.member_user) is None
    c = Client()
    c.force_login(tree.district_staff)
    assert c.get(reverse("welfare:overview")).status_code == 200


def test_member_page_is_registered(tree):
    person = tree.member().person
    person.account = tree.member_user
    person.save(update_fields=["account"])
    assert reverse("welfare:my_mutual_aid") in [p["url"] for p in member_pages(tree.member_user)]
