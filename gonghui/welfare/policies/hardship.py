"""Who may do what with hardship files (困难职工档案).

- `welfare.view`: see that a file exists, its status, category and dates (district, towns, unions);
- `welfare.change`: open a file for a live member of the union, fill in the household, incomes and
  costs (while a draft or on file), add a visit or other help record (district, towns, union
  chairs and staff, in the file's union's subtree);
- `welfare.submit`: send a draft to the town (union chairs and staff, the district);
- `welfare.review`: accept, reject or return a submitted file, the yearly review and the exit
  (town cadres and the district);
- `welfare.reveal_hardship`: see the household, incomes, costs and the cause of hardship
  (town cadres, union chairs, the district; never union staff) — each reveal is audited;
- `welfare.export`: the Excel export of the list (sensitive columns only with the reveal right).

Members have no role here. These helpers decide which buttons a page shows; the services check
again (`require`).
"""

from dataclasses import dataclass

from ..models.hardship import HardshipStatus

VIEW = "welfare.view"
CHANGE = "welfare.change"
SUBMIT = "welfare.submit"
REVIEW = "welfare.review"
EXPORT = "welfare.export"
REVEAL = "welfare.reveal_hardship"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class FileActions:
    edit: bool = False  # household, incomes, costs
    submit: bool = False
    review: bool = False  # accept / reject / return a submitted file
    yearly: bool = False  # yearly review of a file on record
    exit: bool = False
    help: bool = False  # add a visit or other help record
    reveal: bool = False

    @property
    def any(self):
        return any(v for k, v in vars(self).items() if k != "reveal")


def file_actions(user, f) -> FileActions:
    s = f.status
    change = can(user, CHANGE, f.org)
    review = can(user, REVIEW, f.org)
    return FileActions(
        edit=change and s in (HardshipStatus.DRAFT, HardshipStatus.ACTIVE),
        submit=s == HardshipStatus.DRAFT and can(user, SUBMIT, f.org),
        review=s == HardshipStatus.SUBMITTED and review,
        yearly=s == HardshipStatus.ACTIVE and review,
        exit=s == HardshipStatus.ACTIVE and review,
        help=change and s in (HardshipStatus.ACTIVE, HardshipStatus.SUBMITTED, HardshipStatus.DRAFT),
        reveal=can(user, REVEAL, f.org),
    )
