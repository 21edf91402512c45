"""Courses offered down the tree, the shared school/teacher pool, cancelling through the enrolment
area, and the host-enterprise search.

- A published course (OPEN/CLOSED/FINISHED) of town1 or of the district is readable by union1's
  chair (list "offered to us", page, API detail), never writable (404 pages/API, PermissionDenied
  in the services); town2's courses and drafts stay hidden.
- A town picks the district's schools and teachers (read), cannot edit them; another town's are
  refused with the field named.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.audit import AuditEvent
from gonghui.core.errors import DomainError
from gonghui.core.testing.api import api_as
from gonghui.orgs.models import Enterprise
from gonghui.training.models.courses import CourseStatus
from gonghui.training.models.enrolment import EnrolmentStatus
from gonghui.training.services import courses as services
from gonghui.training.testing.courses import at, course, school
from gonghui.training.testing.enrolment import enrolled
from gonghui.training.testing.schools import teacher

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _courses(tree):
    town1 = course(tree, CourseStatus.OPEN, org=tree.town1, actor=tree.town1_cadre, title="城厢镇电工班")
    district = course(tree, CourseStatus.CLOSED, org=tree.district, actor=tree.district_staff, title="全区技师研修")
    draft = course(tree, CourseStatus.DRAFT, org=tree.town1, actor=tree.town1_cadre, title="城厢草稿班")
    town2 = course(tree, CourseStatus.OPEN, org=tree.town2, actor=tree.town2_cadre, title="北干焊工班")
    return town1, district, draft, town2


def test_union_chair_reads_courses_offered_from_above_but_cannot_write(tree):
    town1, district, draft, town2 = _courses(tree)
    c = _client(tree.union1_chair)
    own = c.get(reverse("training:course_list")).content.decode()
    assert "城厢镇电工班" not in own  # the default list is the union's own courses
    body = c.get(reverse("training:course_list"), {"source": "offered"}).content.decode()
    assert "城厢镇电工班" in body and "全区技师研修" in body
    assert "北干焊工班" not in body and "城厢草稿班" not in body
    page = c.get(reverse("training:course_detail", args=[town1.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{reverse('training:enrolment_create')}?course={town1.pk}" in html  # enrol the union's members
    assert reverse("training:course_edit", args=[town1.pk]) not in html
    assert c.get(reverse("training:course_detail", args=[district.pk])).status_code == 200
    for hidden in (town2, draft):
        assert c.get(reverse("training:course_detail", args=[hidden.pk])).status_code == 404
    # every write: 404 on pages, PermissionDenied in the services
    assert c.get(reverse("training:course_edit", args=[town1.pk])).status_code == 404
    assert c.post(reverse("training:course_step", args=[town1.pk, "close"])).status_code == 404
    assert c.post(reverse("training:session_add", args=[town1.pk]), {}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.update_course(actor=tree.union1_chair, course=town1, capacity=3)
    with pytest.raises(PermissionDenied):
        services.close_course(actor=tree.union1_chair, course=town1)
    town1.refresh_from_db()
    assert (town1.status, town1.capacity) == (CourseStatus.OPEN, 30)
    # town1's cadre sees the district's course offered, not town2's
    body = _client(tree.town1_cadre).get(reverse("training:course_list"), {"source": "offered"}).content.decode()
    assert "全区技师研修" in body and "北干焊工班" not in body and "城厢镇电工班" not in body
    # the district has nothing above it: no "offered" tab
    assert "source=offered" not in _client(tree.district_staff).get(reverse("training:course_list")).content.decode()


def test_offered_courses_through_the_api(tree):
    town1, district, draft, town2 = _courses(tree)
    api = api_as(tree.union1_chair)
    r = api.get("/courses?offered=true&limit=50")
    assert r.status_code == 200
    assert {x["id"] for x in r.json()["items"]} == {town1.pk, district.pk}
    r = api.get(f"/courses/{town1.pk}")
    assert r.status_code == 200 and not any(r.json()["actions"].values())
    assert api.get(f"/courses/{town2.pk}").status_code == 404
    assert api.patch(f"/courses/{town1.pk}", {"capacity": 3}).status_code == 404
    assert api.post(f"/courses/{town1.pk}/close", {}).status_code == 404


def test_offered_export_lists_the_offered_courses(tree):
    _courses(tree)
    r = _client(tree.union1_chair).get(reverse("training:course_export"), {"source": "offered"})
    assert r.status_code == 200
    event = AuditEvent.objects.filter(action="training.course_export").latest("id")
    assert event.after["rows"] == 2 and event.after["filters"]["offered"] is True


def test_cancelling_a_course_cancels_each_place_through_the_enrolment_area(tree):
    c = course(tree, CourseStatus.OPEN, capacity=1, waitlist_limit=2)
    seat, waiting = enrolled(tree, c), enrolled(tree, c)
    assert waiting.status == EnrolmentStatus.WAITLISTED
    services.cancel_course(actor=tree.union1_chair, course=c, reason="场地维修")
    for x in (seat, waiting):
        x.refresh_from_db()
        assert x.status == EnrolmentStatus.CANCELLED and x.waitlist_position is None
        assert "场地维修" in x.cancel_reason
        # the place's own history shows the cancellation
        assert AuditEvent.objects.filter(action="training.enrolment_cancel", object_id=str(x.pk)).exists()
    cancel = AuditEvent.objects.get(action="training.course_cancel", object_id=str(c.pk))
    assert cancel.after["enrolments_cancelled"] == 2


def test_a_town_uses_the_district_pool_but_not_another_towns(tree):
    district_school = school(tree, org=tree.district, name="区职工培训中心")
    town2_school = school(tree, org=tree.town2)
    district_teacher = teacher(tree, org=tree.district, name="区讲师")
    town2_teacher = teacher(tree, org=tree.town2, name="北干讲师")
    c = course(tree, org=tree.town1, actor=tree.town1_cadre, school=district_school, sessions=[])
    assert c.school == district_school
    with pytest.raises(DomainError) as e:
        services.update_course(actor=tree.town1_cadre, course=c, school=town2_school)
    assert (e.value.code, e.value.field) == ("school_out_of_area", "school")
    d = datetime.date(c.year, 12, 20)
    s = services.add_session(actor=tree.town1_cadre, course=c, starts_at=at(d, 9), ends_at=at(d, 11),
                             teacher=district_teacher)
    assert s.teacher == district_teacher
    with pytest.raises(DomainError) as e:
        services.add_session(actor=tree.town1_cadre, course=c, starts_at=at(d, 14), ends_at=at(d, 16),
                             teacher=town2_teacher)
    assert (e.value.code, e.value.field) == ("teacher_out_of_area", "teacher")
    # the form's menus offer the shared pool, not another town's
    page = _client(tree.town1_cadre).get(reverse("training:course_detail", args=[c.pk])).content.decode()
    assert "区讲师" in page and "北干讲师" not in page
    form = _client(tree.union1_chair).get(reverse("training:course_create"), {"org": tree.union1.pk})
    assert "区职工培训中心" in form.content.decode() and town2_school.name not in form.content.decode()


def test_the_district_pool_is_readable_not_writable_below(tree):
    s = school(tree, org=tree.district, name="区职工培训中心")
    t = teacher(tree, org=tree.district, name="区讲师")
    c = _client(tree.town1_cadre)
    assert "区职工培训中心" in c.get(reverse("training:school_list")).content.decode()
    assert "区讲师" in c.get(reverse("training:teacher_list")).content.decode()
    assert c.get(reverse("training:school_detail", args=[s.pk])).status_code == 200
    page = c.get(reverse("training:teacher_detail", args=[t.pk]))
    assert page.status_code == 200 and reverse("training:teacher_edit", args=[t.pk]) not in page.content.decode()
    assert c.get(reverse("training:school_edit", args=[s.pk])).status_code == 404
    assert c.get(reverse("training:teacher_edit", args=[t.pk])).status_code == 404
    api = api_as(tree.town1_cadre)
    assert api.get(f"/worker-schools/{s.pk}").status_code == 200
    assert api.get(f"/teachers/{t.pk}").status_code == 200
    assert api.patch(f"/teachers/{t.pk}", {"note": "x"}).status_code == 404
    # a town's teacher is not readable by another town
    own = teacher(tree, org=tree.town1, name="城厢讲师")
    assert _client(tree.town2_cadre).get(reverse("training:teacher_detail", args=[own.pk])).status_code == 404


def test_host_enterprise_search(tree):
    Enterprise.objects.filter(pk=tree.enterprise1.pk).update(name="杭州萧山示范机械有限公司")
    url = reverse("training:course_enterprise_options")
    c = _client(tree.town1_cadre)
    r = c.get(url, {"org": tree.town1.pk, "enterprise_q": "示范机械"})
    assert r.status_code == 200 and "示范机械" in r.content.decode()
    r = c.get(url, {"org": tree.town1.pk, "enterprise_q": "没有这家"})
    assert "示范机械" not in r.content.decode()
    assert c.get(url, {"org": tree.town2.pk, "enterprise_q": "x"}).status_code == 404
    assert c.get(url, {"org": "abc"}).status_code == 404
