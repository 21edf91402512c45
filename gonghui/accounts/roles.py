"""What each role may do. A role is assigned on an org node and reaches that node's subtree.

Actions are dotted codes `<area>.<verb>` (e.g. `members.reveal_pii`). Grants are shell-style
patterns so a domain app's new actions fall under the right roles without editing this table:
`*.view` lets a town cadre see every module's records in the town.
"""

from fnmatch import fnmatchcase

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_STAFF = "DISTRICT_STAFF", _("District federation staff")
    TOWN_CADRE = "TOWN_CADRE", _("Town federation cadre")
    UNION_CHAIR = "UNION_CHAIR", _("Union chair")
    UNION_STAFF = "UNION_STAFF", _("Union staff")
    MEMBER = "MEMBER", _("Member")


ROLE_GRANTS: dict[str, tuple[str, ...]] = {
    Role.DISTRICT_STAFF: ("*",),
    Role.TOWN_CADRE: (
        "*.view", "*.change", "*.approve", "*.review", "*.transfer", "*.import", "*.export",
        "orgs.move", "members.reveal_pii", "audit.view", "accounts.manage",
        # Liaison points (联系基层工作点) are the cadres' own work: chairs are visited, never log visits.
        "grassroots.liaise",
        # Hardship files' incomes, costs and household (DOMAIN.md: income and health are PII).
        "welfare.reveal_hardship",
    ),
    Role.UNION_CHAIR: (
        "*.view", "*.change", "*.transfer", "*.import", "*.export", "*.submit",
        "members.reveal_pii", "audit.view", "welfare.reveal_hardship",
    ),
    Role.UNION_STAFF: ("*.view", "*.change", "*.transfer", "*.import", "*.export", "*.submit"),
    # Members act on their own records through the portal, never on an org's subtree.
    Role.MEMBER: (),
}

# Actions a role pattern must never grant implicitly (only an explicit grant or "*" does).
# "audit.view" is here because "*.view" would otherwise hand the whole trail (IPs, before/after
# values) to union staff; chairs and cadres are granted it by name.
# "orgs.set_top100" (the district's top-100 list) is the district's alone: no future town or
# union pattern may hand it out by accident.
# "welfare.reveal_hardship" (a hardship file's incomes, costs and household) is given by name like
# members.reveal_pii: union staff see that a file exists, not what is in it.
EXPLICIT_ONLY = ("members.export_full", "audit.view", "orgs.set_top100", "welfare.reveal_hardship")

# Roles that make a user an administrator (second factor required when enabled).
ADMIN_ROLES = (Role.DISTRICT_STAFF,)


def role_grants(role: str, action: str) -> bool:
    patterns = ROLE_GRANTS.get(role, ())
    if action in EXPLICIT_ONLY:
        return "*" in patterns or action in patterns
    return any(fnmatchcase(action, pattern) for pattern in patterns)
