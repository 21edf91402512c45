"""Who may do what with appeals (诉求).

- `voice.view`: the list, an appeal's page and history (district, towns, unions — the appeal's
  holding org's subtree);
- `voice.change`: accept, internal notes, replies to the worker, closing; dispatch when the appeal
  is held by the district or a town (to an org below it);
- `voice.transfer`: transfer up to the org above or down to one below, with a reason;
- `voice.export`: the Excel export (phones masked);
- `members.reveal_pii`: the worker's full mobile on the appeal's page (audited each time).

Members have no role here: they act on their own appeals through the member pages (intake area).
These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from gonghui.orgs.models import OrgLevel

from ..models.appeals import OPEN_STATUSES, AppealStatus

VIEW = "voice.view"
CHANGE = "voice.change"
TRANSFER = "voice.transfer"
EXPORT = "voice.export"
REVEAL = "members.reveal_pii"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class AppealActions:
    accept: bool = False
    dispatch: bool = False
    transfer_up: bool = False
    transfer_down: bool = False
    note: bool = False
    reply: bool = False
    close: bool = False
    reveal: bool = False

    @property
    def any(self):
        return any(v for k, v in vars(self).items() if k != "reveal")


def appeal_actions(user, a) -> AppealActions:
    open_ = a.status in OPEN_STATUSES
    change = can(user, CHANGE, a.org)
    transfer = open_ and can(user, TRANSFER, a.org)
    return AppealActions(
        accept=a.status == AppealStatus.NEW and change,
        dispatch=open_ and change and a.org.level in (OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.PLATFORM),
        transfer_up=transfer and a.org.depth > 1,
        transfer_down=transfer,
        note=change,
        reply=open_ and change,
        close=open_ and change,
        reveal=can(user, REVEAL, a.org) and not a.anonymous,
    )
