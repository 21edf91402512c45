"""Caps under concurrency: two approvals of one person's claims at the same moment, each alone
within the cap but not together: the coverage row is locked, so the second sees the first's
amount and is cut (or refused). Two claims with the same invoice at once: one wins. The threaded
tests stage the real race on PostgreSQL; SQLite serialises writers."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.welfare.models.mutualaid import ClaimStatus, MutualAidClaim, MutualAidCoverage
from gonghui.welfare.services import mutualaid as services
from gonghui.welfare.testing.mutualaid import claim, covered, plan, reviewed

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
DAY = datetime.timedelta(days=1)


@pytest.mark.django_db
def test_a_stale_copy_cannot_approve_twice(tree):
    p = plan(tree)
    (cov,) = covered(tree, p)
    c = reviewed(tree, claim(tree, cov))
    mine, theirs = MutualAidClaim.objects.get(pk=c.pk), MutualAidClaim.objects.get(pk=c.pk)
    services.approve_claim(actor=tree.district_staff, claim=mine)
    with pytest.raises(Exception) as refused:
        services.approve_claim(actor=tree.district_staff, claim=theirs)
    assert refused.value.code == "wrong_stage"
    cov.refresh_from_db()
    assert cov.total_approved == Decimal("4000.00")


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_never_pass_the_cap():
    tree = Tree()
    p = plan(tree, hospital_cap=Decimal("6000.00"))
    (cov,) = covered(tree, p)
    t = services.today()
    claims = [reviewed(tree, claim(tree, cov, eligible="8500", when=(t - (30 - 10 * i) * DAY, t - (26 - 10 * i) * DAY)))
              for i in range(3)]
    outcome = race([lambda c=c: services.approve_claim(actor=tree.district_staff, claim=c) for c in claims])
    assert outcome == ["cap_reached", "won", "won"]
    cov = MutualAidCoverage.objects.get(pk=cov.pk)
    approved = sorted(MutualAidClaim.objects.filter(status=ClaimStatus.APPROVED).values_list("approved_amount",
                                                                                            flat=True))
    assert approved == [Decimal("2000.00"), Decimal("4000.00")]
    assert cov.hospital_approved == cov.total_approved == Decimal("6000.00")


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_claims_with_one_invoice_at_once():
    tree = Tree()
    p = plan(tree)
    covs = covered(tree, p, people=[tree.member().person for _ in range(3)])
    outcome = race([lambda c=c: claim(tree, c, invoices="SAME-0001") for c in covs])
    assert outcome == ["duplicate_invoice", "duplicate_invoice", "won"]
    assert MutualAidClaim.objects.count() == 1
