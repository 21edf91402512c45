"""Re-checks after enrolment: a session added to or moved on a course may not double-book its
trainees; promotion from the waiting list checks each waiting person again and takes off the list
those who no longer qualify."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Notification
from gonghui.members.models import Membership, MembershipStatus
from gonghui.training.models.courses import CourseSession
from gonghui.training.models.enrolment import Enrolment
from gonghui.training.services import courses as course_services
from gonghui.training.services import enrolment as services
from gonghui.training.testing.enrolment import at, course, enrolled

pytestmark = pytest.mark.django_db


def _day():
    day = timezone.localdate() + datetime.timedelta(days=10)
    return day, {"year": day.year}


def waiting(c):
    return list(Enrolment.objects.filter(course=c, status="WAITLISTED").order_by("waitlist_position")
                .values_list("person_id", "waitlist_position"))


# --- sessions added or moved after enrolment ----------------------------------------------------------

def test_adding_a_session_that_double_books_a_trainee_is_refused_naming_them(tree):
    day, y = _day()
    a = course(tree, title="电工安全班", sessions=[(at(day, 9), at(day, 12))], **y)
    b = course(tree, title="焊工技能班", sessions=[(at(day, 14), at(day, 16))], **y)
    x = enrolled(tree, a)
    services.enrol(actor=tree.district_staff, course=b, person=x.person)
    other = enrolled(tree, b)  # not on course a: no clash for them
    with pytest.raises(DomainError) as refused:
        course_services.add_session(actor=tree.district_staff, course=b, starts_at=at(day, 11), ends_at=at(day, 13))
    assert refused.value.code == "trainee_clash" and refused.value.field == "starts_at"
    assert x.person.name in refused.value.text and "电工安全班" in refused.value.text
    assert other.person.name not in refused.value.text
    assert b.sessions.count() == 1  # nothing saved
    # back to back is allowed
    course_services.add_session(actor=tree.district_staff, course=b, starts_at=at(day, 12), ends_at=at(day, 13))
    assert b.sessions.count() == 2


def test_moving_a_session_onto_a_trainees_other_course_is_refused(tree):
    day, y = _day()
    a = course(tree, sessions=[(at(day, 9), at(day, 12))], **y)
    b = course(tree, sessions=[(at(day, 14), at(day, 16))], **y)
    x = enrolled(tree, a)
    services.enrol(actor=tree.district_staff, course=b, person=x.person)
    s = b.sessions.get()
    with pytest.raises(DomainError) as refused:
        course_services.update_session(actor=tree.district_staff, session=s, starts_at=at(day, 8),
                                       ends_at=at(day, 10))
    assert refused.value.code == "trainee_clash"
    s.refresh_from_db()
    assert timezone.localtime(s.starts_at).hour == 14
    # moving within the free afternoon is fine; a cancelled place or a cancelled session no longer counts
    course_services.update_session(actor=tree.district_staff, session=s, starts_at=at(day, 15), ends_at=at(day, 17))
    services.cancel_enrolment(actor=tree.district_staff, enrolment=x)
    course_services.update_session(actor=tree.district_staff, session=s, starts_at=at(day, 8), ends_at=at(day, 10))


def test_a_waiting_place_counts_unless_the_rule_says_otherwise(tree):
    day, y = _day()
    a = course(tree, capacity=1, waitlist_limit=2, sessions=[(at(day, 9), at(day, 12))], **y)
    b = course(tree, sessions=[(at(day, 14), at(day, 16))], **y)
    enrolled(tree, a)
    w = enrolled(tree, a)
    assert w.status == "WAITLISTED"
    services.enrol(actor=tree.district_staff, course=b, person=w.person)
    with pytest.raises(DomainError):
        course_services.add_session(actor=tree.district_staff, course=b, starts_at=at(day, 10), ends_at=at(day, 11))
    with override_settings(TRAINING_ENROLMENT_RULES={"waitlist_blocks_overlap": False}):
        course_services.add_session(actor=tree.district_staff, course=b, starts_at=at(day, 10), ends_at=at(day, 11))
    assert CourseSession.objects.filter(course=b).count() == 2


# --- promotion re-checks eligibility ------------------------------------------------------------------

def test_promotion_skips_a_waiting_person_who_left_the_union(tree):
    c = course(tree, capacity=1, waitlist_limit=3, members_only=True)
    seat = enrolled(tree, c)
    w1, w2, w3 = (enrolled(tree, c) for _ in range(3))
    w1.person.account = tree.member_user
    w1.person.save()
    Membership.objects.filter(person=w1.person).update(status=MembershipStatus.LEFT, ended_on=timezone.localdate())
    promoted = services.cancel_enrolment(actor=tree.district_staff, enrolment=seat)
    assert promoted.status == "CANCELLED"
    w1.refresh_from_db()
    w2.refresh_from_db()
    assert w1.status == "CANCELLED" and w1.waitlist_position is None and w1.cancelled_at is not None
    assert "members only" in w1.cancel_reason or "会员" in w1.cancel_reason
    assert w2.status == "ENROLLED"
    assert waiting(c) == [(w3.person_id, 1)]
    skip = AuditEvent.objects.get(action="training.enrolment_skip", object_id=str(w1.pk))
    assert skip.after["refusal"] == "not_a_member"
    n = Notification.objects.get(recipient=tree.member_user)
    assert n.key == f"training.enrolment_skip:{w1.pk}" and c.title in n.title


@override_settings(TRAINING_ENROLMENT_RULES={"waitlist_blocks_overlap": False})
def test_promotion_skips_a_waiting_person_who_took_a_clashing_seat(tree):
    day, y = _day()
    c = course(tree, capacity=1, waitlist_limit=3, sessions=[(at(day, 9), at(day, 12))], **y)
    other = course(tree, title="叉车班", sessions=[(at(day, 10), at(day, 11))], **y)
    seat = enrolled(tree, c)
    w1, w2 = enrolled(tree, c), enrolled(tree, c)
    services.enrol(actor=tree.district_staff, course=other, person=w1.person)  # allowed: waiting places don't block
    services.cancel_enrolment(actor=tree.district_staff, enrolment=seat)
    w1.refresh_from_db()
    w2.refresh_from_db()
    assert w1.status == "CANCELLED" and "叉车班" in w1.cancel_reason
    assert w2.status == "ENROLLED" and waiting(c) == []


def test_capacity_increase_skips_the_ineligible_and_fills_every_seat(tree):
    c = course(tree, capacity=1, waitlist_limit=5, members_only=True)
    enrolled(tree, c)
    ws = [enrolled(tree, c) for _ in range(5)]
    Membership.objects.filter(person__in=[ws[0].person, ws[2].person]).update(
        status=MembershipStatus.LEFT, ended_on=timezone.localdate())
    c.capacity = 3
    c.save()
    promoted = services.promote_waitlist(actor=tree.district_staff, course=c)
    assert [x.pk for x in promoted] == [ws[1].pk, ws[3].pk]
    assert waiting(c) == [(ws[4].person_id, 1)]
    assert set(Enrolment.objects.filter(course=c, status="CANCELLED").values_list("pk", flat=True)) == {
        ws[0].pk, ws[2].pk}
