"""Who may see the statistics and set the yearly targets.

- `training.view`: the statistics page, the API and the targets list, in the user's reach;
- `training.export`: the statistics workbook;
- `training.configure`: set or edit the yearly targets of the district and of each town (district
  staff only: no town or union role pattern grants it).
"""

VIEW = "training.view"
EXPORT = "training.export"
CONFIGURE = "training.configure"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


def can_export(user) -> bool:
    return can(user, EXPORT)


def can_configure(user, org=None) -> bool:
    return can(user, CONFIGURE, org)
