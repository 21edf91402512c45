"""Who may do what with skill leaders and their allowance.

- `honours.view`: see the nominations, titles and allowances of the subtree's unions;
- `honours.submit`: a union nominates its workers, and withdraws a nomination still waiting
  (union chairs and staff; the district);
- `honours.select`: the district selects or does not select a nomination, and ends a title early
  (revoked, or the holder left) — district staff only (no town or union pattern grants it);
- `honours.pay`: the monthly allowance run (district only; the scheduled job runs as the system);
- `honours.export`: the Excel exports (nominations, the finance office's payment list).

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from ..models.leaders import LeaderStatus

VIEW = "honours.view"
SUBMIT = "honours.submit"
SELECT = "honours.select"
PAY = "honours.pay"
EXPORT = "honours.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class LeaderActions:
    select: bool = False
    decline: bool = False
    withdraw: bool = False
    end: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def leader_actions(user, leader) -> LeaderActions:
    org = leader.org
    waiting = leader.status == LeaderStatus.NOMINATED
    select = can(user, SELECT, org)
    return LeaderActions(
        select=waiting and select,
        decline=waiting and select,
        withdraw=waiting and can(user, SUBMIT, org),
        end=leader.status == LeaderStatus.SELECTED and select,
    )
