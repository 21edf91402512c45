"""Course pages: the list (filters, query count, export), the guided creation, the detail hub,
workflow steps and sessions through the pages."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.training.models.courses import Course, CourseStatus
from gonghui.training.testing.courses import at, course, school

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_filters_and_no_n_plus_one(tree, django_assert_max_num_queries):
    for i in range(6):
        course(tree, CourseStatus.OPEN if i % 2 else CourseStatus.DRAFT, title=f"班级{i}")
    course(tree, org=tree.town2, actor=tree.town2_cadre, title="北干班")
    c = _client(tree.district_staff)
    c.get(reverse("training:course_list"))
    with django_assert_max_num_queries(16):
        r = c.get(reverse("training:course_list"))
    assert r.status_code == 200 and "北干班" in r.content.decode()
    r = c.get(reverse("training:course_list"), {"status": "OPEN", "q": "班级"})
    body = r.content.decode()
    assert "班级1" in body and "班级0" not in body
    r = _client(tree.town1_cadre).get(reverse("training:course_list"))
    assert "北干班" not in r.content.decode() and "班级1" in r.content.decode()


def test_export_is_audited(tree):
    course(tree)
    r = _client(tree.town1_cadre).get(reverse("training:course_export"), {"year": YEAR})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="training.course_export").exists()


def test_chair_creates_a_course_through_the_guided_form(tree):
    s = school(tree)
    c = _client(tree.union1_chair)
    r = c.get(reverse("training:course_create"))
    assert r.status_code == 302 and f"org={tree.union1.pk}" in r["Location"]
    url = reverse("training:course_create") + f"?org={tree.union1.pk}"
    r = c.get(url)
    assert r.status_code == 200 and "help" in r.content.decode().lower()
    data = {"org": tree.union1.pk, "title": "焊工培训", "programme": "SKILLS", "year": YEAR, "mode": "INDEPENDENT",
            "capacity": 30, "waitlist_limit": 5, "fee": "0", "subsidy": "200", "pass_mark": "60",
            "members_only": "on", "target_trades": "焊工, 电工", "min_attendance": "80"}
    r = c.post(url, {**data, "school": ""})
    assert r.status_code == 400 and not Course.objects.exists()
    assert "worker school" in r.content.decode() or "school" in r.content.decode()
    r = c.post(url, {**data, "school": s.pk})
    x = Course.objects.get()
    assert r.status_code == 302 and x.code == f"PX{YEAR}-0001" and x.target_trades == ["焊工", "电工"]
    assert str(x.min_attendance) == "0.80"


def test_town2_cannot_create_for_union1(tree):
    r = _client(tree.town2_cadre).get(reverse("training:course_create") + f"?org={tree.union1.pk}")
    assert r.status_code == 404


def test_detail_steps_and_sessions(tree):
    x = course(tree, sessions=[])
    c = _client(tree.union1_chair)
    r = c.get(reverse("training:course_detail", args=[x.pk]))
    assert r.status_code == 200 and x.code in r.content.decode()
    r = c.post(reverse("training:course_step", args=[x.pk, "open"]))
    assert r.status_code == 400  # no session yet
    day = timezone.localdate() + datetime.timedelta(days=5)
    if day.year != YEAR:
        pytest.skip("year end")
    r = c.post(reverse("training:session_add", args=[x.pk]), {
        "session-starts_at": f"{day}T09:00", "session-ends_at": f"{day}T08:00"})
    assert r.status_code == 400
    r = c.post(reverse("training:session_add", args=[x.pk]), {
        "session-starts_at": f"{day}T09:00", "session-ends_at": f"{day}T12:00", "session-title": "安全规程"})
    assert r.status_code == 302 and x.sessions.count() == 1
    s = x.sessions.get()
    r = c.post(reverse("training:session_edit", args=[x.pk, s.pk]), {
        "starts_at": f"{day}T10:00", "ends_at": f"{day}T12:00", "title": "安全规程"})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.starts_at == at(day, 10)
    r = c.post(reverse("training:course_step", args=[x.pk, "open"]))
    assert r.status_code == 302
    assert Course.objects.get(pk=x.pk).status == CourseStatus.OPEN
    r = c.post(reverse("training:course_step", args=[x.pk, "cancel"]), {"cancel-reason": ""})
    assert r.status_code == 400
    r = c.post(reverse("training:course_step", args=[x.pk, "cancel"]), {"cancel-reason": "场地不可用"})
    assert r.status_code == 302 and Course.objects.get(pk=x.pk).status == CourseStatus.CANCELLED
    r = c.get(reverse("training:course_detail", args=[x.pk]))
    assert "场地不可用" in r.content.decode()
    r = c.post(reverse("training:course_step", args=[x.pk, "nonsense"]))
    assert r.status_code == 404


def test_edit_page_and_session_cancel(tree):
    x = course(tree, CourseStatus.OPEN)
    c = _client(tree.union1_chair)
    url = reverse("training:course_edit", args=[x.pk])
    r = c.get(url)
    assert r.status_code == 200 and x.title in r.content.decode()
    from gonghui.training.forms.courses import CourseForm

    data = {k: ("" if v is None else (v.pk if hasattr(v, "pk") else v)) for k, v in CourseForm.initial_of(x).items()}
    data = {k: v for k, v in data.items() if v is not False}
    r = c.post(url, {**data, "mode": "COMMISSIONED", "provider": ""})
    assert r.status_code == 400 and Course.objects.get(pk=x.pk).mode == "INDEPENDENT"
    r = c.post(url, {**data, "capacity": 45})
    assert r.status_code == 302 and Course.objects.get(pk=x.pk).capacity == 45
    s = x.sessions.first()
    surl = reverse("training:session_edit", args=[x.pk, s.pk])
    assert c.post(surl, {"cancel-reason": ""}).status_code == 400
    assert c.post(surl, {"cancel-reason": "老师生病"}).status_code == 302
    s.refresh_from_db()
    assert s.is_cancelled
    assert _client(tree.town2_cadre).get(surl).status_code == 404
