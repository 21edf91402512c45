"""Reads of accounts, roles, API tokens and second-factor devices that take a user."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.core.scoping import ScopedQuerySet, scope_q, user_scope
from gonghui.core.selectors import reach_orgs
from gonghui.core.text import prefix_range
from gonghui.orgs.models import Org

from .models import ApiToken, ApiTokenQuerySet, RoleAssignment, User
from .policies import MANAGE


class OwnTokenQuerySet(ApiTokenQuerySet):
    """A person's tokens are theirs alone: nobody else (not even a manager) sees them."""

    def visible_to(self, user, action=None):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


def tokens_for(user):
    """The user's own tokens, newest first (revoked ones too, so the history is visible)."""
    return OwnTokenQuerySet(model=ApiToken).visible_to(user).order_by("-created_at", "-id")


def own_tokens():
    """Queryset for `get_visible_or_404(own_tokens(), user, pk)`."""
    return OwnTokenQuerySet(model=ApiToken)


class ManagedUserQuerySet(models.QuerySet):
    """Accounts placed in the tree by their role assignments: a user is visible to a manager
    when any of their roles sits on an org in the manager's subtree (whether the manager may
    act on the account is `policies.account_refusal`). An account with no role is visible to
    superusers only."""

    def visible_to(self, user, action=MANAGE):
        everything, paths = user_scope(user, action or MANAGE)
        if everything:
            return self
        condition = scope_q(("org",), paths)
        if condition is None:
            return self.none()
        placed = RoleAssignment.objects.filter(condition, user=OuterRef("pk"))
        return self.filter(Exists(placed))


def managed_users():
    """Queryset for `get_visible_or_404(managed_users(), user, pk, 'accounts.manage')`."""
    return ManagedUserQuerySet(model=User)


def role_holdings(user_ids):
    """{user id: [(role, org path), …]} of every role the users hold, active orgs or not, in one
    query: what `policies.account_refusal` weighs for a list of accounts."""
    holdings = defaultdict(list)
    rows = RoleAssignment.objects.filter(user_id__in=set(user_ids)).values_list("user_id", "role", "org__path")
    for user_id, role, path in rows:
        holdings[user_id].append((role, path))
    return holdings


def role_assignments():
    """RoleAssignment rows read through the scope rules (`visible_to(user, 'accounts.manage')`)."""
    return ScopedQuerySet(model=RoleAssignment).select_related("user", "org")


def my_role_assignments(user):
    """The user's own role assignments, for the profile page."""
    return (RoleAssignment.objects.filter(user=user).select_related("org")
            .order_by("org__path", "role"))


@dataclass
class RoleFilters:
    q: str = ""  # username prefix
    role: str = ""
    org: Org | None = None  # restrict to this subtree (must itself be visible)


def managed_assignments(user, filters: RoleFilters):
    """Role assignments on orgs in the subtree where `user` holds `accounts.manage`."""
    qs = role_assignments().visible_to(user, MANAGE)
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=filters.org.path)
    if filters.role:
        qs = qs.filter(role=filters.role)
    q = (filters.q or "").strip()
    if q:
        qs = qs.filter(**prefix_range("user__username", q))
    return qs


def assignments_on(org):
    """The roles held directly on one org (the caller has already checked it is visible)."""
    return (RoleAssignment.objects.filter(org=org).select_related("user", "org")
            .order_by("role", "user__username"))


def manageable_orgs():
    """Queryset for `get_visible_or_404(manageable_orgs(), user, pk, 'accounts.manage')`."""
    return Org.objects.all()


def manage_menu_orgs(user):
    """The top orgs of the user's management reach and their children."""
    return reach_orgs(user, MANAGE)


def find_manageable_orgs(user, q, limit=20):
    q = (q or "").strip()
    if not q:
        return []
    qs = Org.objects.visible_to(user, MANAGE).filter(is_active=True)
    return list(qs.filter(name__contains=q).order_by("path")[:limit])


def find_user(username):
    """An active account by exact username, or None."""
    username = (username or "").strip()
    if not username:
        return None
    return User.objects.filter(username=username, is_active=True).first()


def confirmed_totp_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_totp_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()


def role_codes(user):
    """The set of role codes the user holds anywhere (from the per-request role cache)."""
    if user is None or not user.is_authenticated:
        return set()
    return {role for role, _path in user._assignments()}


def chairs_and_town_cadres(orgs) -> dict[int, list]:
    """{org id: [users]}: the union chairs of each org and the cadres of the town or platform
    above it — who the daily deadline reminders of every module go to. Two queries."""
    from django.db.models import Q

    from gonghui.orgs.models import OrgLevel

    from .roles import Role

    prefixes = {org.path[:i] for org in orgs for i in range(Org.steplen, len(org.path) + 1, Org.steplen)}
    towns = dict(Org.objects.filter(path__in=prefixes, level__in=(OrgLevel.TOWN, OrgLevel.PLATFORM))
                 .values_list("path", "id"))
    town_of = {org.pk: next((towns[p] for p in sorted(towns, key=len, reverse=True) if org.path.startswith(p)),
                            None) for org in orgs}
    holders = (RoleAssignment.objects.select_related("user")
               .filter(Q(role=Role.UNION_CHAIR, org_id__in=[o.pk for o in orgs])
                       | Q(role=Role.TOWN_CADRE, org_id__in=set(town_of.values()) - {None})))
    chairs, cadres = {}, {}
    for holding in holders:
        target = chairs if holding.role == Role.UNION_CHAIR else cadres
        target.setdefault(holding.org_id, []).append(holding.user)
    return {org.pk: chairs.get(org.pk, []) + cadres.get(town_of[org.pk], []) for org in orgs}
