"""Pages after review: courses open to me marked when they clash with the member's places, the
member page's sections, the member picker's pages, a member never acting on another person."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.training.models.enrolment import Enrolment
from gonghui.training.selectors.enrolment import MEMBER_PAGE
from gonghui.training.testing.enrolment import at, course, enrolled

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def _member_login(tree):
    person = tree.member().person
    person.account = tree.member_user
    person.save()
    return person


def test_courses_open_to_me_mark_a_clash_instead_of_offering_enrol(tree):
    person = _member_login(tree)
    day = timezone.localdate() + datetime.timedelta(days=10)
    y = {"year": day.year}
    mine = course(tree, title="电工安全班", sessions=[(at(day, 9), at(day, 12))], **y)
    clashing = course(tree, title="焊工技能班", self_enrolment=True, sessions=[(at(day, 11), at(day, 13))], **y)
    free = course(tree, title="叉车班", self_enrolment=True, sessions=[(at(day, 12), at(day, 14))], **y)
    enrolled(tree, mine, person=person)
    r = client(tree.member_user).get(reverse("training:my_courses"))
    assert r.status_code == 200
    by_pk = {c.pk: c for c in r.context["open_courses"]}
    assert by_pk[clashing.pk].clash.course == mine and by_pk[free.pk].clash is None
    body = r.content.decode()
    assert reverse("training:my_enrol", args=[clashing.pk]) not in body
    assert reverse("training:my_enrol", args=[free.pk]) in body
    assert "电工安全班" in body.split("焊工技能班", 1)[1]  # the clash names the member's course
    assert "training/mentoring/_my_mentorships.html" in [t.name for t in r.templates]
    assert "training/attendance/_my_certificates.html" in [t.name for t in r.templates]


def test_member_cannot_cancel_another_persons_place_by_any_route(tree):
    _member_login(tree)
    theirs = enrolled(tree, course(tree))
    web = client(tree.member_user)
    assert web.post(reverse("training:my_cancel", args=[theirs.pk])).status_code == 404
    assert web.post(reverse("training:enrolment_cancel", args=[theirs.pk])).status_code in (403, 404)
    assert web.get(reverse("training:my_cancel", args=[theirs.pk])).status_code == 405
    assert Enrolment.objects.get(pk=theirs.pk).status == "ENROLLED"


def test_member_picker_pages_and_marks_those_already_on_the_course(tree, django_assert_max_num_queries):
    c = course(tree, capacity=200, waitlist_limit=0)
    members = sorted((tree.member(name=f"张{i:03d}").person for i in range(MEMBER_PAGE + 5)),
                     key=lambda p: (p.name, p.pk))
    enrolled(tree, c, person=members[1])
    web = client(tree.union1_chair)
    url = reverse("training:enrolment_create")
    with django_assert_max_num_queries(25):
        r = web.get(url, {"course": c.pk, "org": tree.union1.pk})
    picker = r.context["picker"]
    assert (picker.total, picker.pages, picker.number) == (len(members), 2, 1)
    assert [p.pk for p in picker.people] == [p.pk for p in members[:MEMBER_PAGE]]
    body = r.content.decode()
    assert "page=2" in body and members[MEMBER_PAGE].name not in body
    assert picker.people[1].on_course and not picker.people[0].on_course
    r = web.get(url, {"course": c.pk, "org": tree.union1.pk, "page": 2})
    assert [p.pk for p in r.context["picker"].people] == [p.pk for p in members[MEMBER_PAGE:]]
    r = web.get(url, {"course": c.pk, "org": tree.union1.pk, "page": "x"})
    assert r.context["picker"].number == 1
    # a member of page 2 is enrolled from page 2
    r = web.post(url, {"course": c.pk, "org": tree.union1.pk, "page": 2, "people": [members[-1].pk]})
    assert r.status_code == 302
    assert Enrolment.objects.filter(course=c, person=members[-1]).exists()


def test_api_list_query_count_does_not_grow_with_rows_and_scope_holds(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gonghui.core.testing.api import api_as

    c = course(tree, capacity=20, waitlist_limit=0)
    for _ in range(3):
        enrolled(tree, c)
    api = api_as(tree.town1_cadre)
    api.get("/enrolments", {"course": c.pk})  # warm: the first request loads per-process caches
    with CaptureQueriesContext(connection) as few:
        assert api.get("/enrolments", {"course": c.pk}).json()["count"] == 3
    for _ in range(9):
        enrolled(tree, c)
    with CaptureQueriesContext(connection) as many:
        assert api.get("/enrolments", {"course": c.pk}).json()["count"] == 12
    assert len(many) == len(few)
    # the union sees its members' places on the town's course; another union and a member do not
    assert api_as(tree.union1_chair).get("/enrolments", {"course": c.pk}).json()["count"] == 12
    assert api_as(tree.union2_chair).get("/enrolments", {"course": c.pk}).json()["count"] == 0
    assert api_as(tree.member_user).get("/enrolments").json()["count"] == 0  # scoped like other areas' lists


def test_api_session_change_that_double_books_a_trainee_is_400_naming_them(tree):
    from gonghui.core.testing.api import api_as

    day = timezone.localdate() + datetime.timedelta(days=10)
    a = course(tree, title="电工安全班", sessions=[(at(day, 9), at(day, 12))], year=day.year)
    b = course(tree, title="焊工技能班", sessions=[(at(day, 14), at(day, 16))], year=day.year)
    x = enrolled(tree, a)
    enrolled(tree, b, person=x.person)
    r = api_as(tree.town1_cadre).post(f"/courses/{b.pk}/sessions", {
        "starts_at": at(day, 10).isoformat(), "ends_at": at(day, 11).isoformat(), "title": "加课"})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "trainee_clash" and body["field"] == "starts_at"
    assert x.person.name in body["message"] and "电工安全班" in body["message"]
    assert b.sessions.count() == 1


def test_course_step_searches_by_title_or_number(tree):
    welding, electric = course(tree, title="焊工技能班"), course(tree, title="电工班")
    web = client(tree.town1_cadre)
    url = reverse("training:enrolment_create")
    assert {c.pk for c in web.get(url).context["courses"]} >= {welding.pk, electric.pk}
    assert [c.pk for c in web.get(url, {"course_q": "焊工"}).context["courses"]] == [welding.pk]
    assert [c.pk for c in web.get(url, {"course_q": electric.code.lower()}).context["courses"]] == [electric.pk]


def test_member_enrol_outside_their_reach_is_404_and_a_detail_cancel_says_what_it_does(tree):
    _member_login(tree)
    other_town = course(tree, org=tree.town2, self_enrolment=True)
    assert client(tree.member_user).post(reverse("training:my_enrol", args=[other_town.pk])).status_code == 404
    assert not Enrolment.objects.filter(course=other_town).exists()
    x = enrolled(tree, course(tree))
    body = client(tree.town1_cadre).get(reverse("training:enrolment_detail", args=[x.pk])).content.decode()
    assert "Cancel the place" in body or "取消报名" in body


def test_courses_open_to_me_say_how_many_places_are_left(tree, django_assert_max_num_queries):
    _member_login(tree)
    roomy = course(tree, capacity=3, waitlist_limit=0, self_enrolment=True)
    enrolled(tree, roomy)
    waiting = course(tree, capacity=1, waitlist_limit=2, self_enrolment=True)
    enrolled(tree, waiting), enrolled(tree, waiting)
    full = course(tree, capacity=1, waitlist_limit=0, self_enrolment=True)
    enrolled(tree, full)
    web = client(tree.member_user)
    web.get(reverse("training:my_courses"))
    with django_assert_max_num_queries(16):
        r = web.get(reverse("training:my_courses"))
    by_pk = {c.pk: c for c in r.context["open_courses"]}
    assert (by_pk[roomy.pk].seats_free, by_pk[waiting.pk].seats_free, by_pk[waiting.pk].waiting) == (2, 0, 1)
    assert (by_pk[full.pk].seats_free, by_pk[full.pk].waiting_free) == (0, 0)
