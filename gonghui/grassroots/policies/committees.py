"""Who may do what with union committees (DOMAIN.md §4).

- `grassroots.view`: see the committees of the subtree (everyone with a role, in their subtree);
- `grassroots.change`: enter a committee from paper records (the union's chair, or a cadre above);
- `grassroots.approve`: seat a committee after an approved election or a founding (town cadres and
  the district; the elections and foundings services call `seat_committee` after their own check);
- `grassroots.export`: Excel export of the committee list.

These helpers decide which buttons a page shows; the services check again.
"""

VIEW = "grassroots.view"
CHANGE = "grassroots.change"
APPROVE = "grassroots.approve"
EXPORT = "grassroots.export"


def can_view(user, org=None) -> bool:
    return user.is_authenticated and user.can(VIEW, org)


def can_record(user, org=None) -> bool:
    """May enter a committee from paper records for `org` (or anywhere, without one); a union
    that is no longer active takes no new committee (the service refuses it too)."""
    return user.is_authenticated and (org is None or org.is_active) and user.can(CHANGE, org)


def can_export(user) -> bool:
    return user.is_authenticated and user.can(EXPORT)
