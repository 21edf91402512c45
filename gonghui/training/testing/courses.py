"""Builders for tests of courses (and of the areas that need a course): a worker school, a
teacher, and a course of union1 (or another org) walked to a status with its sessions, through
the services by the right people."""

import datetime
from decimal import Decimal

from django.utils import timezone

from gonghui.training.models.courses import CourseStatus
from gonghui.training.models.schools import WorkerSchool
from gonghui.training.services import courses as services


def school(tree, *, name=None, capacity=80, modes=("INDEPENDENT", "COMMISSIONED", "IN_ENTERPRISE"), org=None):
    """The school of town1 (红山职工学校), or of `org` (e.g. town2's), made once through the schools
    area's builder (its services)."""
    from gonghui.training.testing.schools import school as new_school

    org = org or tree.town1
    name = name or ("红山职工学校" if org == tree.town1 else f"{org.name}职工学校")
    return WorkerSchool.objects.filter(name=name).first() or new_school(
        tree, org=org, name=name, capacity=capacity, modes=modes, address=f"{org.name}农场路1号")


def teacher(tree, *, name="王师傅", specialities=("数控车工",), org=None):
    """An external lecturer registered by town1 (or `org`), through the schools area's builder."""
    from gonghui.training.testing.schools import teacher as new_teacher

    return new_teacher(tree, org=org or tree.town1, name=name, specialities=specialities, employer="杭州技师学院")


def at(day: datetime.date, hour: int, minute: int = 0):
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


def course(tree, status=CourseStatus.DRAFT, *, org=None, actor=None, capacity=30, sessions=None, days_ahead=10,
           **fields):
    """A course organised by union1 (or `org`) with `sessions` [(start, end)] (default: two future
    sessions of 3 hours, or two past ones for FINISHED), walked to `status`."""
    org = org or tree.union1
    actor = actor or (tree.union1_chair if org == tree.union1 else tree.district_staff)
    today = timezone.localdate()
    if sessions is None:
        if status == CourseStatus.FINISHED:
            first = today - datetime.timedelta(days=days_ahead)
            if first.year != today.year:
                first = today
        else:
            first = today + datetime.timedelta(days=days_ahead)
        sessions = [(at(first, 9), at(first, 12)), (at(first, 14), at(first, 17))]
        if status == CourseStatus.FINISHED and first == today:
            sessions = [(timezone.now() - datetime.timedelta(hours=3), timezone.now() - datetime.timedelta(hours=1))]
    year = fields.pop("year", timezone.localtime(sessions[0][0]).year if sessions else today.year)
    values = {"title": "数控车工技能提升班", "programme": "SKILLS", "mode": "INDEPENDENT", "year": year,
              "capacity": capacity, "fee": Decimal("0"),
              # a school the organiser may use: town1's, or town2's for a course of town2's area
              "school": fields.get("school") or school(tree, org=tree.town2 if org.path.startswith(tree.town2.path)
                                                          else None),
              **fields}
    c = services.create_course(actor=actor, org=org, **values)
    for s, e in sessions:
        services.add_session(actor=actor, course=c, starts_at=s, ends_at=e)
    if status == CourseStatus.DRAFT:
        return c
    if status == CourseStatus.CANCELLED:
        return services.cancel_course(actor=actor, course=c, reason="报名人数不足")
    c = services.open_course(actor=actor, course=c)
    if status == CourseStatus.CLOSED:
        return services.close_course(actor=actor, course=c)
    if status == CourseStatus.FINISHED:
        return services.finish_course(actor=actor, course=c)
    return c
