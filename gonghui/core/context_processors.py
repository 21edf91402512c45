"""Navigation for every page: only the areas that exist and that the user may open; the bell."""

from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# (url name, label, action the user needs somewhere in their scope). A domain app appends its
# entry here when it lands; areas not built yet are absent, never dead links.
NAV_ITEMS = [
    ("core:home", _("Dashboard"), None),
    ("orgs:tree", _("Organisations"), "orgs.view"),
    ("orgs:enterprise_list", _("Enterprises"), "orgs.view"),
    ("members:list", _("Members"), "members.view"),
    ("members:transfer_list", _("Transfers"), "members.view"),
    ("bargaining:list", _("Wage negotiation"), "bargaining.view"),
    ("congress:body_list", _("Workers' congresses"), "congress.view"),
    ("congress:proposal_list", _("Proposals"), "congress.view"),
    ("innovation:list", _("Worker innovation"), "innovation.view"),
    ("grassroots:overview", _("Grassroots building"), "grassroots.view"),
    ("competitions:overview", _("Competitions and skills"), "competitions.view"),
    ("honours:overview", _("Honours"), "honours.view"),
    ("training:overview", _("Training"), "training.view"),
    ("services:overview", _("Worker services"), "services.view"),
    ("welfare:overview", _("Welfare and assistance"), "welfare.view"),
    ("voice:overview", _("Workers' voice"), "voice.view"),
    ("publicity:overview", _("Publicity and education"), "publicity.view"),
    ("reports:dashboard", _("Statistics"), "reports.view"),
    ("portal:join_list", _("Join requests"), "portal.view"),
    ("core:audit_list", _("Audit trail"), "audit.view"),
    ("accounts:role_list", _("Users and roles"), "accounts.manage"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for url_name, label, action in NAV_ITEMS:
        if action and not user.can(action):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": False})
    _mark_active(items, request.path)
    # A member or a signed-up worker sees the error pages in the member portal's frame, never the
    # cadres' navbar. A callable, so only the error pages that ask pay for it.
    return {"nav_items": items, "portal_frame": lambda: is_portal_user(user)}


def is_portal_user(user) -> bool:
    """A login whose pages are the member portal's (/m/): a member, or a worker who signed up by
    phone, holding no cadre role — not staff, not an account merely waiting for a role."""
    from gonghui.accounts.roles import Role
    from gonghui.accounts.selectors import role_codes
    from gonghui.members.selectors import person_of_account

    if not user.is_authenticated or user.is_staff or user.is_superuser:
        return False
    roles = role_codes(user)
    if roles - {Role.MEMBER}:
        return False
    return bool(roles or getattr(user, "phone_verified_at", None) or person_of_account(user) is not None)


def _mark_active(items, path):
    """Highlight the one entry whose URL is the longest prefix of the path (so /members/transfers/
    lights "Transfers", not also "Members")."""
    matches = [i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True


class NotificationBell:
    """The navbar bell: counted on first use (one indexed query, at most 100 rows), once per page."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def count(self):
        from .notifications import unread_count

        return unread_count(self.user)

    @property
    def label(self):
        from .notifications import UNREAD_CAP

        return f"{UNREAD_CAP}+" if self.count > UNREAD_CAP else str(self.count)


def notification_bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_bell": NotificationBell(user)}
