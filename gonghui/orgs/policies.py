"""Who may do what with the org tree and the enterprise register.

Actions (granted to roles in `gonghui/accounts/roles.py`, reaching the subtree of the node a role
is assigned on):
- `orgs.view`   see an org, its children, its enterprises (every cadre role);
- `orgs.change` create children, edit an org, register and edit enterprises;
- `orgs.move`   re-parent an org (district staff and town cadres): both the org and the new
                parent must be inside the actor's `orgs.move` scope;
- `orgs.export` export the enterprise list;
- `orgs.set_top100` put an enterprise on (or off) the district's top-100 list: a district-only
                verb (no town or union role pattern matches it).

Views fetch a record with `core.policies.get_visible_or_404` (hidden = missing = 404) and then
`require` the action (visible but not allowed = 403). These helpers answer the same questions
for templates, so a page only offers what the user may do.
"""

from dataclasses import dataclass

from .models import ALLOWED_CHILDREN

VIEW = "orgs.view"
CHANGE = "orgs.change"
MOVE = "orgs.move"
EXPORT = "orgs.export"
SET_TOP100 = "orgs.set_top100"


@dataclass(frozen=True)
class OrgPermissions:
    change: bool
    add_child: bool
    move: bool
    add_enterprise: bool


def org_permissions(user, org) -> OrgPermissions:
    change = user.can(CHANGE, org)
    return OrgPermissions(
        change=change,
        add_child=change and bool(ALLOWED_CHILDREN.get(org.level)),
        move=user.can(MOVE, org) and not org.is_root(),
        add_enterprise=change,
    )


def can_change_enterprise(user, enterprise) -> bool:
    return user.can_any(CHANGE, enterprise.scope_orgs())


def may_view_orgs(user) -> bool:
    return user.is_authenticated and user.can(VIEW)
