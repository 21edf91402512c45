"""The layout tour (see test_layout_tour.py) of training (职工学校, 课程 and sessions, 报名, 考勤 and
QR check-in, 结业证书 and the public verification page, 名师带徒, statistics and targets): every list,
detail and workflow form with records of town1, at 1280 and 390 px; the member's phone pages."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import Tree
from gonghui.members.models import Person
from gonghui.training.models import CourseStatus
from gonghui.training.services import attendance as attendance_services
from gonghui.training.testing import attendance as attendance_testing
from gonghui.training.testing import courses as course_testing
from gonghui.training.testing import enrolment as enrolment_testing
from gonghui.training.testing import mentoring as mentoring_testing
from gonghui.training.testing import schools as school_testing

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build(tree):
    """Records of every area, each at a step with something to show."""
    open_course = course_testing.course(tree, CourseStatus.OPEN, org=tree.town1, actor=tree.town1_cadre)
    enrolment = enrolment_testing.enrolled(tree, open_course)
    finished, trainee, certificate = attendance_testing.finished_course_with_certificate(tree)
    member = tree.member(union=tree.union1).person
    Person.objects.filter(pk=member.pk).update(account=tree.member_user)
    enrolment_testing.enrolled(tree, open_course, member)
    planned = open_course.sessions.order_by("starts_at").first()  # next week's: the course's own builder
    live = attendance_testing.session(open_course, title="数控编程基础")  # began an hour ago: check-in open
    attendance_testing.mark(enrolment, live)
    checkin = urlsplit(attendance_services.checkin_url(live))  # signed; SITE_URL's host, not the live server's
    pair = mentoring_testing.write_reports(tree, mentoring_testing.pair(tree, months=12), upto=1)
    school = school_testing.school(tree, org=tree.town1, name="衙前职工学校")
    teacher = school_testing.teacher(tree, org=tree.town1)
    return {"open": open_course, "session": live, "planned": planned, "checkin": f"{checkin.path}?{checkin.query}",
            "enrolment": enrolment,
            "finished": finished, "finished_session": finished.sessions.first(), "certificate": certificate,
            "pair": pair, "school": school, "teacher": teacher}


def tour(tree, r):
    town = [
        ("tr-overview", reverse("training:overview")),
        ("tr-course-list", reverse("training:course_list")),
        ("tr-course-detail", reverse("training:course_detail", args=[r["open"].pk])),
        ("tr-course-finished", reverse("training:course_detail", args=[r["finished"].pk])),
        ("tr-course-edit", reverse("training:course_edit", args=[r["open"].pk])),
        ("tr-session-edit", reverse("training:session_edit", args=[r["open"].pk, r["planned"].pk])),
        ("tr-course-create", reverse("training:course_create")),
        ("tr-enrolment-list", reverse("training:enrolment_list")),
        ("tr-enrolment-detail", reverse("training:enrolment_detail", args=[r["enrolment"].pk])),
        ("tr-enrolment-create", reverse("training:enrolment_create") + f"?course={r['open'].pk}"),
        ("tr-session-attendance", reverse("training:session_attendance", args=[r["session"].pk])),
        ("tr-finished-attendance", reverse("training:session_attendance", args=[r["finished_session"].pk])),
        ("tr-scores", reverse("training:course_scores", args=[r["finished"].pk])),
        ("tr-certificate-list", reverse("training:certificate_list")),
        ("tr-certificate-detail", reverse("training:certificate_detail", args=[r["certificate"].pk])),
        ("tr-mentoring-list", reverse("training:mentoring_list")),
        ("tr-mentoring-detail", reverse("training:mentoring_detail", args=[r["pair"].pk])),
        ("tr-mentoring-create", reverse("training:mentoring_create")),
        ("tr-school-list", reverse("training:school_list")),
        ("tr-school-detail", reverse("training:school_detail", args=[r["school"].pk])),
        ("tr-school-create", reverse("training:school_create")),
        ("tr-teacher-list", reverse("training:teacher_list")),
        ("tr-teacher-detail", reverse("training:teacher_detail", args=[r["teacher"].pk])),
        ("tr-teacher-create", reverse("training:teacher_create")),
        ("tr-stats", reverse("training:stats")),
        ("tr-verify", reverse("training:verify")),
        ("tr-verify-code", reverse("training:verify_code", args=[r["certificate"].code])),
    ]
    district = [
        ("tr-target-list", reverse("training:target_list")),
        ("tr-target-create", reverse("training:target_create")),
    ]
    member = [
        ("tr-my", reverse("training:my_courses")),
        ("tr-checkin", r["checkin"]),
    ]
    return [("town1", town), ("district", district), ("member1", member)]


def test_training_layout_tour(browser, live_server, tour_screenshots):
    tree = Tree()
    problems = walk(browser, live_server, tour(tree, build(tree)), tour_screenshots)
    assert not problems, "\n".join(problems)
