"""Worker-school and teacher pages: lists (filters, search, counts, fixed query count, export),
details with history and the sessions taught, forms with specific errors, the workflow steps."""

import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.training.models.schools import SchoolStatus, Teacher, TeacherKind, WorkerSchool
from gonghui.training.testing.schools import school, teacher

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_school_list_filters_and_queries_do_not_grow(tree, django_assert_max_num_queries):
    a = school(tree, name="临浦职工学校", modes=("COMMISSIONED",))
    b = school(tree, org=tree.town2, name="河上职工学校")
    c = client_for(tree.district_staff)
    url = reverse("training:school_list")
    c.get(url)
    with django_assert_max_num_queries(20) as few:
        r = c.get(url)
    assert r.status_code == 200 and "临浦职工学校" in r.content.decode() and "河上职工学校" in r.content.decode()
    for i in range(4):
        school(tree, name=f"分校{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200
    body = c.get(url, {"mode": "COMMISSIONED"}).content.decode()
    assert f"/training/schools/{a.pk}/" in body and f"/training/schools/{b.pk}/" not in body
    body = c.get(url, {"q": "河上"}).content.decode()
    assert f"/training/schools/{b.pk}/" in body and f"/training/schools/{a.pk}/" not in body
    body = client_for(tree.town1_cadre).get(url).content.decode()
    assert f"/training/schools/{a.pk}/" in body and f"/training/schools/{b.pk}/" not in body
    assert c.get(url, {"status": "NOPE", "org": "99999", "after": "x"}).status_code == 200


def test_open_edit_close_a_school_through_the_pages(tree):
    c = client_for(tree.town1_cadre)
    url = reverse("training:school_create")
    r = c.get(url)
    assert r.status_code == 200 and tree.town1.name in r.content.decode()
    bad = c.post(url, {"org": tree.town1.pk, "name": "衙前职工学校", "address": "", "capacity": "0"})
    assert bad.status_code == 400 and not WorkerSchool.objects.exists()
    html = bad.content.decode()
    assert "is-invalid" in html
    bad = c.post(url, {"org": tree.town2.pk, "name": "衙前职工学校", "address": "衙前路1号", "capacity": "50",
                       "modes": ["INDEPENDENT"]})
    assert bad.status_code == 400 and not WorkerSchool.objects.exists()
    r = c.post(url, {"org": tree.town1.pk, "name": "衙前职工学校", "address": "衙前路1号", "capacity": "50",
                     "modes": ["INDEPENDENT", "IN_ENTERPRISE"], "contact_phone": "0571-8200"})
    s = WorkerSchool.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("training:school_detail", args=[s.pk])
    r = c.post(reverse("training:school_edit", args=[s.pk]), {"name": "衙前职工学校", "address": "衙前路2号",
                                                               "capacity": "70", "modes": ["COMMISSIONED"]})
    assert r.status_code == 302
    s.refresh_from_db()
    assert (s.capacity, s.modes) == (70, ["COMMISSIONED"])
    r = c.post(reverse("training:school_step", args=[s.pk, "close"]), {"close-reason": ""})
    assert r.status_code == 400 and WorkerSchool.objects.get().status == SchoolStatus.ACTIVE
    r = c.post(reverse("training:school_step", args=[s.pk, "close"]), {"close-reason": "校舍改造"})
    assert r.status_code == 302 and WorkerSchool.objects.get().status == SchoolStatus.CLOSED
    detail = c.get(reverse("training:school_detail", args=[s.pk])).content.decode()
    assert "校舍改造" in detail and "reopen" in detail
    assert c.post(reverse("training:school_step", args=[s.pk, "nope"])).status_code == 404
    assert AuditEvent.objects.filter(object_type="training.WorkerSchool", object_id=str(s.pk)).count() == 3


def test_teacher_list_filters_by_kind_and_speciality(tree, django_assert_max_num_queries):
    ext = teacher(tree, name="孙讲师", specialities=("安全生产", "法律"))
    master = teacher(tree, TeacherKind.INTERNAL_MASTER, specialities=("电工",))
    gone = teacher(tree, name="周讲师", specialities=("电工技术",), active=False)
    other = teacher(tree, name="吴讲师", org=tree.union2, specialities=("钳工",))
    c = client_for(tree.district_staff)
    url = reverse("training:teacher_list")
    c.get(url)
    with django_assert_max_num_queries(20) as few:
        assert c.get(url).status_code == 200
    for i in range(4):
        teacher(tree, name=f"讲师{i}", specialities=(f"工种{i}",))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200

    def ids(**params):
        body = c.get(url, params).content.decode()
        return {t.pk for t in (ext, master, gone, other) if f"/training/teachers/{t.pk}/" in body}

    assert ids(kind="INTERNAL_MASTER") == {master.pk}
    assert ids(speciality="电工") == {master.pk}  # a whole word: not 电工技术
    assert ids(active="0") == {gone.pk}
    assert ids(q="孙") == {ext.pk}
    assert ids(q="法律") == {ext.pk}
    assert ids(org=tree.town2.pk) == {other.pk}
    body = client_for(tree.union1_chair).get(url).content.decode()
    assert f"/training/teachers/{other.pk}/" not in body and f"/training/teachers/{ext.pk}/" in body


def test_teacher_detail_shows_the_sessions_the_user_may_see(tree, django_assert_max_num_queries):
    from gonghui.training.models.courses import Course, CourseSession

    t = teacher(tree, name="郑讲师")
    now = timezone.now()
    for i, org in enumerate((tree.town1, tree.town2)):
        course = Course.objects.create(org=org, town=org, code=f"C{i}", title=f"课程{org.code}", programme="SAFETY",
                                       mode="INDEPENDENT", year=2026, capacity=20)
        for k in range(2):
            start = now + datetime.timedelta(days=10 * i + k - 5)
            CourseSession.objects.create(course=course, starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                                         hours=Decimal("2.0"), teacher=t)
    url = reverse("training:teacher_detail", args=[t.pk])
    c = client_for(tree.district_staff)
    c.get(url)
    with django_assert_max_num_queries(25):
        body = c.get(url).content.decode()
    assert "课程T1" in body and "课程T2" in body
    # union1's chair sees the teacher (registered by union1) but not the town courses
    body = client_for(tree.union1_chair).get(url).content.decode()
    assert "课程T1" not in body and "课程T2" not in body
    from gonghui.training.selectors.schools import teacher_sessions

    rows, totals = teacher_sessions(tree.town1_cadre, t)
    assert totals["sessions"] == 2 and totals["hours"] == Decimal("4.0")
    assert {s.course.title for s in rows} == {"课程T1"}


def test_register_a_master_from_the_registry_and_an_external_lecturer(tree):
    person = tree.member(name="钱大师").person
    c = client_for(tree.union1_chair)
    url = reverse("training:teacher_create")
    r = c.get(url, {"person_q": "钱"})
    assert r.status_code == 200 and "钱大师" in r.content.decode()
    bad = c.post(url, {"org": tree.union1.pk, "kind": "INTERNAL_MASTER", "specialities": "电工"})
    assert bad.status_code == 400 and not Teacher.objects.exists()
    r = c.post(url, {"org": tree.union1.pk, "kind": "INTERNAL_MASTER", "person": person.pk, "person_q": "钱",
                     "specialities": "电工、钳工", "employer": "甲企业"})
    t = Teacher.objects.get()
    assert r.status_code == 302 and t.person == person and t.specialities == ["电工", "钳工"]
    stranger = tree.member(union=tree.union2, name="钱外人").person
    bad = c.post(url, {"org": tree.union1.pk, "kind": "INTERNAL_MASTER", "person": stranger.pk,
                       "specialities": "电工"})
    assert bad.status_code == 400 and Teacher.objects.count() == 1
    r = c.post(url, {"org": tree.union1.pk, "kind": "EXTERNAL", "name": "冯教授", "employer": "浙江大学",
                     "specialities": "劳动法", "phone": "13912345678"})
    assert r.status_code == 302 and Teacher.objects.filter(name="冯教授").exists()
    ext = Teacher.objects.get(name="冯教授")
    assert ext.phone() == "13912345678"
    shown = c.get(reverse("training:teacher_detail", args=[ext.pk])).content.decode()
    assert "139****5678" in shown and "13912345678" not in shown
    assert c.get(reverse("training:teacher_edit", args=[ext.pk])).context["form"].initial["phone"] == "13912345678"
    r = c.post(reverse("training:teacher_edit", args=[ext.pk]), {"kind": "EXTERNAL", "name": "冯教授",
                                                                  "employer": "", "specialities": "劳动法"})
    assert r.status_code == 400 and "employer" in r.content.decode()
    r = c.post(reverse("training:teacher_step", args=[ext.pk, "deactivate"]), {"deactivate-reason": "不再合作"})
    assert r.status_code == 302 and not Teacher.objects.get(pk=ext.pk).is_active
    detail = c.get(reverse("training:teacher_detail", args=[ext.pk])).content.decode()
    assert "reactivate" in detail


def test_exports_follow_the_filters_and_are_audited(tree):
    school(tree, name="红山职工学校")
    school(tree, org=tree.town2, name="北干职工学校")
    teacher(tree, name="陈讲师", specialities=("焊工",))
    teacher(tree, name="林讲师", specialities=("电工",))
    c = client_for(tree.town1_cadre)
    r = c.get(reverse("training:school_export"))
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.values)
    assert [row[0] for row in rows[1:]] == ["红山职工学校"]
    r = c.get(reverse("training:teacher_export"), {"speciality": "电工"})
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.values)
    assert [row[0] for row in rows[1:]] == ["林讲师"] and rows[1][5] == "电工" and rows[1][6] == "138****0000"
    assert AuditEvent.objects.filter(action="training.school_export").exists()
    ev = AuditEvent.objects.get(action="training.teacher_export")
    assert ev.after["rows"] == 1 and ev.after["filters"]["speciality"] == "电工"
    assert c.get(reverse("training:school_export"), {"org": tree.union2.pk}).status_code == 404


def test_overview_card_and_choices_for_other_areas(tree, django_assert_max_num_queries):
    from gonghui.training.selectors import schools as selectors
    from gonghui.training.services import schools as services

    a = school(tree, capacity=50)
    school(tree, org=tree.town2, capacity=70)
    closed = school(tree, capacity=900)
    services.close_school(actor=tree.district_staff, school=closed, reason="撤并")
    teacher(tree, specialities=("电工", "安全生产"))
    teacher(tree, TeacherKind.MODEL_WORKER, specialities=("电工",))
    teacher(tree, name="退库讲师", active=False)
    selectors.overview_card(tree.town1_cadre)  # the user's scope is read once, then cached
    with django_assert_max_num_queries(2):
        card = selectors.overview_card(tree.town1_cadre)
    values = [row.value for row in card.rows]
    assert values == [1, 50, 2, 1]
    assert selectors.overview_card(tree.member_user) is None
    assert list(selectors.school_choices(tree.town1_cadre)) == [a]
    assert [t.kind for t in selectors.teacher_choices(tree.union1_chair, speciality="安全生产")] == ["EXTERNAL"]
    assert selectors.speciality_choices(tree.district_staff)[:2] == ["电工", "安全生产"]
    r = client_for(tree.town1_cadre).get(reverse("training:overview"))
    assert r.status_code == 200
