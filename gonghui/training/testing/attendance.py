"""Builders for the attendance tests (and other areas'): a course with sessions and enrolments
written directly with the ORM (not through the courses or enrolment services, so these tests do
not depend on them), attendance marks and a finished course with certificates."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from gonghui.training.models import (
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    Course,
    CourseSession,
    CourseStatus,
    Enrolment,
    EnrolmentChannel,
    EnrolmentStatus,
)

_codes = itertools.count(1)


def course(tree, *, org=None, status=CourseStatus.CLOSED, title="数控车工技能提升班", capacity=30,
           assessment_required=True, pass_mark=Decimal("60"), min_attendance=None, year=None, **extra) -> Course:
    org = org or tree.town1
    return Course.objects.create(
        org=org, town=org if org.level == "TOWN" else None, code=f"TC{next(_codes):06d}", title=title,
        programme="SKILLS", mode="INDEPENDENT", year=year or timezone.localdate().year, capacity=capacity,
        assessment_required=assessment_required, pass_mark=pass_mark, min_attendance=min_attendance,
        status=status, **extra)


def session(c, *, starts_at=None, hours=Decimal("2"), days_ago=None, is_cancelled=False, minutes=120,
            **extra) -> CourseSession:
    """A session of `c`; by default started an hour ago (in progress, check-in open)."""
    if starts_at is None:
        starts_at = timezone.now() - (datetime.timedelta(days=days_ago) if days_ago is not None
                                      else datetime.timedelta(hours=1))
    return CourseSession.objects.create(course=c, starts_at=starts_at,
                                        ends_at=starts_at + datetime.timedelta(minutes=minutes),
                                        hours=Decimal(hours), is_cancelled=is_cancelled, **extra)


def enrol(c, person, *, union=None, status=EnrolmentStatus.ENROLLED, score=None) -> Enrolment:
    return Enrolment.objects.create(
        course=c, person=person, union=union, town=union.town() if union is not None else None, status=status,
        waitlist_position=1 if status == EnrolmentStatus.WAITLISTED else None, channel=EnrolmentChannel.UNION,
        enrolled_at=timezone.now(), assessment_score=score)


def trainee(tree, c, *, union=None, **kwargs) -> Enrolment:
    """A new member of union1 (or `union`) enrolled on `c`."""
    union = union or tree.union1
    membership = tree.member(union=union)
    return enrol(c, membership.person, union=union, **kwargs)


def mark(enrolment, s, status=AttendanceStatus.PRESENT) -> Attendance:
    return Attendance.objects.create(enrolment=enrolment, session=s, status=status, method=AttendanceMethod.LIST,
                                     recorded_at=timezone.now())


def finished_course_with_certificate(tree, *, actor=None, **kwargs):
    """A finished course, one trainee who attended everything and passed, decided and certified.
    Returns (course, enrolment, certificate)."""
    from gonghui.training.services import attendance as services

    actor = actor or tree.town1_cadre
    c = course(tree, status=CourseStatus.FINISHED, **kwargs)
    s = session(c, days_ago=3)
    e = trainee(tree, c, score=Decimal("85"))
    mark(e, s)
    services.decide_completion(actor=actor, course=c)
    cert = services.issue_certificates(actor=actor, course=c)[0]
    return c, e, cert
