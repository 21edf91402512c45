"""Who may do what in labour competitions (五比五赛).

- `competitions.view`: see the competitions organised in the subtree or with a team in it;
- `competitions.change` on the organiser: edit the competition, its criteria and teams, open and
  close rounds, record the judges' scores, start, cancel (the district, a town's cadres for a
  town's competition, the union's chair and staff for an enterprise-level one);
- `competitions.submit` on the team's union (or `.change` on the organiser): upload the team's
  evidence;
- publishing — finishing the competition and conferring the 立功 awards — needs
  `competitions.approve` on the organiser; union chairs hold no approve, so a competition
  organised by an enterprise union (a grassroots org) is published by whoever may `.change` it;
- `competitions.export`: the Excel export of the list.

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from gonghui.orgs.models import OrgLevel

from ..models.labour import CompetitionStatus

VIEW = "competitions.view"
CHANGE = "competitions.change"
SUBMIT = "competitions.submit"
APPROVE = "competitions.approve"
EXPORT = "competitions.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


def publish_action(competition) -> str:
    """The permission that publishes results and confers awards of this competition."""
    return CHANGE if competition.org.level == OrgLevel.GRASSROOTS else APPROVE


def can_publish(user, competition) -> bool:
    return can(user, publish_action(competition), competition.org)


def can_upload(user, team) -> bool:
    return can(user, SUBMIT, team.org) or can(user, CHANGE, team.competition.org)


@dataclass(frozen=True)
class CompetitionActions:
    edit: bool = False          # details, criteria, teams (while being prepared)
    start: bool = False
    open_round: bool = False
    score: bool = False         # record scores in the open round, close it
    finish: bool = False
    award: bool = False
    cancel: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def competition_actions(user, c, *, open_round=None) -> CompetitionActions:
    change = can(user, CHANGE, c.org)
    running = c.status == CompetitionStatus.RUNNING
    return CompetitionActions(
        edit=c.status == CompetitionStatus.PLANNED and change,
        start=c.status == CompetitionStatus.PLANNED and change,
        open_round=running and change and open_round is None,
        score=running and change and open_round is not None,
        finish=running and open_round is None and can_publish(user, c),
        award=c.status == CompetitionStatus.FINISHED and can_publish(user, c),
        cancel=c.status in (CompetitionStatus.PLANNED, CompetitionStatus.RUNNING) and change,
    )
