"""Two people at once: nominations racing for the last place of a quota leave the quota full,
never over (the quota row is locked FOR UPDATE while the places are counted); a stale copy cannot
record a step twice. The threaded tests stage the real race on PostgreSQL."""

import pytest
from django.db import connection

from gonghui.core.errors import DomainError
from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.honours.models.awards import HonourNomination, NominationStatus
from gonghui.honours.services import awards as services
from gonghui.honours.testing.awards import member, nomination, quota, types

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


@pytest.mark.django_db
def test_a_stale_copy_cannot_confer_after_a_rejection(tree):
    n = nomination(tree, NominationStatus.NOTICE)
    mine, theirs = HonourNomination.objects.get(pk=n.pk), HonourNomination.objects.get(pk=n.pk)
    o = services.add_objection(actor=tree.district_staff, nomination=mine, content="异议")
    services.decide_objection(actor=tree.district_staff, objection=o, decision="uphold", note="属实")
    with pytest.raises(DomainError) as refused:
        services.confer_award(actor=tree.district_staff, nomination=theirs)
    assert refused.value.code == "wrong_stage"


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_nominations_never_exceed_the_quota():
    tree = Tree()
    quota(tree, org=tree.town1, places=2)
    t = types(tree)["GOLD_GEAR"]
    unions = [tree.union1, tree.union1b, tree.union1, tree.union1b]
    people = [member(tree, u, f"职工{i}") for i, u in enumerate(unions)]
    outcome = race([lambda u=u, p=p: services.nominate_honour(actor=tree.district_staff, honour_type=t, org=u,
                                                               person=p, deeds="事迹")
                    for u, p in zip(unions, people, strict=True)])
    assert outcome == ["quota_full", "quota_full", "won", "won"]
    assert HonourNomination.objects.filter(status="SUBMITTED").count() == 2


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_conferrals_at_once_write_one_record():
    from gonghui.honours.models.awards import HonourRecord

    tree = Tree()
    n = nomination(tree, NominationStatus.NOTICE)
    outcome = race([lambda: services.confer_award(actor=tree.district_staff,
                                                  nomination=HonourNomination.objects.get(pk=n.pk))] * 2)
    assert outcome == ["won", "wrong_stage"]
    assert HonourRecord.objects.count() == 1
