"""Who may do what with the roll-ups.

- `reports.view`: read the figures (dashboards, the annual report) and the list of refreshes;
  runs are not held by an org (a refresh computes the whole tree), so anyone who may view
  reports somewhere sees the list of runs;
- `reports.refresh`: ask for a refresh now. No town or union role pattern matches it, so only
  district staff (`*`) and superusers may;
- `reports.export`: download the list of runs.
"""

VIEW = "reports.view"
REFRESH = "reports.refresh"
EXPORT = "reports.export"


def can(user, action, org=None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.can(action, org) if org is not None else user.can(action)
