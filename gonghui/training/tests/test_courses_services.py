"""Services of courses: numbering, the delivery mode's requirements, sessions (inside the year,
no overlap in a course, a teacher never in two places), the workflow, cancelling."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Notification
from gonghui.training.models.courses import Course, CourseSession, CourseStatus
from gonghui.training.models.enrolment import Enrolment, EnrolmentStatus
from gonghui.training.services import courses as services
from gonghui.training.testing.courses import at, course, school, teacher

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def _base(tree, **kw):
    return {"title": "电工安全培训", "programme": "SAFETY", "mode": "INDEPENDENT", "year": YEAR, "capacity": 20,
            "school": school(tree), **kw}


def test_codes_are_numbered_per_year(tree):
    a = services.create_course(actor=tree.union1_chair, org=tree.union1, **_base(tree))
    b = services.create_course(actor=tree.union1_chair, org=tree.union1, **_base(tree))
    c = services.create_course(actor=tree.union1_chair, org=tree.union1, **_base(tree, year=YEAR - 1))
    assert (a.code, b.code, c.code) == (f"PX{YEAR}-0001", f"PX{YEAR}-0002", f"PX{YEAR - 1}-0001")
    assert a.town == tree.town1 and a.status == CourseStatus.DRAFT
    assert AuditEvent.objects.filter(action="training.course_create", object_id=str(a.pk)).exists()


def test_code_taken_outside_the_counter_is_skipped(tree):
    x = services.create_course(actor=tree.union1_chair, org=tree.union1, **_base(tree))
    Course.objects.filter(pk=x.pk).update(code=f"PX{YEAR}-0002")
    y = services.create_course(actor=tree.union1_chair, org=tree.union1, **_base(tree))
    assert y.code == f"PX{YEAR}-0003"


@pytest.mark.parametrize(("kw", "field", "code"), [
    ({"school": None}, "school", "school_required"),
    ({"mode": "COMMISSIONED", "provider": ""}, "provider", "provider_required"),
    ({"mode": "IN_ENTERPRISE"}, "host_enterprise", "host_required"),
    ({"capacity": 0}, "capacity", "out_of_range"),
    ({"capacity": 81}, "capacity", "over_school_capacity"),
    ({"title": "  "}, "title", "required"),
    ({"programme": "X"}, "programme", "invalid_programme"),
    ({"year": 1999}, "year", "out_of_range"),
    ({"fee": Decimal("-1")}, "fee", "out_of_range"),
    ({"fee": "abc"}, "fee", "invalid"),
    ({"pass_mark": 101}, "pass_mark", "out_of_range"),
    ({"min_attendance": Decimal("1.5")}, "min_attendance", "out_of_range"),
    ({"min_skill_level": "GURU"}, "min_skill_level", "invalid_level"),
    ({"enrol_opens_on": datetime.date(YEAR, 5, 2), "enrol_closes_on": datetime.date(YEAR, 5, 1)},
     "enrol_closes_on", "date_order"),
    ({"target_trades": ["x" * 31]}, "target_trades", "too_long"),
])
def test_bad_course_input_is_refused_and_nothing_saved(tree, kw, field, code):
    with pytest.raises(DomainError) as e:
        services.create_course(actor=tree.union1_chair, org=tree.union1, **_base(tree, **kw))
    assert (e.value.field, e.value.code) == (field, code)
    assert not Course.objects.exists()
    from gonghui.training.models.courses import CourseNumberCounter

    assert not CourseNumberCounter.objects.filter(last__gt=0).exists()


def test_mode_decides_what_is_kept(tree):
    host = services.create_course(actor=tree.union1_chair, org=tree.union1,
                                  **_base(tree, mode="IN_ENTERPRISE", host_enterprise=tree.enterprise1,
                                          provider="ignored"))
    assert host.host_enterprise == tree.enterprise1 and host.provider == ""
    com = services.create_course(actor=tree.union1_chair, org=tree.union1,
                                 **_base(tree, mode="COMMISSIONED", school=None, provider="萧山技工学校",
                                         target_trades="电工，焊工、电工"))
    assert com.provider == "萧山技工学校" and com.target_trades == ["电工", "焊工"]
    with pytest.raises(DomainError) as e:  # an enterprise of another town
        services.create_course(actor=tree.union1_chair, org=tree.union1,
                               **_base(tree, mode="IN_ENTERPRISE", host_enterprise=tree.enterprise2))
    assert e.value.code == "host_out_of_town"


def test_school_must_offer_the_mode(tree):
    s = school(tree, name="衙前职工学校", modes=("INDEPENDENT",))
    with pytest.raises(DomainError) as e:
        services.create_course(actor=tree.union1_chair, org=tree.union1,
                               **_base(tree, school=s, mode="COMMISSIONED", provider="某机构"))
    assert e.value.code == "mode_not_offered"


def test_sessions_inside_the_year_and_not_overlapping(tree):
    c = course(tree, sessions=[])
    day = datetime.date(YEAR, 6, 1)
    s = services.add_session(actor=tree.union1_chair, course=c, starts_at=at(day, 9), ends_at=at(day, 11, 30))
    assert s.hours == Decimal("2.5") and s.checkin_token
    bad = [
        ({"starts_at": at(datetime.date(YEAR + 1, 1, 2), 9), "ends_at": at(datetime.date(YEAR + 1, 1, 2), 10)},
         "date_out_of_year"),
        ({"starts_at": at(day, 10), "ends_at": at(day, 12)}, "session_overlap"),
        ({"starts_at": at(day, 13), "ends_at": at(day, 12)}, "date_order"),
        ({"starts_at": at(day, 6), "ends_at": at(day, 19)}, "too_long"),
        ({"starts_at": at(day, 13), "ends_at": at(day, 14), "hours": Decimal("3")}, "hours_over_duration"),
    ]
    for kw, code in bad:
        with pytest.raises(DomainError) as e:
            services.add_session(actor=tree.union1_chair, course=c, **kw)
        assert e.value.code == code, kw
    assert CourseSession.objects.count() == 1


def test_a_teacher_cannot_teach_two_overlapping_sessions(tree):
    t = teacher(tree)
    day = datetime.date(YEAR, 6, 2)
    a = course(tree, sessions=[], title="甲班")
    b = course(tree, sessions=[], title="乙班", org=tree.town1, actor=tree.town1_cadre)
    services.add_session(actor=tree.union1_chair, course=a, starts_at=at(day, 9), ends_at=at(day, 12), teacher=t)
    with pytest.raises(DomainError) as e:
        services.add_session(actor=tree.town1_cadre, course=b, starts_at=at(day, 11), ends_at=at(day, 13), teacher=t)
    assert e.value.code == "teacher_busy" and "甲班" in e.value.text and a.code in e.value.text
    ok = services.add_session(actor=tree.town1_cadre, course=b, starts_at=at(day, 12), ends_at=at(day, 14),
                              teacher=t)  # back to back is fine
    # editing a session onto the other one clashes too; cancelled sessions free the teacher
    with pytest.raises(DomainError):
        services.update_session(actor=tree.town1_cadre, session=ok, starts_at=at(day, 10), ends_at=at(day, 12),
                                teacher=t)
    first = a.sessions.get()
    services.cancel_session(actor=tree.union1_chair, session=first, reason="老师出差")
    services.update_session(actor=tree.town1_cadre, session=ok, starts_at=at(day, 10), ends_at=at(day, 12),
                            teacher=t)


def test_workflow(tree):
    c = course(tree, sessions=[])
    with pytest.raises(DomainError) as e:
        services.open_course(actor=tree.union1_chair, course=c)
    assert e.value.code == "no_sessions"
    day = timezone.localdate() + datetime.timedelta(days=3)
    if day.year != c.year:
        pytest.skip("too close to the year's end")
    services.add_session(actor=tree.union1_chair, course=c, starts_at=at(day, 9), ends_at=at(day, 12))
    c = services.open_course(actor=tree.union1_chair, course=c)
    with pytest.raises(DomainError) as e:
        services.open_course(actor=tree.union1_chair, course=c)
    assert e.value.code == "wrong_stage"
    c = services.close_course(actor=tree.union1_chair, course=c)
    c = services.reopen_course(actor=tree.union1_chair, course=c)
    with pytest.raises(DomainError) as e:
        services.finish_course(actor=tree.union1_chair, course=c)
    assert e.value.code == "sessions_ahead"
    assert c.status == CourseStatus.OPEN
    codes = list(AuditEvent.objects.filter(object_id=str(c.pk), action__startswith="training.course")
                 .values_list("action", flat=True))
    assert {"training.course_open", "training.course_close", "training.course_reopen"} <= set(codes)


def test_finish_after_the_last_session(tree):
    c = course(tree, CourseStatus.FINISHED)
    assert c.status == CourseStatus.FINISHED
    with pytest.raises(DomainError):
        services.add_session(actor=tree.union1_chair, course=c, starts_at=at(datetime.date(YEAR, 3, 1), 9),
                             ends_at=at(datetime.date(YEAR, 3, 1), 10))


def test_cancel_cancels_enrolments_and_tells_trainees(tree):
    from gonghui.core.testing.factories import UserFactory

    c = course(tree, CourseStatus.OPEN)
    m1, m2 = tree.member(), tree.member()
    m1.person.account = UserFactory(username="trainee1")
    m1.person.save(update_fields=["account"])
    now = timezone.now()
    Enrolment.objects.create(course=c, person=m1.person, union=tree.union1, status=EnrolmentStatus.ENROLLED,
                             channel="UNION", enrolled_at=now)
    Enrolment.objects.create(course=c, person=m2.person, union=tree.union1, status=EnrolmentStatus.WAITLISTED,
                             waitlist_position=1, channel="UNION", enrolled_at=now)
    with pytest.raises(DomainError) as e:
        services.cancel_course(actor=tree.union1_chair, course=c, reason=" ")
    assert e.value.field == "reason"
    c = services.cancel_course(actor=tree.union1_chair, course=c, reason="报名人数不足")
    assert c.status == CourseStatus.CANCELLED and c.cancel_reason == "报名人数不足"
    assert set(Enrolment.objects.values_list("status", flat=True)) == {EnrolmentStatus.CANCELLED}
    n = Notification.objects.get(recipient=m1.person.account)
    assert c.title in n.title


def test_capacity_cannot_drop_below_seats(tree):
    c = course(tree, CourseStatus.OPEN, capacity=3)
    for _ in range(2):
        Enrolment.objects.create(course=c, person=tree.member().person, union=tree.union1,
                                 status=EnrolmentStatus.ENROLLED, channel="UNION", enrolled_at=timezone.now())
    with pytest.raises(DomainError) as e:
        services.update_course(actor=tree.union1_chair, course=c, capacity=1)
    assert e.value.code == "below_seats_taken"
    c = services.update_course(actor=tree.union1_chair, course=c, capacity=2, title="新标题")
    assert (c.capacity, c.title) == (2, "新标题")
    with pytest.raises(DomainError) as e:
        services.update_course(actor=tree.union1_chair, course=c, year=YEAR + 1)
    assert e.value.field == "year"


def test_overview_card_and_due_line(tree):
    from gonghui.training.selectors.courses import due_courses_summary, overview_card

    course(tree, CourseStatus.OPEN)
    course(tree, CourseStatus.DRAFT, days_ahead=3)
    closed = course(tree, CourseStatus.CLOSED)
    CourseSession.objects.filter(course=closed).update(
        starts_at=timezone.now() - datetime.timedelta(hours=5), ends_at=timezone.now() - datetime.timedelta(hours=4))
    card = overview_card(tree.town1_cadre)
    values = {r.url.split("?")[1]: r.value for r in card.rows}  # by link: the labels are translated
    assert values["status=OPEN"] == 1 and values["status=DRAFT"] == 1
    assert overview_card(tree.town2_cadre).rows[0].value == 0
    due = due_courses_summary(tree.union1_chair)
    assert (due.overdue, due.soon) == (1, 1)
    assert due_courses_summary(tree.union2_chair) is None
