"""Permission matrix of courses: role × action × in scope / out of scope.

A union1 (town1) course: union1's chair and staff, the town1 cadre and the district may create,
edit, plan sessions and move it through the workflow (`training.change`); town2, union2's chair,
a member and an outsider may not (PermissionDenied in the service; 404 on the pages and API, as
they cannot see it)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.testing.api import api_as
from gonghui.training.models.courses import Course, CourseStatus
from gonghui.training.services import courses as services
from gonghui.training.testing.courses import at, course, school

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
ALLOWED = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
DAY = timezone.localdate() + datetime.timedelta(days=20)
ACTIONS = {  # action: (status to build first, call, status after)
    "create": (None, lambda u, x, t: services.create_course(
        actor=u, org=t.union1, title="班", programme="SKILLS", mode="INDEPENDENT", year=DAY.year, capacity=5,
        school=school(t)), None),
    "edit": (CourseStatus.DRAFT, lambda u, x, t: services.update_course(actor=u, course=x, capacity=7),
             CourseStatus.DRAFT),
    "session": (CourseStatus.DRAFT, lambda u, x, t: services.add_session(
        actor=u, course=x, starts_at=at(DAY, 19), ends_at=at(DAY, 20)), CourseStatus.DRAFT),
    "open": (CourseStatus.DRAFT, lambda u, x, t: services.open_course(actor=u, course=x), CourseStatus.OPEN),
    "close": (CourseStatus.OPEN, lambda u, x, t: services.close_course(actor=u, course=x), CourseStatus.CLOSED),
    "cancel": (CourseStatus.OPEN, lambda u, x, t: services.cancel_course(actor=u, course=x, reason="改期"),
               CourseStatus.CANCELLED),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_service_matrix(tree, action):
    if DAY.year != timezone.localdate().year:
        pytest.skip("year end")
    status, call, after = ACTIONS[action]
    for role in sorted(ROLES, key=lambda r: r in ALLOWED):
        x = course(tree, status) if status else None
        user = getattr(tree, role)
        before = Course.objects.count()
        if role in ALLOWED:
            assert call(user, x, tree) is not None, role
            if after:
                assert Course.objects.get(pk=x.pk).status == after, role
        else:
            with pytest.raises(PermissionDenied):
                call(user, x, tree)
            assert Course.objects.count() == before, role
            if x is not None:
                assert Course.objects.get(pk=x.pk).status == status, role


VIEWERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api_404_out_of_scope(tree, role):
    x = course(tree)
    user = getattr(tree, role)
    c = Client()
    c.force_login(user)
    detail = c.get(reverse("training:course_detail", args=[x.pk]))
    step = c.post(reverse("training:course_step", args=[x.pk, "cancel"]), {"cancel-reason": "x"})
    api = api_as(user).get(f"/courses/{x.pk}")
    if role in VIEWERS:
        assert detail.status_code == 200 and api.status_code == 200, role
        assert step.status_code == 302, role
    elif role in ("member_user", "outsider"):
        assert detail.status_code in (403, 404) and api.status_code in (403, 404), role
        assert step.status_code in (403, 404), role
    else:
        assert detail.status_code == 404 and api.status_code == 404 and step.status_code == 404, role
    expected = CourseStatus.CANCELLED if role in VIEWERS else CourseStatus.DRAFT
    assert Course.objects.get(pk=x.pk).status == expected, role


# Published courses are offered down the tree: read by the users below the organiser, never changed.
OFFERED_READ = {  # role: (town1 course, district course, town2 course) page status
    "district_staff": (200, 200, 200), "town1_cadre": (200, 200, 404), "town2_cadre": (404, 200, 200),
    "union1_chair": (200, 200, 404), "union1_staff": (200, 200, 404), "union2_chair": (404, 200, 200),
    "member_user": (404, 404, 404), "outsider": (404, 404, 404),
}


@pytest.mark.parametrize("role", ROLES)
def test_offered_courses_matrix(tree, role):
    town1 = course(tree, CourseStatus.OPEN, org=tree.town1, actor=tree.town1_cadre)
    district = course(tree, CourseStatus.OPEN, org=tree.district, actor=tree.district_staff)
    town2 = course(tree, CourseStatus.OPEN, org=tree.town2, actor=tree.town2_cadre)
    c = Client()
    c.force_login(getattr(tree, role))
    got = tuple(c.get(reverse("training:course_detail", args=[x.pk])).status_code for x in (town1, district, town2))
    assert got == OFFERED_READ[role], role
    edit = c.get(reverse("training:course_edit", args=[town1.pk])).status_code
    close = c.post(reverse("training:course_step", args=[town1.pk, "close"])).status_code
    if role in ("district_staff", "town1_cadre"):
        assert (edit, close) == (200, 302), role
    else:
        assert (edit, close) == (404, 404), role
        assert Course.objects.get(pk=town1.pk).status == CourseStatus.OPEN, role
    draft = course(tree, CourseStatus.DRAFT, org=tree.district, actor=tree.district_staff)
    expected = 200 if role == "district_staff" else 404  # a draft is not offered yet
    assert c.get(reverse("training:course_detail", args=[draft.pk])).status_code == expected, role
