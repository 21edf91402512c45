"""Who may do what in skills contests (技能比武).

- `competitions.view`: see contests organised in or above the user's subtree, and the entries of
  the subtree's unions (organisers see every entry of their contests);
- `competitions.change` on the organiser org: create and edit a contest, open and close
  registration, record scores, cancel (district staff, a town's cadres, an enterprise union's
  chair and staff for their own union's contests);
- `competitions.submit` on the union: register the union's workers and withdraw them (union chair
  and staff; the district). Town cadres do not register workers: the union does;
- publishing results: `competitions.approve` on the organiser for district- and town-level
  contests (district staff, town cadres). Union chairs hold no approve, so an enterprise-level
  contest is published by whoever may change it (`competitions.change` on the organiser union);
- `competitions.export`: the Excel export;
- `competitions.configure`: the trade catalogue (district staff only).

These decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from django.utils import timezone

from ..models.contests import ContestLevel, ContestStatus

VIEW = "competitions.view"
CHANGE = "competitions.change"
SUBMIT = "competitions.submit"
APPROVE = "competitions.approve"
EXPORT = "competitions.export"
CONFIGURE = "competitions.configure"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


def publish_action(contest) -> str:
    return CHANGE if contest.level == ContestLevel.ENTERPRISE else APPROVE


@dataclass(frozen=True)
class ContestActions:
    edit: bool = False
    open: bool = False
    close: bool = False
    register: bool = False
    scores: bool = False
    publish: bool = False
    cancel: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def contest_actions(user, contest) -> ContestActions:
    org, status = contest.org, contest.status
    change = can(user, CHANGE, org)
    return ContestActions(
        edit=status in (ContestStatus.DRAFT, ContestStatus.OPEN) and change,
        open=status == ContestStatus.DRAFT and change,
        close=status == ContestStatus.OPEN and change,
        # the registration closing day ends registering even before the organiser closes it
        register=status == ContestStatus.OPEN and contest.registration_closes_on >= timezone.localdate()
        and can(user, SUBMIT),
        scores=status == ContestStatus.CLOSED and change,
        publish=status == ContestStatus.CLOSED and can(user, publish_action(contest), org),
        cancel=status in (ContestStatus.DRAFT, ContestStatus.OPEN, ContestStatus.CLOSED) and change,
    )
