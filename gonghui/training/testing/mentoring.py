"""Builders for the 名师带徒 tests (and other areas' tests): a teacher of the pool, a pair of
union1 (or another union) created through the service, reports written, an assessment."""

import datetime

from gonghui.training.models.mentoring import Mentorship
from gonghui.training.models.schools import Teacher, TeacherKind
from gonghui.training.services import mentoring as services

DAY = datetime.timedelta(days=1)


def teacher(tree, *, org=None, person=None, name="王师傅", kind=None) -> Teacher:
    """A pool teacher registered by town1 (or `org`): an internal master who is a person of the
    registry (a member of union1 unless `person` is given)."""
    if person is None:
        person = tree.member(union=tree.union1b).person
    return Teacher.objects.create(org=org or tree.town1, kind=kind or TeacherKind.INTERNAL_MASTER, person=person,
                                  name=person.name if person else name, specialities=["数控车工"])


def pair(tree, *, union=None, apprentice=None, master_person=None, master_teacher=None, trade="数控车工",
         starts_on=None, months=12, target="LEVEL5", actor=None) -> Mentorship:
    """A pair of union1 (or `union`) started `months` months before today (so its term ends
    yesterday) unless `starts_on` is given; the master is a new member of the union unless given."""
    union = union or tree.union1
    actor = actor or tree.district_staff
    if apprentice is None:
        apprentice = tree.member(union=union).person
    if master_person is None and master_teacher is None:
        master_person = tree.member(union=union).person
    starts_on = starts_on or services.add_months(services.today(), -months)
    ends_on = services.add_months(starts_on, months) - DAY
    return services.create_mentorship(actor=actor, org=union, apprentice=apprentice, master_person=master_person,
                                      master_teacher=master_teacher, trade=trade, starts_on=starts_on,
                                      ends_on=ends_on, goals="掌握数控车床编程与加工", target_skill_level=target)


def write_reports(tree, m, *, upto=None, actor=None):
    """Write the missing reports of the periods whose due day has passed (or the next `upto`)."""
    actor = actor or tree.district_staff
    n = 0
    while upto is None or n < upto:
        period = services.next_period(Mentorship.objects.get(pk=m.pk))
        if period is None:
            break
        no, first, last, due = period
        if (upto is None and due > services.today()) or first > services.today():
            break
        services.submit_report(actor=actor, mentorship=m, content=f"第{no}期：进步明显", master_comment="继续努力",
                               submitted_on=min(last, services.today()))
        n += 1
    return Mentorship.objects.get(pk=m.pk)
