"""Who may do what with on-the-job activities (岗位成才/建功/练兵):
`competitions.view` to see the subtree's activities, `competitions.change` on the organising org
to record, edit or delete one and its participants, `competitions.export` to export the list."""

VIEW = "competitions.view"
CHANGE = "competitions.change"
EXPORT = "competitions.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))
