"""Builders for the statistics tests: courses, sessions, enrolments, attendance and certificates
written directly with the ORM (independent of the other areas' services), and `KnownDataset`, a
small district with every case the definitions name and the figures it must give."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from gonghui.core.testing.factories import EnterpriseFactory, add_org
from gonghui.orgs.models import Industry, Org, OrgLevel
from gonghui.training.models import (
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    Certificate,
    CertificateStatus,
    Course,
    CourseSession,
    CourseStatus,
    Enrolment,
    EnrolmentChannel,
    EnrolmentStatus,
    TrainingTarget,
    WorkerSchool,
)

_seq = itertools.count(1)


def school(org, name=None) -> WorkerSchool:
    return WorkerSchool.objects.create(org=org, name=name or f"职工学校{next(_seq)}", address="测试路1号", capacity=60,
                                       modes=["INDEPENDENT"])


def course(org, *, year, programme="SKILLS", school=None, status=CourseStatus.FINISHED, capacity=50) -> Course:
    town = org if org.level in (OrgLevel.TOWN, OrgLevel.PLATFORM) else None
    return Course.objects.create(org=org, town=town, code=f"ST{next(_seq):06d}", title=f"课程{next(_seq)}",
                                 programme=programme, mode="INDEPENDENT", school=school, year=year,
                                 capacity=capacity, status=status)


def session(c, hours, *, is_cancelled=False) -> CourseSession:
    start = timezone.make_aware(datetime.datetime(c.year, 3, 1, 9)) + datetime.timedelta(days=next(_seq))
    return CourseSession.objects.create(course=c, starts_at=start, ends_at=start + datetime.timedelta(hours=4),
                                        hours=Decimal(hours), is_cancelled=is_cancelled)


def enrol(c, person, union, status=EnrolmentStatus.ENROLLED, position=None) -> Enrolment:
    town = union.town() if union is not None else None
    if status == EnrolmentStatus.WAITLISTED and position is None:
        position = next(_seq)
    return Enrolment.objects.create(course=c, person=person, union=union, town=town, status=status,
                                    waitlist_position=position, channel=EnrolmentChannel.UNION,
                                    enrolled_at=timezone.now())


def attend(enrolment, s, status=AttendanceStatus.PRESENT) -> Attendance:
    return Attendance.objects.create(enrolment=enrolment, session=s, status=status, method=AttendanceMethod.LIST,
                                     recorded_at=timezone.now())


def certify(enrolment, status=CertificateStatus.VALID) -> Certificate:
    n = next(_seq)
    return Certificate.objects.create(
        enrolment=enrolment, number=f"C{n:08d}", code=f"CODE{n:012d}", holder_name=enrolment.person.name,
        course_title=enrolment.course.title, programme_label="x", organiser_name=enrolment.course.org.name,
        hours=Decimal("5"), issued_on=timezone.localdate(), status=status,
        revoked_at=timezone.now() if status == CertificateStatus.REVOKED else None)


def target(org, year, trainees, person_times, hours) -> TrainingTarget:
    return TrainingTarget.objects.create(org=org, year=year, trainees=trainees, person_times=person_times,
                                         hours=Decimal(hours))


class KnownDataset:
    """On `tree` (core.testing.factories.Tree), for `year` and the year before:

    course A (town1, school S1, SKILLS, FINISHED): sessions 2 h, 3 h and 4 h (cancelled)
      p1 union1 COMPLETED  — s1 PRESENT, s2 LATE, s3 PRESENT (cancelled session: 0 h) → 5 h, certificate valid
      p2 union1 NOT_COMPLETED — s1 PRESENT, s2 ABSENT → 2 h
      p3 union2 COMPLETED  — s1, s2 PRESENT → 5 h, certificate REVOKED (not counted)
      p4 union1b CANCELLED (not counted)
    course B (district, no school, SAFETY, OPEN): one session of 1.5 h
      p1 union1 ENROLLED — PRESENT → 1.5 h (p1 counts once as a trainee)
      p5 union2 ENROLLED — no attendance
      p6 unionD (under the district, no town, no enterprise) ENROLLED — EXCUSED → 0 h
      p4 union1b WAITLISTED (not counted)
    course C (town2, CANCELLED): p5 ENROLLED (not counted)
    course D (town1, school S1, LEGAL, last year): p1 COMPLETED, 2 h, certificate valid
    union1's enterprises: enterprise1 (MANUFACTURING, the first) and a later one (SERVICES, ignored);
    union2's: enterprise2 (LOGISTICS).
    targets: district this year 10 / 12 / 27 h, town1 this year 4 / 6 / 17 h, district last year 2 / 2 / 4 h.
    """

    def __init__(self, tree, year):
        self.tree, self.year = tree, year
        d = tree
        d.enterprise1.industry = Industry.MANUFACTURING
        d.enterprise1.save(update_fields=["industry"])
        d.enterprise2.industry = Industry.LOGISTICS
        d.enterprise2.save(update_fields=["industry"])
        EnterpriseFactory(town=d.town1, union=d.union1, industry=Industry.SERVICES)
        self.union_d = Org.objects.get(pk=add_org(d.district, "区直企业工会", OrgLevel.GRASSROOTS, code="UD").pk)
        self.s1, self.s2 = school(d.town1, "红山职工学校"), school(d.town2, "河上职工学校")
        p = {i: (d.member(union=u).person) for i, u in
             ((1, d.union1), (2, d.union1), (3, d.union2), (4, d.union1b), (5, d.union2), (6, self.union_d))}
        self.people = p

        a = self.a = course(d.town1, year=year, school=self.s1, programme="SKILLS")
        a1, a2, a3 = session(a, "2"), session(a, "3"), session(a, "4", is_cancelled=True)
        e = enrol(a, p[1], d.union1, EnrolmentStatus.COMPLETED)
        attend(e, a1), attend(e, a2, AttendanceStatus.LATE), attend(e, a3)
        certify(e)
        e = enrol(a, p[2], d.union1, EnrolmentStatus.NOT_COMPLETED)
        attend(e, a1), attend(e, a2, AttendanceStatus.ABSENT)
        e = enrol(a, p[3], d.union2, EnrolmentStatus.COMPLETED)
        attend(e, a1), attend(e, a2)
        certify(e, CertificateStatus.REVOKED)
        enrol(a, p[4], d.union1b, EnrolmentStatus.CANCELLED)

        b = self.b = course(d.district, year=year, programme="SAFETY", status=CourseStatus.OPEN)
        b1 = session(b, "1.5")
        attend(enrol(b, p[1], d.union1), b1)
        enrol(b, p[5], d.union2)
        attend(enrol(b, p[6], self.union_d), b1, AttendanceStatus.EXCUSED)
        enrol(b, p[4], d.union1b, EnrolmentStatus.WAITLISTED)

        c = self.c = course(d.town2, year=year, school=self.s2, status=CourseStatus.CANCELLED)
        attend(enrol(c, p[5], d.union2), session(c, "8"))

        last = self.d = course(d.town1, year=year - 1, school=self.s1, programme="LEGAL")
        e = enrol(last, p[1], d.union1, EnrolmentStatus.COMPLETED)
        attend(e, session(last, "2"))
        certify(e)

        self.district_target = target(d.district, year, 10, 12, "27")
        self.town1_target = target(d.town1, year, 4, 6, "17")
        self.district_last = target(d.district, year - 1, 2, 2, "4")

    # The figures every test checks: (trainees, person-times, hours, completed, decided, certificates).
    TOTAL = (5, 6, Decimal("13.5"), 2, 3, 1)
    BY_TOWN = {"town1": (2, 3, Decimal("8.5"), 1, 2, 1), "town2": (2, 2, Decimal("5"), 1, 1, 0),
               None: (1, 1, Decimal("0"), 0, 0, 0)}
    BY_SCHOOL = {"s1": (3, 3, Decimal("12"), 2, 3, 1), None: (3, 3, Decimal("1.5"), 0, 0, 0)}
    BY_PROGRAMME = {"SKILLS": (3, 3, Decimal("12"), 2, 3, 1), "SAFETY": (3, 3, Decimal("1.5"), 0, 0, 0)}
    BY_INDUSTRY = {Industry.MANUFACTURING: (2, 3, Decimal("8.5"), 1, 2, 1),
                   Industry.LOGISTICS: (2, 2, Decimal("5"), 1, 1, 0), None: (1, 1, Decimal("0"), 0, 0, 0)}
    LAST_YEAR = (1, 1, Decimal("2"), 1, 1, 1)


def figures_tuple(figures):
    return (figures.trainees, figures.person_times, Decimal(figures.hours), figures.completed, figures.decided,
            figures.certificates)
