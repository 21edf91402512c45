"""Two people at once: a stale copy cannot record a review step twice, and two applications for
the same union and level started at once leave one open assessment (the partial unique
constraint; the loser gets `already_open`). The threaded tests stage the real race on PostgreSQL."""


import pytest
from django.db import connection

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race_actors
from gonghui.grassroots.models.homes import HomeAssessment, HomeAssessmentStatus
from gonghui.grassroots.services import homes as services
from gonghui.grassroots.testing.homes import assessment, full_scores, published_standard

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


@pytest.mark.django_db
def test_a_stale_copy_cannot_award_twice(tree):
    a = assessment(tree, HomeAssessmentStatus.FORWARDED)
    mine, theirs = HomeAssessment.objects.get(pk=a.pk), HomeAssessment.objects.get(pk=a.pk)
    services.district_review(actor=tree.district_staff, assessment=mine, decision="award", certificate_no="A-1")
    with pytest.raises(DomainError) as refused:
        services.district_review(actor=tree.district_staff, assessment=theirs, decision="refuse", reason="x")
    assert refused.value.code == "wrong_stage"
    assert AuditEvent.objects.filter(action__in=["grassroots.home_award", "grassroots.home_refuse"]).count() == 1


@pytest.mark.django_db
def test_a_stale_copy_cannot_review_twice(tree):
    a = assessment(tree, HomeAssessmentStatus.SUBMITTED)
    mine, theirs = HomeAssessment.objects.get(pk=a.pk), HomeAssessment.objects.get(pk=a.pk)
    services.town_review(actor=tree.town1_cadre, assessment=mine, decision="return", reason="补材料")
    with pytest.raises(DomainError) as refused:
        services.town_review(actor=tree.district_staff, assessment=theirs, decision="forward",
                             scores=full_scores(theirs))
    assert refused.value.code == "wrong_stage"




@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_applications_at_once_leave_one_open():
    tree = Tree()
    published_standard(tree.district_staff, pass_mark=30)
    outcome = race_actors([tree.union1_chair, tree.town1_cadre],
                    lambda u: services.start_assessment(actor=u, org=tree.union1, level="DISTRICT"))
    assert outcome == ["already_open", "won"]
    assert HomeAssessment.objects.filter(org=tree.union1, level="DISTRICT").count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_district_decisions_at_once_exactly_one_wins():
    tree = Tree()
    published_standard(tree.district_staff, pass_mark=30)
    a = assessment(tree, HomeAssessmentStatus.FORWARDED)
    outcome = race_actors([tree.district_staff, tree.district_staff], lambda u: services.district_review(
        actor=u, assessment=HomeAssessment.objects.get(pk=a.pk), decision="award", certificate_no="A-1"))
    assert outcome == ["won", "wrong_stage"]
