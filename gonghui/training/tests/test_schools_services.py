"""Worker schools and the teacher pool: the rules of every write (specific errors, nothing saved on
refusal), closing with live courses, leaving the pool with upcoming sessions, the history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.training.models.schools import SchoolStatus, Teacher, TeacherKind, WorkerSchool
from gonghui.training.services import schools as services
from gonghui.training.testing.schools import model_worker_person, school, teacher

pytestmark = pytest.mark.django_db


def _course(tree, sch, *, status="OPEN", teacher_=None, starts_in_days=3):
    """A course at `sch` (written directly: the courses area owns their services)."""
    from gonghui.training.models.courses import Course, CourseSession

    n = Course.objects.count() + 1
    c = Course.objects.create(org=tree.town1, town=tree.town1, code=f"T-{n}", title=f"电工培训班{n}",
                              programme="SKILLS", mode="INDEPENDENT", school=sch, year=2026, capacity=30,
                              status=status)
    start = timezone.now() + datetime.timedelta(days=starts_in_days)
    s = CourseSession.objects.create(course=c, starts_at=start, ends_at=start + datetime.timedelta(hours=3),
                                     teacher=teacher_, hours=Decimal("3.0"), place="一号教室")
    return c, s


def _error(call):
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value


def test_create_school_validates_every_field_and_saves_nothing(tree):
    d = tree.district_staff
    ok = {"org": tree.town1, "name": "衙前职工学校", "address": "衙前镇衙前路1号", "capacity": 80,
          "modes": ["IN_ENTERPRISE", "INDEPENDENT", "INDEPENDENT"]}
    cases = [
        ({"name": "  "}, "name", "required"),
        ({"address": ""}, "address", "required"),
        ({"capacity": 0}, "capacity", "invalid_capacity"),
        ({"capacity": 10**6}, "capacity", "invalid_capacity"),
        ({"capacity": "80"}, "capacity", "invalid_capacity"),
        ({"modes": []}, "modes", "required"),
        ({"modes": ["BY_POST"]}, "modes", "invalid_mode"),
        ({"org": tree.union1}, "org", "invalid_org"),
        ({"org": None}, "org", "required"),
        ({"contact_phone": "call me"}, "contact_phone", "invalid_phone"),
        ({"name": "x" * 81}, "name", "too_long"),
    ]
    for change, field, code in cases:
        err = _error(lambda change=change: services.create_school(actor=d, **{**ok, **change}))
        assert (err.field, err.code) == (field, code), change
    assert not WorkerSchool.objects.exists()
    s = services.create_school(actor=d, **ok)
    assert s.modes == ["INDEPENDENT", "IN_ENTERPRISE"]  # the choices' order, once each
    err = _error(lambda: services.create_school(actor=d, **{**ok, "name": "衙前职工学校 ", "org": tree.town2}))
    assert (err.field, err.code) == ("name", "name_taken")
    assert AuditEvent.objects.filter(action="training.school_create", object_id=str(s.pk)).count() == 1


def test_only_approvers_in_the_subtree_run_schools(tree):
    with pytest.raises(PermissionDenied):
        school(tree, actor=tree.union1_chair, org=tree.town1)
    with pytest.raises(PermissionDenied):
        school(tree, actor=tree.town2_cadre, org=tree.town1)
    s = school(tree, actor=tree.town1_cadre, org=tree.town1)
    with pytest.raises(PermissionDenied):
        services.close_school(actor=tree.town2_cadre, school=s, reason="x")
    assert WorkerSchool.objects.get(pk=s.pk).status == SchoolStatus.ACTIVE


def test_update_close_reopen_with_history(tree):
    d = tree.district_staff
    s = school(tree, capacity=40)
    services.update_school(actor=d, school=s, name=s.name, address="新地址8号", capacity=120, modes=["COMMISSIONED"],
                           contact_name="", contact_phone="", description="")
    s.refresh_from_db()
    assert (s.capacity, s.modes, s.address) == (120, ["COMMISSIONED"], "新地址8号")
    ev = AuditEvent.objects.get(action="training.school_update")
    assert ev.before["capacity"] == 40 and ev.after["capacity"] == 120 and "name" not in ev.after
    err = _error(lambda: services.close_school(actor=d, school=s, reason=""))
    assert (err.field, err.code) == ("reason", "required")
    err = _error(lambda: services.close_school(actor=d, school=s, reason="搬迁",
                                               closed_on=services.today() + datetime.timedelta(days=1)))
    assert err.code == "date_in_future"
    services.close_school(actor=d, school=s, reason="校舍搬迁")
    s.refresh_from_db()
    assert (s.status, s.closed_on, s.close_reason) == (SchoolStatus.CLOSED, services.today(), "校舍搬迁")
    assert _error(lambda: services.close_school(actor=d, school=s, reason="again")).code == "wrong_stage"
    services.reopen_school(actor=d, school=s, reason="新校舍启用")
    s.refresh_from_db()
    assert (s.status, s.closed_on, s.close_reason) == (SchoolStatus.ACTIVE, None, "")
    assert _error(lambda: services.reopen_school(actor=d, school=s)).code == "wrong_stage"
    actions = list(AuditEvent.objects.filter(object_id=str(s.pk), object_type="training.WorkerSchool")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["training.school_create", "training.school_update", "training.school_close",
                       "training.school_reopen"]


def test_a_school_with_live_courses_cannot_close(tree):
    s = school(tree)
    c, _s = _course(tree, s, status="OPEN")
    err = _error(lambda: services.close_school(actor=tree.district_staff, school=s, reason="撤并"))
    assert err.code == "has_live_courses" and c.title in err.text
    c.status = "FINISHED"
    c.save()
    services.close_school(actor=tree.district_staff, school=s, reason="撤并")


def test_teacher_kinds_and_their_rules(tree):
    d = tree.district_staff
    base = {"org": tree.union1, "specialities": "电工、安全生产, 电工", "employer": "甲公司"}
    err = _error(lambda: services.create_teacher(actor=d, kind="INTERNAL_MASTER", **base))
    assert (err.field, err.code) == ("person", "required")
    leaver = tree.member().person
    leaver.memberships.update(status="LEFT", ended_on=datetime.date(2025, 1, 1))
    err = _error(lambda: services.create_teacher(actor=d, kind="INTERNAL_MASTER", person=leaver, **base))
    assert (err.field, err.code) == ("person", "not_a_member")
    plain = tree.member().person
    err = _error(lambda: services.create_teacher(actor=d, kind="MODEL_WORKER", person=plain, **base))
    assert (err.field, err.code) == ("kind", "not_a_model_worker")
    err = _error(lambda: services.create_teacher(actor=d, kind="EXTERNAL", person=plain, name="x", **base))
    assert (err.field, err.code) == ("person", "invalid_person")
    err = _error(lambda: services.create_teacher(actor=d, kind="EXTERNAL", name="钱讲师", org=tree.union1,
                                                 specialities="电工"))
    assert (err.field, err.code) == ("employer", "required")
    err = _error(lambda: services.create_teacher(actor=d, kind="EXTERNAL", name="钱讲师", **{**base,
                                                                                          "specialities": " , "}))
    assert (err.field, err.code) == ("specialities", "required")
    err = _error(lambda: services.create_teacher(actor=d, kind="EXTERNAL", name="钱讲师", **{
        **base, "specialities": [f"s{i}" for i in range(13)]}))
    assert (err.field, err.code) == ("specialities", "too_many")
    err = _error(lambda: services.create_teacher(actor=d, kind="EXTERNAL", name="钱讲师", phone="abc", **base))
    assert (err.field, err.code) == ("phone", "invalid_phone")
    err = _error(lambda: services.create_teacher(actor=d, kind="NOPE", name="钱讲师", **base))
    assert err.code == "invalid_kind"
    assert not Teacher.objects.exists()
    master = services.create_teacher(actor=d, kind="INTERNAL_MASTER", person=plain, name="ignored", **base)
    assert master.name == plain.name and master.specialities == ["电工", "安全生产"]
    assert master.specialities_key == "|电工|安全生产|"
    err = _error(lambda: services.create_teacher(actor=d, kind="INTERNAL_MASTER", person=plain, **base))
    assert err.code == "already_in_pool"
    mw = services.create_teacher(actor=d, kind="MODEL_WORKER", person=model_worker_person(tree), **base)
    assert mw.kind == TeacherKind.MODEL_WORKER


def test_update_teacher_keeps_the_person_name_and_kind_family(tree):
    d = tree.district_staff
    t = teacher(tree, TeacherKind.INTERNAL_MASTER)
    err = _error(lambda: services.update_teacher(actor=d, teacher=t, kind="EXTERNAL", specialities=["焊工"],
                                                 employer="x"))
    assert err.code == "invalid_kind"
    err = _error(lambda: services.update_teacher(actor=d, teacher=t, kind="MODEL_WORKER", specialities=["焊工"]))
    assert err.code == "not_a_model_worker"
    services.update_teacher(actor=d, teacher=t, name="改名", specialities="焊工 钳工", title="技师")
    t.refresh_from_db()
    assert t.name == t.person.name and t.specialities == ["焊工", "钳工"] and t.specialities_key == "|焊工|钳工|"
    ev = AuditEvent.objects.get(action="training.teacher_update")
    assert ev.after["specialities"] == ["焊工", "钳工"] and "specialities_key" not in ev.after


def test_a_teacher_with_upcoming_sessions_cannot_leave_the_pool(tree):
    d = tree.district_staff
    t = teacher(tree)
    c, s = _course(tree, school(tree), teacher_=t)
    err = _error(lambda: services.deactivate_teacher(actor=d, teacher=t, reason="退休"))
    assert err.code == "teaches_upcoming" and c.title in err.text
    s.is_cancelled = True
    s.save()
    assert _error(lambda: services.deactivate_teacher(actor=d, teacher=t, reason="")).field == "reason"
    services.deactivate_teacher(actor=d, teacher=t, reason="退休")
    t.refresh_from_db()
    assert not t.is_active and t.deactivated_on == services.today()
    assert _error(lambda: services.deactivate_teacher(actor=d, teacher=t, reason="x")).code == "wrong_stage"
    services.reactivate_teacher(actor=d, teacher=t)
    t.refresh_from_db()
    assert t.is_active and t.deactivated_on is None
    ev = AuditEvent.objects.get(action="training.teacher_deactivate")
    assert ev.after["reason"] == "退休" and ev.after["is_active"] is False


def test_teachers_are_registered_in_the_actors_subtree_only(tree):
    with pytest.raises(PermissionDenied):
        teacher(tree, org=tree.union1, actor=tree.union2_chair)
    with pytest.raises(PermissionDenied):
        teacher(tree, org=tree.union1, actor=tree.member_user)
    t = teacher(tree, org=tree.union1, actor=tree.union1_staff)
    with pytest.raises(PermissionDenied):
        services.deactivate_teacher(actor=tree.town2_cadre, teacher=t, reason="x")
    assert Teacher.objects.get(pk=t.pk).is_active
