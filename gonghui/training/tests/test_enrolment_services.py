"""Enrolment services: places and the waiting list, promotion in order, the overlap rule,
eligibility, bulk all-or-nothing, cancelling, audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.members.models import MembershipStatus
from gonghui.training.models.courses import CourseStatus
from gonghui.training.models.enrolment import Enrolment, EnrolmentChannel, EnrolmentStatus
from gonghui.training.services import enrolment as services
from gonghui.training.testing.enrolment import at, course, enrolled, people

pytestmark = pytest.mark.django_db


def waiting(c):
    return list(Enrolment.objects.filter(course=c, status="WAITLISTED").order_by("waitlist_position")
                .values_list("person__name", "waitlist_position"))


def test_seats_then_waiting_list_then_full(tree):
    c = course(tree, capacity=2, waitlist_limit=2)
    xs = [enrolled(tree, c) for _ in range(4)]
    assert [x.status for x in xs] == ["ENROLLED", "ENROLLED", "WAITLISTED", "WAITLISTED"]
    assert [x.waitlist_position for x in xs] == [None, None, 1, 2]
    with pytest.raises(DomainError) as refused:
        enrolled(tree, c)
    assert refused.value.code == "full" and "2" in refused.value.text
    assert Enrolment.objects.filter(course=c).count() == 4


def test_no_waiting_list_when_limit_is_zero(tree):
    c = course(tree, capacity=1, waitlist_limit=0)
    enrolled(tree, c)
    with pytest.raises(DomainError) as refused:
        enrolled(tree, c)
    assert refused.value.code == "full"


def test_cancelling_a_seat_promotes_the_first_waiting_and_closes_the_gap(tree):
    c = course(tree, capacity=1, waitlist_limit=3)
    seat = enrolled(tree, c)
    w1, w2, w3 = (enrolled(tree, c) for _ in range(3))
    services.cancel_enrolment(actor=tree.town1_cadre, enrolment=seat, reason="工作冲突")
    w1.refresh_from_db()
    assert w1.status == "ENROLLED" and w1.waitlist_position is None and w1.promoted_at is not None
    assert waiting(c) == [(w2.person.name, 1), (w3.person.name, 2)]
    seat.refresh_from_db()
    assert seat.status == "CANCELLED" and seat.cancel_reason == "工作冲突"
    assert AuditEvent.objects.filter(action="training.enrolment_promote", object_id=str(w1.pk)).exists()


def test_cancelling_a_waiting_place_moves_those_behind_up(tree):
    c = course(tree, capacity=1, waitlist_limit=4)
    enrolled(tree, c)
    w = [enrolled(tree, c) for _ in range(4)]
    services.cancel_enrolment(actor=tree.district_staff, enrolment=w[1])
    assert waiting(c) == [(w[0].person.name, 1), (w[2].person.name, 2), (w[3].person.name, 3)]
    # and the freed room on the list takes a newcomer at the end
    x = enrolled(tree, c)
    assert x.waitlist_position == 4


def test_capacity_increase_promotes_in_order(tree):
    c = course(tree, capacity=1, waitlist_limit=3)
    enrolled(tree, c)
    w = [enrolled(tree, c) for _ in range(3)]
    c.capacity = 3
    c.save()
    promoted = services.promote_waitlist(actor=tree.town1_cadre, course=c)
    assert [x.pk for x in promoted] == [w[0].pk, w[1].pk]
    assert waiting(c) == [(w[2].person.name, 1)]


def test_no_promotion_after_the_course_finished(tree):
    c = course(tree, capacity=1, waitlist_limit=1)
    enrolled(tree, c)
    enrolled(tree, c)
    Enrolment.objects.filter(course=c)  # noqa: B018
    c.status = CourseStatus.FINISHED
    c.save()
    c.capacity = 5
    c.save()
    assert services.promote_waitlist(actor=None, course=c) == []


def test_a_cancelled_person_can_enrol_again(tree):
    c = course(tree, capacity=2)
    x = enrolled(tree, c)
    services.cancel_enrolment(actor=tree.district_staff, enrolment=x)
    again = services.enrol(actor=tree.district_staff, course=c, person=x.person)
    assert again.status == "ENROLLED" and again.pk != x.pk


def test_twice_on_one_course_is_refused(tree):
    c = course(tree)
    x = enrolled(tree, c)
    with pytest.raises(DomainError) as refused:
        services.enrol(actor=tree.district_staff, course=c, person=x.person)
    assert refused.value.code == "already_enrolled"


def test_overlap_is_refused_naming_the_course_and_session(tree):
    day = timezone.localdate() + datetime.timedelta(days=20)
    a = course(tree, title="电工安全班", sessions=[(at(day, 9), at(day, 12))])
    b = course(tree, title="焊工技能班", sessions=[(at(day, 11), at(day, 15))])
    c = course(tree, title="法律维权讲座", sessions=[(at(day, 12), at(day, 14))])  # touches a, overlaps b
    x = enrolled(tree, a)
    with pytest.raises(DomainError) as refused:
        services.enrol(actor=tree.district_staff, course=b, person=x.person)
    assert refused.value.code == "overlap"
    assert "电工安全班" in refused.value.text and f"{day.isoformat()} 09:00" in refused.value.text
    # back to back (12:00 end, 12:00 start) is no overlap
    assert services.enrol(actor=tree.district_staff, course=c, person=x.person).status == "ENROLLED"


def test_overlap_ignores_cancelled_places_and_sessions(tree):
    day = timezone.localdate() + datetime.timedelta(days=20)
    a = course(tree, sessions=[(at(day, 9), at(day, 12))])
    b = course(tree, sessions=[(at(day, 10), at(day, 11))])
    x = enrolled(tree, a)
    services.cancel_enrolment(actor=tree.district_staff, enrolment=x)
    assert services.enrol(actor=tree.district_staff, course=b, person=x.person).status == "ENROLLED"
    y = enrolled(tree, a)
    a.sessions.update(is_cancelled=True)
    assert services.enrol(actor=tree.district_staff, course=b, person=y.person).status == "ENROLLED"


def test_a_waiting_place_counts_for_the_overlap_rule(tree):
    day = timezone.localdate() + datetime.timedelta(days=20)
    a = course(tree, capacity=1, waitlist_limit=2, sessions=[(at(day, 9), at(day, 12))])
    b = course(tree, sessions=[(at(day, 10), at(day, 11))])
    enrolled(tree, a)
    w = enrolled(tree, a)
    assert w.status == "WAITLISTED"
    with pytest.raises(DomainError) as refused:
        services.enrol(actor=tree.district_staff, course=b, person=w.person)
    assert refused.value.code == "overlap"


@pytest.mark.parametrize("change, code", [
    ({"status": CourseStatus.DRAFT}, "not_open"),
    ({"status": CourseStatus.CLOSED}, "not_open"),
    ({"enrol_opens_on": timezone.localdate() + datetime.timedelta(days=1)}, "window"),
    ({"enrol_closes_on": timezone.localdate() - datetime.timedelta(days=1),
      "enrol_opens_on": timezone.localdate() - datetime.timedelta(days=9)}, "window"),
    ({"min_skill_level": "LEVEL3"}, "skill_level"),
])
def test_eligibility_refusals(tree, change, code):
    c = course(tree, **change)
    person = tree.member(skill_level="LEVEL4").person
    with pytest.raises(DomainError) as refused:
        services.enrol(actor=tree.district_staff, course=c, person=person)
    assert refused.value.code == code
    assert not Enrolment.objects.exists()


def test_skill_level_at_the_minimum_is_accepted(tree):
    c = course(tree, min_skill_level="LEVEL4")
    person = tree.member(skill_level="LEVEL3").person  # senior worker is above intermediate
    assert services.enrol(actor=tree.district_staff, course=c, person=person).status == "ENROLLED"


def test_members_only_needs_a_live_membership(tree):
    c = course(tree)
    m = tree.member()
    m.status, m.ended_on = MembershipStatus.LEFT, datetime.date(2024, 1, 1)
    m.save()
    with pytest.raises(DomainError) as refused:
        services.enrol(actor=tree.district_staff, course=c, person=m.person)
    assert refused.value.code == "not_a_member"
    c.members_only = False
    c.save()
    x = services.enrol(actor=tree.district_staff, course=c, person=m.person)
    assert x.union is None


def test_a_town_course_is_closed_to_another_towns_unions(tree):
    c = course(tree, org=tree.town1)
    person = tree.member(union=tree.union2).person
    with pytest.raises(DomainError) as refused:
        services.enrol(actor=tree.district_staff, course=c, person=person)
    assert refused.value.code == "out_of_area"
    district = course(tree, org=tree.district)
    x = services.enrol(actor=tree.district_staff, course=district, person=person)
    assert x.union == tree.union2 and x.town == tree.town2


def test_bulk_by_union_places_all_in_order(tree):
    c = course(tree, capacity=2, waitlist_limit=3)
    ps = people(tree, 4)
    xs = services.enrol_members(actor=tree.union1_chair, course=c, union=tree.union1, people=ps)
    assert [x.status for x in xs] == ["ENROLLED", "ENROLLED", "WAITLISTED", "WAITLISTED"]
    assert {x.channel for x in xs} == {EnrolmentChannel.UNION}
    assert {x.town_id for x in xs} == {tree.town1.pk}
    assert AuditEvent.objects.filter(action="training.enrolment_enrol").count() == 4


def test_bulk_is_all_or_nothing_with_a_line_per_person(tree):
    c = course(tree, capacity=5, min_skill_level="LEVEL4")
    ok = people(tree, 2, skill_level="LEVEL3")
    low = tree.member(skill_level="NONE").person
    other = tree.member(union=tree.union1b, skill_level="LEVEL3").person
    with pytest.raises(services.EnrolmentRowsError) as refused:
        services.enrol_members(actor=tree.union1_chair, course=c, union=tree.union1, people=[*ok, low, other])
    rows = {r["person"]: r["code"] for r in refused.value.rows}
    assert rows == {low.pk: "skill_level", other.pk: "not_a_member"}
    assert low.name in refused.value.text and other.name in refused.value.text
    assert not Enrolment.objects.exists()


def test_bulk_that_does_not_fit_names_who_is_left_out(tree):
    c = course(tree, capacity=2, waitlist_limit=1)
    ps = people(tree, 5)
    with pytest.raises(services.EnrolmentRowsError) as refused:
        services.enrol_members(actor=tree.union1_chair, course=c, union=tree.union1, people=ps)
    assert [r["person"] for r in refused.value.rows] == [ps[3].pk, ps[4].pk]
    assert {r["code"] for r in refused.value.rows} == {"full"}
    assert not Enrolment.objects.exists()


def test_bulk_needs_someone_and_a_grassroots_union(tree):
    c = course(tree)
    with pytest.raises(DomainError) as refused:
        services.enrol_members(actor=tree.union1_chair, course=c, union=tree.union1, people=[])
    assert refused.value.code == "required"
    with pytest.raises(DomainError) as refused:
        services.enrol_members(actor=tree.town1_cadre, course=c, union=tree.town1, people=people(tree, 1))
    assert refused.value.code == "not_a_union"


def test_a_union_cannot_enrol_for_another_union(tree):
    c = course(tree, org=tree.district)
    with pytest.raises(PermissionDenied):
        services.enrol_members(actor=tree.union1_chair, course=c, union=tree.union2,
                               people=people(tree, 1, union=tree.union2))


def test_self_enrolment(tree):
    c = course(tree)
    person = tree.member().person
    x = services.enrol_self(user=tree.member_user, person=person, course=c)
    assert x.channel == "SELF" and x.enrolled_by == tree.member_user
    c2 = course(tree, self_enrolment=False)
    with pytest.raises(DomainError) as refused:
        services.enrol_self(user=tree.member_user, person=person, course=c2)
    assert refused.value.code == "no_self_enrolment"
    with pytest.raises(DomainError) as refused:
        services.enrol_self(user=tree.member_user, person=None, course=c)
    assert refused.value.code == "no_person"


def test_cancel_own_only_and_not_twice(tree):
    c = course(tree)
    mine, theirs = enrolled(tree, c), enrolled(tree, c)
    with pytest.raises(DomainError) as refused:
        services.cancel_own(user=tree.member_user, person=mine.person, enrolment=theirs)
    assert refused.value.code == "forbidden"
    services.cancel_own(user=tree.member_user, person=mine.person, enrolment=mine, reason="加班")
    with pytest.raises(DomainError) as refused:
        services.cancel_own(user=tree.member_user, person=mine.person, enrolment=mine)
    assert refused.value.code == "wrong_stage"


def test_a_union_cancels_only_its_members_places(tree):
    c = course(tree, org=tree.district)
    mine = enrolled(tree, c)
    theirs = enrolled(tree, c, union=tree.union2)
    services.cancel_enrolment(actor=tree.union1_chair, enrolment=mine)
    with pytest.raises(PermissionDenied):
        services.cancel_enrolment(actor=tree.union1_chair, enrolment=theirs)
    assert Enrolment.objects.get(pk=theirs.pk).status == EnrolmentStatus.ENROLLED


def test_reason_too_long_saves_nothing(tree):
    c = course(tree)
    x = enrolled(tree, c)
    with pytest.raises(DomainError) as refused:
        services.cancel_enrolment(actor=tree.district_staff, enrolment=x, reason="长" * 401)
    assert refused.value.code == "too_long" and refused.value.field == "reason"
    assert Enrolment.objects.get(pk=x.pk).status == "ENROLLED"


def test_a_promoted_trainee_with_a_login_is_notified(tree):
    from gonghui.core.models import Notification

    c = course(tree, capacity=1, waitlist_limit=1)
    seat = enrolled(tree, c)
    person = tree.member().person
    person.account = tree.member_user
    person.save()
    w = services.enrol(actor=tree.district_staff, course=c, person=person)
    services.cancel_enrolment(actor=tree.district_staff, enrolment=seat)
    n = Notification.objects.get(recipient=tree.member_user)
    assert c.title in n.title and n.key == f"training.enrolment_promote:{w.pk}"
