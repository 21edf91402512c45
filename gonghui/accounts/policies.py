"""Who may hand out which role where.

A manager (a role granting `accounts.manage`, e.g. a town cadre) assigns roles on orgs in their
subtree. Two rules keep that from becoming a way up:
- rank: nobody gives a role above the best managing role they hold over that org (a town cadre
  can add another town cadre, never district staff);
- level: a role fits the kind of org it sits on (district staff on the district, cadres on a
  town/platform/industry union, union roles on a grassroots union).
Superusers may assign anything anywhere.

Managing an account (reset its password, disable or enable it) needs the same two rules over
*every* role the account holds: a town cadre looks after the people of the town, never a
district account or someone who also works elsewhere. An account with no role at all, a
superuser or an admin-site (staff) account is looked after by superusers only; and nobody
manages their own account this way (they use the password change page).
"""

from gonghui.orgs.models import OrgLevel

from .roles import Role, role_grants

MANAGE = "accounts.manage"

ROLE_RANK = {
    Role.MEMBER: 0,
    Role.UNION_STAFF: 1,
    Role.UNION_CHAIR: 2,
    Role.TOWN_CADRE: 3,
    Role.DISTRICT_STAFF: 4,
}

ROLE_LEVELS = {
    Role.DISTRICT_STAFF: {OrgLevel.DISTRICT},
    Role.TOWN_CADRE: {OrgLevel.TOWN, OrgLevel.PLATFORM, OrgLevel.INDUSTRY},
    Role.UNION_CHAIR: {OrgLevel.GRASSROOTS},
    Role.UNION_STAFF: {OrgLevel.GRASSROOTS},
    Role.MEMBER: {OrgLevel.GRASSROOTS},
}


def managing_rank(actor, org) -> int:
    """The highest rank among the actor's roles that grant `accounts.manage` over `org`; -1 if none."""
    return managing_rank_at(actor, org.path)


def managing_rank_at(actor, path) -> int:
    """`managing_rank` for an org given by its tree path."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return -1
    if actor.is_superuser:
        return max(ROLE_RANK.values())
    ranks = [ROLE_RANK.get(role, -1) for role, own_path in actor._assignments()
             if path.startswith(own_path) and role_grants(role, MANAGE)]
    return max(ranks, default=-1)


def role_fits_org(role, org) -> bool:
    return org.level in ROLE_LEVELS.get(role, set())


def may_assign(actor, role, org) -> bool:
    """Rank rule only (the level rule is a separate, more specific error)."""
    return role in ROLE_RANK and ROLE_RANK[role] <= managing_rank(actor, org)


def assignable_roles(actor, org):
    """(value, label) of the roles `actor` may give on `org`, for the assign form."""
    return [(value, label) for value, label in Role.choices
            if may_assign(actor, value, org) and role_fits_org(value, org)]


def account_refusal(actor, target, holdings):
    """Why `actor` may not reset the password of, disable or enable `target`, as a code; None
    when they may. `holdings` are the target's (role, org path) pairs — every role assignment,
    on active and closed orgs alike (selectors.role_holdings)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return "account_forbidden"
    if target.pk == actor.pk:
        return "account_own"
    if actor.is_superuser:
        return None
    if target.is_superuser or target.is_staff:
        return "account_superuser"
    if not holdings:
        return "account_no_roles"
    # Strictly below the actor's own rank there: a cadre never takes over a peer's account (a
    # fellow town cadre's reset is for the district, a district account's for a superuser).
    if any(ROLE_RANK.get(role, max(ROLE_RANK.values()) + 1) >= managing_rank_at(actor, path)
           for role, path in holdings):
        return "account_out_of_reach"
    return None


def may_manage_account(actor, target, holdings) -> bool:
    return account_refusal(actor, target, holdings) is None
