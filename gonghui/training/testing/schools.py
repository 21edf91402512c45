"""Builders for tests of every training area: a worker school run by a town (or the district), a
teacher of each kind, walked through the services by the right people."""

from gonghui.training.models.schools import Teacher, TeacherKind, WorkerSchool
from gonghui.training.services import schools as services

_N = {"school": 0}


def school(tree, *, org=None, name=None, capacity=60, modes=("INDEPENDENT", "IN_ENTERPRISE"), address=None,
           actor=None) -> WorkerSchool:
    """A running school of town1 (or `org`), opened by the district (or `actor`)."""
    _N["school"] += 1
    org = org or tree.town1
    return services.create_school(actor=actor or tree.district_staff, org=org,
                                  name=name or f"{org.name}职工学校{_N['school']}",
                                  address=address or f"{org.name}人民路{_N['school']}号", capacity=capacity,
                                  modes=list(modes), contact_name="王老师", contact_phone="0571-82000000")


def model_worker_person(tree, union=None):
    """A live member of union1 (or `union`) on the honours model-worker roll."""
    from gonghui.honours.models.modelworkers import ModelWorker

    person = tree.member(union=union).person
    ModelWorker.objects.create(person=person, org=union or tree.union1, level="DISTRICT", year=2024)
    return person


def teacher(tree, kind=TeacherKind.EXTERNAL, *, org=None, person=None, name="赵讲师", specialities=("电工",),
            employer="浙江机电职业技术学院", actor=None, active=True) -> Teacher:
    """A teacher registered by union1 (or `org`) by the district (or `actor`). An internal master
    is a fresh member of union1; a model worker a fresh member on the roll."""
    org = org or tree.union1
    if kind == TeacherKind.INTERNAL_MASTER and person is None:
        person = tree.member(union=tree.union1).person
    if kind == TeacherKind.MODEL_WORKER and person is None:
        person = model_worker_person(tree)
    actor = actor or tree.district_staff
    x = services.create_teacher(actor=actor, org=org, kind=kind, person=person,
                                name=name if kind == TeacherKind.EXTERNAL else "", employer=employer,
                                title="高级技师", specialities=list(specialities), phone="13800000000")
    if not active:
        x = services.deactivate_teacher(actor=actor, teacher=x, reason="退休")
    return x
