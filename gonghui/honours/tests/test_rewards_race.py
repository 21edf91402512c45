"""Two people at once: two district approvers cannot both decide the same claim, two payment
runs cannot pay a claim twice, and two unions cannot claim one certificate number (the partial
unique constraint). The threaded tests stage the real race on PostgreSQL."""

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race, race_actors
from gonghui.honours.models.rewards import RewardClaimStatus, SkillRewardBatch, SkillRewardClaim
from gonghui.honours.services import rewards as services
from gonghui.honours.testing.rewards import claim, worker

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
S = RewardClaimStatus


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_exactly_one_wins():
    tree = Tree()
    c = claim(tree, S.TOWN_PASSED)
    outcome = race([
        lambda: services.district_review(actor=tree.district_staff, claim=SkillRewardClaim.objects.get(pk=c.pk),
                                         decision="approve"),
        lambda: services.district_review(actor=tree.district_staff, claim=SkillRewardClaim.objects.get(pk=c.pk),
                                         decision="reject", reason="不符合条件"),
    ])
    assert outcome == ["won", "wrong_stage"]
    assert SkillRewardClaim.objects.get(pk=c.pk).status in (S.APPROVED, S.REJECTED)


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_payment_runs_at_once_pay_once():
    tree = Tree()
    c = claim(tree, S.APPROVED)
    outcome = race([lambda ref=ref: services.pay_claims(actor=tree.district_staff, claim_ids=[c.pk],
                                                         paid_on=services.today(), reference=ref)
                    for ref in ("P-A", "P-B")])
    assert outcome == ["won", "wrong_stage"]
    assert SkillRewardBatch.objects.count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_certificate_claimed_by_two_unions_at_once():
    tree = Tree()
    people = {tree.union1_chair: (tree.union1, worker(tree)),
              tree.union2_chair: (tree.union2, worker(tree, tree.union2))}
    outcome = race_actors(list(people), lambda u: services.create_claim(
        actor=u, org=people[u][0], person=people[u][1], level="LEVEL3", trade="电工", certificate_no="3301RACE0001",
        certificate_on=services.today()))
    assert outcome == ["duplicate_certificate", "won"]
    assert SkillRewardClaim.objects.filter(certificate_no="3301RACE0001").count() == 1
