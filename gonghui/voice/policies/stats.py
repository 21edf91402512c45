"""Who may see the appeal statistics.

- `voice.view`: the statistics page and the API, figures of the appeals in the user's reach
  (district staff: all; a town cadre: the town's subtree; a union's chair and staff: the union's);
- `voice.export`: the statistics workbook (same reach).
Members hold neither: 403 (there is no record to hide, so no 404).
"""

VIEW = "voice.view"
EXPORT = "voice.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


def can_export(user) -> bool:
    return can(user, EXPORT)
