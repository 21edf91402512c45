"""Who may do what with enrolments.

- `training.view`: see the enrolments of the subtree (the course organiser's, or the trainee's union's);
- `training.change`: a union enrols its live members (bulk) and cancels their places; the course's
  organiser (its subtree) enrols anyone eligible and cancels any place;
- `training.export`: the Excel export of the list;
- members have no role action: they enrol and cancel themselves on the member pages
  (`person_of_account`), never through another person's id.

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from ..models.courses import CourseStatus
from ..models.enrolment import EnrolmentStatus

VIEW = "training.view"
CHANGE = "training.change"
EXPORT = "training.export"

CANCELLABLE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)
RUNNING_COURSE = (CourseStatus.OPEN, CourseStatus.CLOSED)


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


def may_cancel(user, enrolment) -> bool:
    if enrolment.status not in CANCELLABLE or enrolment.course.status not in RUNNING_COURSE:
        return False
    return can(user, CHANGE, enrolment.course.org) or (enrolment.union_id is not None
                                                       and can(user, CHANGE, enrolment.union))


def may_enrol_for_course(user, course) -> bool:
    """The course page's "enrol" button: the organiser, or anyone who may change some union."""
    return course.status == CourseStatus.OPEN and can(user, CHANGE)
