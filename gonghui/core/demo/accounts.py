"""The demo accounts of DESIGN.md ("Stable public interfaces"), all with one public password.

They exist only for demos, tests and benchmarks: `seed_demo` refuses to create them on a server
running with DEBUG off unless told `--force`.
"""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from gonghui.accounts.models import RoleAssignment, User
from gonghui.accounts.roles import Role
from gonghui.members.models import Person

DEMO_PASSWORD = "demo-pass-2026"

# (username, role or None for the superuser, which anchor org, what the account is for)
DEMO_ACCOUNTS = [
    ("district", Role.DISTRICT_STAFF, "root", "district federation staff: the whole district"),
    ("town1", Role.TOWN_CADRE, "town1", "town cadre: that town's subtree"),
    ("town2", Role.TOWN_CADRE, "town2", "town cadre: that town's subtree"),
    ("union1", Role.UNION_CHAIR, "union1", "chair of an enterprise union in town1"),
    ("member1", Role.MEMBER, "union1", "a live member of union1 (member portal)"),
    ("admin", None, "root", "superuser: everything, plus /admin/"),
]
DEMO_USERNAMES = [a[0] for a in DEMO_ACCOUNTS]
# Mobile numbers of the member portal's phone sign-in (/m/login/), fictional. member1 signs in
# with it too; worker1 is made by the portal's demo (core/demo/portal/auth.py): a worker who
# signed up on the phone and has not joined yet.
DEMO_PHONES = {"member1": "13800138001", "worker1": "13800138002"}
PORTAL_DEMO_ACCOUNTS = [("worker1", "a worker signed up on the phone portal, not yet a member (实名入会)")]


@transaction.atomic
def create_demo_accounts(*, root, town1, town2, union1, member1_person=None) -> int:
    """Create (or reset) the demo users and their role assignments. Returns how many."""
    anchors = {"root": root, "town1": town1, "town2": town2, "union1": union1}
    display = {
        "district": "区总工会工作人员",
        "town1": f"{town1.short_name or town1.name}工会干部",
        "town2": f"{town2.short_name or town2.name}工会干部",
        "union1": union1.chair_name or "工会主席",
        "member1": member1_person.name if member1_person else "会员",
        "admin": "系统管理员",
    }
    password = make_password(DEMO_PASSWORD)  # one hash: PBKDF2 is slow on purpose
    for username, role, anchor, _about in DEMO_ACCOUNTS:
        user, _created = User.objects.get_or_create(username=username)
        user.password = password
        user.display_name = display[username]
        user.is_active = True
        user.is_superuser = user.is_staff = role is None
        user.save()
        if role is not None:
            RoleAssignment.objects.get_or_create(user=user, org=anchors[anchor], role=role)
        if username in DEMO_PHONES:
            _give_phone(user, DEMO_PHONES[username])
        if username == "member1" and member1_person is not None:
            # member1 is the portal login of that person (member pages: courses, check-in…).
            Person.objects.filter(account=user).exclude(pk=member1_person.pk).update(account=None)
            Person.objects.filter(pk=member1_person.pk).update(account=user)
    # Study sessions invite cadres (users), which exist only now: the demo cadres get theirs.
    from gonghui.core.demo.publicity.studies import invite_demo_accounts

    invite_demo_accounts()
    # The member portal's messages go to logins, which exist only now: member1 gets theirs.
    from gonghui.core.demo.portal.home import message_demo_members

    message_demo_members()
    return len(DEMO_ACCOUNTS)


def _give_phone(user, number):
    """The portal login number, taken from any other account that had it (an earlier seed)."""
    from django.utils import timezone

    from gonghui.core import pii

    User.objects.filter(phone_hash=pii.lookup_hash(number)).exclude(pk=user.pk).update(
        phone_enc="", phone_hash="", phone_masked="", phone_verified_at=None)
    user.set_phone(number)
    user.phone_verified_at = user.phone_verified_at or timezone.now()
    user.save(update_fields=["phone_enc", "phone_hash", "phone_masked", "phone_verified_at"])


def demo_account_rows():
    """(username, role, org, password, about, mobile) for the accounts present in this database."""
    portal_usernames = [a[0] for a in PORTAL_DEMO_ACCOUNTS]
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES + portal_usernames)}
    assignments = {}
    for ra in RoleAssignment.objects.filter(user__username__in=DEMO_USERNAMES).select_related("user", "org"):
        assignments.setdefault(ra.user.username, []).append(ra)
    rows = []
    listed = [(username, about) for username, _role, _anchor, about in DEMO_ACCOUNTS] + PORTAL_DEMO_ACCOUNTS
    for username, about in listed:
        user = users.get(username)
        if user is None:
            continue
        roles = assignments.get(username, [])
        if user.is_superuser:
            role_text, org_text = "superuser", "(all)"
        else:
            role_text = ", ".join(str(ra.get_role_display()) for ra in roles) or "(no role)"
            org_text = ", ".join(ra.org.name for ra in roles) or "-"
        phone = DEMO_PHONES.get(username) if user.phone_hash else None
        rows.append((username, role_text, org_text, DEMO_PASSWORD, about, phone or "-"))
    return rows
