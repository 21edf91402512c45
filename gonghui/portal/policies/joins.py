"""Who may do what with join requests (实名入会) and portal transfers.

- `portal.view`: the cadres' list of join requests, a request's page and history — in the
  subtree of the deciding org (the enterprise's union, or the town), and of the union admitted to;
- `portal.change`: approve (admit the worker to a union: `members.change` there too, which every
  role holding `portal.change` has) or reject with a reason;
- `portal.export`: the Excel export (ID and mobile masked).

Workers have no role: they act on their own request (by their login) on the member pages, and a
member asks for their own transfer there; the receiving union accepts it on the registry's
transfer pages (`members.transfer`). These helpers decide which buttons a page shows; the
services check again (`require`).
"""

from dataclasses import dataclass

from ..models.joins import JoinRoute, JoinStatus

VIEW = "portal.view"
CHANGE = "portal.change"
EXPORT = "portal.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class JoinActions:
    approve: bool = False
    reject: bool = False
    choose_union: bool = False  # a town-routed request: the approver picks the union

    @property
    def any(self):
        return self.approve or self.reject


def join_actions(user, join_request) -> JoinActions:
    if join_request.status != JoinStatus.PENDING or not can(user, CHANGE, join_request.org):
        return JoinActions()
    if is_own(user, join_request):  # another cadre decides (services.joins refuses it too)
        return JoinActions()
    return JoinActions(approve=True, reject=True, choose_union=join_request.route == JoinRoute.TOWN)


def is_own(user, join_request) -> bool:
    """The worker's own request (the member pages act on nothing else)."""
    return bool(user and user.is_authenticated and join_request.account_id == user.pk)
