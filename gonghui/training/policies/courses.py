"""Who may do what with courses and their sessions.

- `training.view`: see the courses organised in the user's subtree (district, towns, unions);
- `training.change`: create and edit courses, plan their sessions and move them through the
  workflow (open, close, reopen, finish, cancel) — in the organiser's subtree (union chairs and
  staff for their union's courses, town cadres for their town's, the district everywhere);
- `training.export`: the Excel export of the list.

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from ..models.courses import CourseStatus

VIEW = "training.view"
CHANGE = "training.change"
EXPORT = "training.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class CourseActions:
    edit: bool = False
    sessions: bool = False
    open: bool = False
    close: bool = False
    reopen: bool = False
    finish: bool = False
    cancel: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def course_actions(user, course) -> CourseActions:
    if not can(user, CHANGE, course.org):
        return CourseActions()
    s = course.status
    live = s in (CourseStatus.DRAFT, CourseStatus.OPEN, CourseStatus.CLOSED)
    return CourseActions(
        edit=live, sessions=live,
        open=s == CourseStatus.DRAFT, close=s == CourseStatus.OPEN, reopen=s == CourseStatus.CLOSED,
        finish=s in (CourseStatus.OPEN, CourseStatus.CLOSED), cancel=live,
    )
