"""Who may do what with congresses, delegates, sessions, proposals and 厂务公开.

Actions (granted per role in accounts/roles.py, each reaching the subtree of the role's org):
- `congress.view`: see the subtree's congresses, sessions, proposals and disclosures;
- `congress.change`: constitute a congress term, keep the delegate roll, plan and record
  sessions, record disclosures, and carry a proposal through its steps (the proposal working
  committee that reviews and assigns proposals sits in the enterprise union, and the union
  records the department's reply and the proposer's rating) — the enterprise union and above;
- `congress.export`: Excel export of lists and statistics.

These helpers decide which buttons a page shows; the services check again.
"""

VIEW = "congress.view"
CHANGE = "congress.change"
EXPORT = "congress.export"


def can_view(user, org=None) -> bool:
    return user.is_authenticated and user.can(VIEW, org)


def can_change(user, org=None) -> bool:
    return user.is_authenticated and user.can(CHANGE, org)


def can_export(user) -> bool:
    return user.is_authenticated and user.can(EXPORT)
