"""Who may do what with theme activities.

- `publicity.view`: see the activities of the subtree, the statistics (district, towns, unions);
- `publicity.change`: log an activity for an org in the subtree, edit it and its photos while a
  draft or returned (district, towns, union chairs and staff);
- `publicity.submit`: send it to the town (union chairs and staff, the district); a town cadre
  logging the town's own activity submits it with `publicity.review`;
- `publicity.review`: confirm or return a submitted activity (town cadres for their town's
  subtree, the district) — only confirmed activities count in the yearly report;
- `publicity.export`: the Excel exports of the list and the statistics.

Members have no role here. These helpers decide which buttons a page shows; the services check
again (`require`).
"""

from dataclasses import dataclass

from ..models.activities import EDITABLE_STATUSES, ActivityStatus

VIEW = "publicity.view"
CHANGE = "publicity.change"
SUBMIT = "publicity.submit"
REVIEW = "publicity.review"
EXPORT = "publicity.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


def can_submit(user, org) -> bool:
    return can(user, SUBMIT, org) or can(user, REVIEW, org)


@dataclass(frozen=True)
class ActivityActions:
    edit: bool = False
    submit: bool = False
    review: bool = False  # confirm or return
    photos: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def activity_actions(user, a) -> ActivityActions:
    editable = a.status in EDITABLE_STATUSES
    change = can(user, CHANGE, a.org)
    return ActivityActions(
        edit=editable and change,
        submit=editable and change and can_submit(user, a.org),
        review=a.status == ActivityStatus.SUBMITTED and can(user, REVIEW, a.org),
        photos=editable and change,
    )
