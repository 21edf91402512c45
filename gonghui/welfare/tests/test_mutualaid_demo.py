"""The demo rows of mutual aid (core.demo.welfare.mutualaid) on the test tree standing in for the
generated district: rows the services would have written (amounts by the rules within the caps,
counters matching the approved claims, invoices live only on live claims, payouts in the help
records), claims at every stage in town1 and town2, member1 covered with a paid claim, the pages
showing them."""

from types import SimpleNamespace

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from gonghui.core.demo.generator import TOWN1, TOWN2
from gonghui.core.demo.welfare import mutualaid as demo
from gonghui.core.testing.factories import add_org
from gonghui.orgs.models import OrgLevel
from gonghui.welfare.models.hardship import HelpRecord
from gonghui.welfare.models.mutualaid import ClaimInvoice, ClaimPayout, ClaimStatus, MutualAidClaim, MutualAidCoverage
from gonghui.welfare.services import mutualaid as services

pytestmark = pytest.mark.django_db


def _node(org, town=None):
    return SimpleNamespace(id=org.pk, town=town)


def fake_gen(tree):
    other_town = add_org(tree.district, "衙前镇总工会", OrgLevel.TOWN)
    other = add_org(other_town, "衙前某企业工会", OrgLevel.GRASSROOTS)
    t1, t2, t3 = _node(tree.town1), _node(tree.town2), _node(other_town)
    member1 = tree.member().person
    for union, n in ((tree.union1, 40), (tree.union1b, 30), (tree.union2, 40), (other, 20)):
        for _ in range(n):
            tree.member(union=union)
    union1 = _node(tree.union1, t1)
    return SimpleNamespace(seed=2026, scale=SimpleNamespace(name="small"), town_by_name={TOWN1: t1, TOWN2: t2},
                           root=_node(tree.district), union1=union1, member1=member1.pk,
                           unions=[union1, _node(tree.union1b, t1), _node(tree.union2, t2), _node(other, t3)],
                           writer=SimpleNamespace(reset_sequences=lambda models: None))


def test_demo_rows_follow_the_rules(tree):
    gen = fake_gen(tree)
    counts = demo.seed(gen)
    assert counts["plans"] == 3 and counts["claims"] == MutualAidClaim.objects.count() > 5
    claims = list(MutualAidClaim.objects.select_related("plan", "coverage"))
    assert {c.status for c in claims} >= {ClaimStatus.PAID, ClaimStatus.SUBMITTED}
    assert len({c.town_id for c in claims}) >= 2
    for c in claims:
        c.full_clean(exclude=["number"])
        assert c.coverage.effective_from <= c.admitted_on <= c.plan.coverage_ends
        if c.approved_amount is not None:
            assert c.approved_amount <= services.compute_payout(c.plan, c.kind, c.eligible_cost)
        live = c.status not in (ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN)
        assert set(ClaimInvoice.objects.filter(claim=c).values_list("live", flat=True)) == {live}
        assert c.documents.exists() == (c.status != ClaimStatus.DRAFT)
    for cov in MutualAidCoverage.objects.filter(total_approved__gt=0).select_related("plan"):
        approved = (MutualAidClaim.objects.filter(coverage=cov, status__in=(ClaimStatus.APPROVED, ClaimStatus.PAID))
                    .aggregate(s=Sum("approved_amount"))["s"])
        assert cov.total_approved == approved <= cov.plan.overall_cap
    for p in ClaimPayout.objects.select_related("claim"):
        assert p.amount == p.claim.approved_amount and p.claim.status == ClaimStatus.PAID
        assert HelpRecord.objects.get(source_key=f"welfare.ClaimPayout:{p.pk}").amount == p.amount
    mine = MutualAidClaim.objects.filter(person_id=gen.member1, plan__year=2026).get()
    assert mine.status == ClaimStatus.PAID
    for user in (tree.town1_cadre, tree.town2_cadre, tree.union1_chair):
        c = Client()
        c.force_login(user)
        for name in ("welfare:claim_list", "welfare:enrolment_list", "welfare:plan_list"):
            assert "<tbody>" in c.get(reverse(name)).content.decode(), (user, name)
    c = Client()
    c.force_login(tree.district_staff)
    claim = claims[0]
    assert c.get(reverse("welfare:claim_detail", args=[claim.pk])).status_code == 200
    assert c.get(reverse("welfare:plan_detail", args=[claim.plan_id])).status_code == 200
