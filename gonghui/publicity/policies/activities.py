"""Who may do what with theme activities.

- `publicity.view`: see the activities of the subtree, the statistics (district, towns, unions);
- `publicity.change`: log an activity for an org in the subtree, edit it and its photos while a
  draft or returned (district, towns, union chairs and staff);
- `publicity.submit`: send it to the town (union chairs and staff, the district); a town cadre
  logging the town's own activity submits it with `publicity.review`;
- `publicity.review`: confirm or return a submitted activity — only confirmed activities count in
  the yearly report. The reviewer sits ABOVE the organiser (`can_review`): a town cadre confirms
  its unions' activities, never the town's own (the district does) nor another town's (out of
  scope: 404); a union never confirms (no `review` right). The district's own activities have no
  level above: district staff confirm them;
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


def can_review(user, org) -> bool:
    """`publicity.review` granted on an org strictly above `org` (its parent's subtree), so nobody
    confirms the activities of the org they sit in; the root (the district) is confirmed by whoever
    reviews there."""
    if not can(user, REVIEW, org):
        return False
    if user.is_superuser or org.depth <= 1:
        return True
    return any(org.path.startswith(p) and len(p) < len(org.path) for p in user.scope_paths(REVIEW))


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
        review=a.status == ActivityStatus.SUBMITTED and can_review(user, a.org),
        photos=editable and change,
    )
