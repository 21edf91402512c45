"""Who may see the statistics dashboards.

- `reports.view`: the dashboard page and `GET /api/v1/reports/dashboard` of any org in the user's
  subtree (district staff: the district and everything below; a town cadre: the town and its
  unions; a union's chair and staff: their union and its groups). An org outside the subtree
  answers 404 like a missing one. Members and accounts without a role hold it nowhere: 403.
- `reports.export`: the workbook of the table of the organisations below (same reach, audited).
- `reports.refresh`: the "refresh now" button (the roll-ups area's `request_refresh`); no town or
  union role pattern matches it, so district staff and superusers only.
"""

VIEW = "reports.view"
EXPORT = "reports.export"
REFRESH = "reports.refresh"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


def can_export(user, org) -> bool:
    return can(user, EXPORT, org)


def can_refresh(user) -> bool:
    return can(user, REFRESH)
