"""Policies of the `auth` area.

Nothing here is scoped to an org: the visitor is not signed in yet. What they may do follows
from what they prove — holding the phone (a code sent to it) or knowing the password — and the
account's own state. Roles come from elsewhere (cadres grant them; `members.link_member_account`
links a login to a member); signing up by phone gives none.
"""


def may_sign_in(user) -> bool:
    """An account that exists and is not disabled (Django's ModelBackend applies the same rule to
    passwords; codes and resets ask this)."""
    return user is not None and user.is_active
