"""Builders for the enrolment tests (other areas' tests may import them): an OPEN course of a
given org with sessions, written with the ORM (the courses area's services are not needed), and
people enrolled through the services."""

import datetime
import itertools

from django.utils import timezone

from gonghui.training.models.courses import Course, CourseSession, CourseStatus
from gonghui.training.services import enrolment as services

_codes = itertools.count(1)


def at(day, hour=9, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def course(tree, *, org=None, capacity=2, waitlist_limit=2, status=CourseStatus.OPEN, sessions=None,
           **extra) -> Course:
    """An OPEN course of town1 (or `org`) with one session next month 09:00–12:00 (or `sessions`:
    [(start, end)] datetimes)."""
    org = org or tree.town1
    n = next(_codes)
    c = Course.objects.create(org=org, town=org.town(), code=f"TC{n:05d}", title=extra.pop("title", f"数控车工班{n}"),
                              programme=extra.pop("programme", "SKILLS"), mode=extra.pop("mode", "INDEPENDENT"),
                              year=extra.pop("year", timezone.localdate().year), capacity=capacity,
                              waitlist_limit=waitlist_limit, status=status, **extra)
    if sessions is None:
        day = timezone.localdate() + datetime.timedelta(days=30)
        sessions = [(at(day, 9), at(day, 12))]
    for i, (start, end) in enumerate(sessions):
        CourseSession.objects.create(course=c, title=f"第{i + 1}讲", starts_at=start, ends_at=end, hours=3)
    return c


def people(tree, n, union=None, **kwargs):
    return [tree.member(union=union or tree.union1, **kwargs).person for _ in range(n)]


def enrolled(tree, c, person=None, *, union=None):
    """`person` (default: a new union1 member) enrolled by the organiser (district staff)."""
    person = person or tree.member(union=union or tree.union1).person
    return services.enrol(actor=tree.district_staff, course=c, person=person)
