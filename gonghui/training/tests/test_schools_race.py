"""Two writes at once: the school / teacher row is locked and re-read, so a stale copy cannot close
a closed school or take a teacher out twice; registering one person twice at the same moment
leaves one teacher (the partial unique constraint is the last guard). The threaded tests stage
the real race on PostgreSQL; SQLite serialises writers."""

import pytest
from django.db import connection

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race_actors
from gonghui.training.models.schools import Teacher, WorkerSchool
from gonghui.training.services import schools as services
from gonghui.training.testing.schools import school, teacher

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


@pytest.mark.django_db
def test_stale_copies_cannot_repeat_a_step(tree):
    s = school(tree)
    mine, theirs = WorkerSchool.objects.get(pk=s.pk), WorkerSchool.objects.get(pk=s.pk)
    services.close_school(actor=tree.district_staff, school=mine, reason="撤并")
    with pytest.raises(DomainError) as refused:
        services.close_school(actor=tree.town1_cadre, school=theirs, reason="撤并")
    assert refused.value.code == "wrong_stage"
    t = teacher(tree)
    mine, theirs = Teacher.objects.get(pk=t.pk), Teacher.objects.get(pk=t.pk)
    services.deactivate_teacher(actor=tree.district_staff, teacher=mine, reason="退休")
    with pytest.raises(DomainError) as refused:
        services.deactivate_teacher(actor=tree.union1_chair, teacher=theirs, reason="退休")
    assert refused.value.code == "wrong_stage"
    assert AuditEvent.objects.filter(action="training.teacher_deactivate").count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_closings_at_once_exactly_one_wins():
    tree = Tree()
    s = school(tree)
    outcome = race_actors([tree.district_staff, tree.town1_cadre], lambda u: services.close_school(
        actor=u, school=WorkerSchool.objects.get(pk=s.pk), reason="撤并"))
    assert sorted(outcome) == ["won", "wrong_stage"]
    assert AuditEvent.objects.filter(action="training.school_close").count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_person_registered_twice_at_once_is_one_teacher():
    tree = Tree()
    person = tree.member().person
    outcome = race_actors([tree.district_staff, tree.union1_chair], lambda u: services.create_teacher(
        actor=u, org=tree.union1, kind="INTERNAL_MASTER", person=person, specialities=["电工"]))
    assert sorted(outcome) == ["already_in_pool", "won"]
    assert Teacher.objects.filter(person=person).count() == 1
