"""Who may do what with 名师带徒 pairs.

- `training.view`: see the pairs of the subtree's unions (district, towns, unions);
- `training.change`: create a pair, write its progress reports, record the final assessment, end
  it early (district, town cadres, union chairs and staff — in the pair's union's subtree). The
  assessment also changes the apprentice's skill level, which needs `members.change` on the
  apprentice's union (the same roles);
- `training.export`: the Excel export of the list.

Members have no role here. These helpers decide which buttons a page shows; the services check
again (`require`).
"""

from dataclasses import dataclass

from ..models.mentoring import MentorshipStatus

VIEW = "training.view"
CHANGE = "training.change"
EXPORT = "training.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class MentorshipActions:
    report: bool = False
    assess: bool = False
    end: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def mentorship_actions(user, m) -> MentorshipActions:
    active = m.status == MentorshipStatus.ACTIVE
    change = active and can(user, CHANGE, m.org)
    return MentorshipActions(report=change and m.next_report_due_on is not None, assess=change, end=change)
