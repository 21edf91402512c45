"""Who may do what with facility requests.

- `services.view`: read the requests of the user's subtree;
- `services.submit` on the union: request (for one of its enterprises), withdraw before a
  decision, rate once open;
- `services.approve` on the union's town: approve or reject (town cadres, the district);
- `services.change` on the union's town: name the partner (IN_PROGRESS), mark it open, close it;
- `services.export`: the Excel export.
"""

from dataclasses import dataclass

from ..models.facilities import FacilityStatus
from .centres import Actions, can

VIEW = "services.view"
CHANGE = "services.change"
SUBMIT = "services.submit"
APPROVE = "services.approve"
EXPORT = "services.export"


@dataclass(frozen=True)
class FacilityActions(Actions):
    approve: bool = False
    reject: bool = False
    start: bool = False
    open: bool = False
    close: bool = False
    rate: bool = False
    withdraw: bool = False


def town_of(request):
    return request.town or request.org


def facility_actions(user, request) -> FacilityActions:
    s = request.status
    town = town_of(request)
    approver = can(user, APPROVE, town)
    runner = can(user, CHANGE, town)
    requester = can(user, SUBMIT, request.org)
    return FacilityActions(
        approve=approver and s == FacilityStatus.SUBMITTED, reject=approver and s == FacilityStatus.SUBMITTED,
        start=runner and s == FacilityStatus.APPROVED,
        open=runner and s == FacilityStatus.IN_PROGRESS, close=runner and s == FacilityStatus.OPEN,
        rate=requester and s == FacilityStatus.OPEN and request.rating is None,
        withdraw=requester and s == FacilityStatus.SUBMITTED,
    )
