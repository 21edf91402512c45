"""Two people acting on the same self-assessment at once: exactly one wins.

The stale-copy tests run everywhere: each request loaded the record before the other's step was
committed, so the service must re-read it under its lock. The threaded tests stage the real race
on PostgreSQL (SQLite serialises writers): two starts of the same enterprise and year (one row,
the other gets the friendly `already_open`), two ratings at once."""


import pytest
from django.db import connection

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race_actors
from gonghui.grassroots.models.harmony import HarmonyAssessment, HarmonyStatus
from gonghui.grassroots.services import harmony as services
from gonghui.grassroots.testing.harmony import assessment, published_set

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
TODAY = services.today()


@pytest.mark.django_db
def test_a_stale_copy_cannot_rate_twice(tree):
    published_set(actor=tree.district_staff)
    a = assessment(actor=tree.union1_chair, enterprise=tree.enterprise1, status=HarmonyStatus.FORWARDED,
                   reviewer=tree.town1_cadre)
    mine, theirs = HarmonyAssessment.objects.get(pk=a.pk), HarmonyAssessment.objects.get(pk=a.pk)
    services.rate_assessment(actor=tree.district_staff, assessment=mine, rated_on=TODAY)
    with pytest.raises(DomainError) as refused:
        services.rate_assessment(actor=tree.district_staff, assessment=theirs, rated_on=TODAY, rating="MODEL",
                                 reason="再议")
    assert refused.value.code == "wrong_stage"
    assert AuditEvent.objects.filter(action="grassroots.harmony_rate").count() == 1


@pytest.mark.django_db
def test_a_stale_copy_cannot_forward_a_returned_assessment(tree):
    published_set(actor=tree.district_staff)
    a = assessment(actor=tree.union1_chair, enterprise=tree.enterprise1, status=HarmonyStatus.SUBMITTED)
    mine, theirs = HarmonyAssessment.objects.get(pk=a.pk), HarmonyAssessment.objects.get(pk=a.pk)
    services.return_assessment(actor=tree.town1_cadre, assessment=mine, reason="补充材料", returned_on=TODAY)
    with pytest.raises(DomainError) as refused:
        services.forward_assessment(actor=tree.district_staff, assessment=theirs, reviewed_on=TODAY, scores={})
    assert refused.value.code == "wrong_stage"
    assert HarmonyAssessment.objects.get(pk=a.pk).status == HarmonyStatus.RETURNED




@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_starts_at_once_leave_one_self_assessment():
    tree = Tree()
    published_set(actor=tree.district_staff)
    outcome = race_actors([tree.union1_chair, tree.town1_cadre],
                    lambda u: services.start_assessment(actor=u, enterprise=tree.enterprise1, year=TODAY.year))
    assert outcome == ["already_open", "won"]
    assert HarmonyAssessment.objects.filter(enterprise=tree.enterprise1).count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_ratings_at_once_exactly_one_wins():
    tree = Tree()
    published_set(actor=tree.district_staff)
    a = assessment(actor=tree.union1_chair, enterprise=tree.enterprise1, status=HarmonyStatus.FORWARDED,
                   reviewer=tree.town1_cadre)
    outcome = race_actors([tree.district_staff, tree.district_staff], lambda u: services.rate_assessment(
        actor=u, assessment=HarmonyAssessment.objects.get(pk=a.pk), rated_on=TODAY))
    assert outcome == ["won", "wrong_stage"]
