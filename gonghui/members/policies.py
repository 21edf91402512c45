"""Who may do what in the member registry.

Actions (granted per role in accounts/roles.py, each reaching the subtree of the role's org):
- `members.view`: see members and transfers of the subtree;
- `members.change`: register, edit, end memberships of unions in the subtree;
- `members.transfer`: request a transfer out of / accept or reject one into the subtree;
- `members.reveal_pii`: see a full ID or mobile number (audited each time).

These helpers only decide which buttons a page shows; the services check again (`require`).
They use the user's cached role assignments, so they cost no query per row.
"""

from dataclasses import dataclass

from .models import MembershipStatus, TransferStatus

VIEW = "members.view"
CHANGE = "members.change"
TRANSFER = "members.transfer"
REVEAL_PII = "members.reveal_pii"


def can_view_members(user) -> bool:
    return user.is_authenticated and user.can(VIEW)


def can_register(user) -> bool:
    return user.is_authenticated and user.can(CHANGE)


@dataclass(frozen=True)
class PersonActions:
    edit: bool = False
    leave: bool = False
    transfer: bool = False
    reveal: bool = False


def person_actions(user, current_membership) -> PersonActions:
    """What the user may do to a person, given their current membership (the live one anywhere,
    else the latest): the union holding the person decides, as in the services."""
    if current_membership is None:
        return PersonActions()
    union = current_membership.union
    active = current_membership.status == MembershipStatus.ACTIVE
    return PersonActions(
        edit=user.can(CHANGE, union),
        leave=active and user.can(CHANGE, union),
        transfer=active and user.can(TRANSFER, union),
        reveal=user.can(REVEAL_PII, union),
    )


@dataclass(frozen=True)
class TransferActions:
    accept: bool = False
    reject: bool = False
    cancel: bool = False

    @property
    def any(self):
        return self.accept or self.reject or self.cancel


def transfer_actions(user, transfer) -> TransferActions:
    """The receiving union accepts or rejects a pending transfer; the releasing union cancels it."""
    if transfer.status != TransferStatus.PENDING:
        return TransferActions()
    receiving = user.can(TRANSFER, transfer.to_union)
    return TransferActions(accept=receiving, reject=receiving, cancel=user.can(TRANSFER, transfer.from_union))
