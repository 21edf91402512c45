"""Who may do what with worker schools and the teacher pool.

- `training.view`: see the schools and teachers registered in the subtree (district, towns,
  union chairs and staff; members nothing);
- `training.approve`: open, edit, close and reopen a worker school run by an org of the subtree
  (town cadres and the district: a union cannot run a school);
- `training.change`: register, edit, take out of and put back into the pool a teacher registered
  by an org of the subtree (every cadre, union chairs and staff);
- `training.export`: the Excel exports of both lists.

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from ..models.schools import SchoolStatus

VIEW = "training.view"
CHANGE = "training.change"
APPROVE = "training.approve"
EXPORT = "training.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class SchoolActions:
    edit: bool = False
    close: bool = False
    reopen: bool = False


def school_actions(user, school) -> SchoolActions:
    manage = can(user, APPROVE, school.org)
    running = school.status == SchoolStatus.ACTIVE
    return SchoolActions(edit=manage, close=manage and running, reopen=manage and not running)


@dataclass(frozen=True)
class TeacherActions:
    edit: bool = False
    deactivate: bool = False
    reactivate: bool = False


def teacher_actions(user, teacher) -> TeacherActions:
    change = can(user, CHANGE, teacher.org)
    return TeacherActions(edit=change, deactivate=change and teacher.is_active,
                          reactivate=change and not teacher.is_active)
