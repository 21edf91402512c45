"""seed_demo's enrolments (core.demo.training.enrolment) at small scale: rows the services could have
written — seats within capacity, waiting lists numbered 1, 2, 3… without gaps, one live place per
person and course, nobody booked on two overlapping courses — with cancellations and promotions,
union1's members and member1's person, and the demo accounts see them."""

import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.members.models import Person
from gonghui.training.models.courses import CourseSession
from gonghui.training.models.enrolment import LIVE_ENROLMENT_STATUSES, SEAT_STATUSES, Enrolment

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_enrolments_follow_the_rules(seeded):
    rows = list(Enrolment.objects.select_related("course"))
    assert rows, "the courses demo wrote no course to enrol in"
    statuses = {x.status for x in rows}
    assert {"ENROLLED", "WAITLISTED", "CANCELLED"} <= statuses
    assert any(x.promoted_at for x in rows)
    by_course = defaultdict(list)
    for x in rows:
        by_course[x.course_id].append(x)
    for course_rows in by_course.values():
        c = course_rows[0].course
        assert sum(1 for x in course_rows if x.status in SEAT_STATUSES) <= c.capacity
        places = sorted(x.waitlist_position for x in course_rows if x.status == "WAITLISTED")
        assert places == list(range(1, len(places) + 1))
        live = [x.person_id for x in course_rows if x.status in LIVE_ENROLMENT_STATUSES]
        assert len(live) == len(set(live))
    spans = defaultdict(list)
    for s in CourseSession.objects.filter(is_cancelled=False).values("course_id", "starts_at", "ends_at"):
        spans[s["course_id"]].append((s["starts_at"], s["ends_at"]))
    held = defaultdict(list)
    for x in rows:
        if x.status in LIVE_ENROLMENT_STATUSES:
            held[x.person_id].append(x.course_id)
    for courses in held.values():
        for i, a in enumerate(courses):
            for b in courses[i + 1:]:
                assert not any(s < f2 and e > s2 for s, e in spans[a] for s2, f2 in spans[b])


def test_demo_accounts_see_enrolments(seeded):
    union1 = seeded["union1"]
    web = Client()
    web.force_login(union1)
    r = web.get(reverse("training:enrolment_list"))
    assert r.status_code == 200 and r.context["page"].count > 0
    web.force_login(seeded["town1"])
    assert web.get(reverse("training:enrolment_list")).context["page"].count > 0
    member = Person.objects.filter(account=seeded["member1"]).first()
    assert member is not None and Enrolment.objects.filter(person=member).exists()
    web.force_login(seeded["member1"])
    r = web.get(reverse("training:my_courses"))
    assert r.status_code == 200 and r.context["mine"]
