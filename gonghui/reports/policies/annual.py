"""Who may read and download the annual statistics report.

- `reports.view`: the report page of an org in the user's reach (district staff: every org; a
  town cadre: the town and everything under it; a union's chair and staff: the union and its
  groups) and the API's JSON;
- `reports.export`: the downloads (xlsx, PDF, JSON) of the page and the API's xlsx/PDF, each
  audited.
An org outside the reach answers 404 like a missing one; a user with no reach at all (a member)
gets 403.
"""

VIEW = "reports.view"
EXPORT = "reports.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


def can_export(user, org) -> bool:
    return can(user, EXPORT, org)
