"""Who may do what at liaison points (联系基层工作点).

- `grassroots.view`: read assignments, visits and follow-ups of the subtree (a union chair sees
  the visits to their own enterprise);
- `grassroots.liaise`: assign cadres, log visits, add and close follow-up actions (town cadres
  and district staff; chairs are visited, they never log visits);
- `grassroots.export`: the Excel exports of the lists and the coverage report.

These helpers decide which buttons a page shows; the services check again (`require`).
"""

VIEW = "grassroots.view"
LIAISE = "grassroots.liaise"
EXPORT = "grassroots.export"

# Roles whose holders may be assigned as liaison cadres.
CADRE_ROLES = ("DISTRICT_STAFF", "TOWN_CADRE")


def can_view(user) -> bool:
    return user.is_authenticated and user.can(VIEW)


def can_liaise(user) -> bool:
    return user.is_authenticated and user.can(LIAISE)


def can_export(user) -> bool:
    return user.is_authenticated and user.can(EXPORT)


def may_liaise(user, record) -> bool:
    """May the user write liaison records of this enterprise (or of this record's enterprise)?"""
    town = getattr(record, "town", None)
    return bool(user.is_authenticated and town is not None and user.can(LIAISE, town))
