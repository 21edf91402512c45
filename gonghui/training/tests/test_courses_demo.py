"""seed_demo's courses (core.demo.training.courses) at small scale: every programme and mode, in
several towns including town1, town2 and union1, last year and this year; past sessions for
finished courses, future ones for open courses; rows the services accept (no teacher in two
places, sessions inside the year, numbers per year), and the demo accounts see them."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Max, Min
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.training.models.courses import Course, CourseNumberCounter, CourseSession, CourseStatus, Programme
from gonghui.training.models.schools import DeliveryMode

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


def test_demo_courses(django_assert_max_num_queries):
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    users = {u.username: u for u in User.objects.all()}
    today = timezone.localdate()
    qs = Course.objects.all()
    assert set(qs.values_list("programme", flat=True)) == set(Programme.values)
    assert set(qs.values_list("mode", flat=True)) == set(DeliveryMode.values)
    assert set(qs.values_list("status", flat=True)) == set(CourseStatus.values)
    assert {today.year - 1, today.year} <= set(qs.values_list("year", flat=True))
    assert len(set(qs.values_list("town", flat=True))) >= 3
    for c in qs.annotate(first=Min("sessions__starts_at"), last=Max("sessions__ends_at")):
        assert c.first is not None, c.code
        assert c.code.startswith(f"PX{c.year}-")
        if c.status == CourseStatus.FINISHED:
            assert c.last < timezone.now(), c.code
        if c.status in (CourseStatus.OPEN, CourseStatus.DRAFT):
            assert c.first > timezone.now(), c.code
    for s in CourseSession.objects.select_related("course"):
        assert timezone.localtime(s.starts_at).year == s.course.year
    rows = list(CourseSession.objects.filter(teacher__isnull=False, is_cancelled=False)
                .values_list("teacher_id", "starts_at", "ends_at"))
    for i, (t, s, e) in enumerate(rows):
        assert not any(t2 == t and s2 < e and e2 > s for t2, s2, e2 in rows[i + 1:])
    assert {c.year: c.last for c in CourseNumberCounter.objects.all()} == {
        y: qs.filter(year=y).count() for y in set(qs.values_list("year", flat=True))}
    for name in ("district", "town1", "town2", "union1"):
        c = Client()
        c.force_login(users[name])
        r = c.get(reverse("training:course_list"))
        assert r.status_code == 200 and "PX" in r.content.decode(), name
    union1 = users["union1"]
    assert Course.objects.visible_to(union1, "training.view").filter(status=CourseStatus.OPEN).exists()
    x = Course.objects.visible_to(users["town1"], "training.view").filter(status=CourseStatus.FINISHED).first()
    c = Client()
    c.force_login(users["town1"])
    assert c.get(reverse("training:course_detail", args=[x.pk])).status_code == 200
