"""Who may do what with awards.

- `honours.view`: see nominations of the subtree's unions, the award types and quotas, records;
- `honours.submit`: a union nominates (chairs and union staff; the district);
- `honours.change`: withdraw a nomination not yet under public notice;
- `honours.review`: the town's review, and taking in an objection during the 公示 (town cadres);
- `honours.confer`: district review (opens the 公示), deciding objections, conferral (district only);
- `honours.configure`: award types and quotas (district only);
- `honours.export`: the Excel exports.

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from ..models.awards import NominationStatus

VIEW = "honours.view"
SUBMIT = "honours.submit"
CHANGE = "honours.change"
REVIEW = "honours.review"
CONFER = "honours.confer"
CONFIGURE = "honours.configure"
EXPORT = "honours.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class NominationActions:
    town_review: bool = False
    district_review: bool = False
    objection: bool = False
    decide_objection: bool = False
    confer: bool = False
    withdraw: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def nomination_actions(user, n) -> NominationActions:
    org = n.org
    status = n.status
    confer = can(user, CONFER, org)
    return NominationActions(
        town_review=status == NominationStatus.SUBMITTED and can(user, REVIEW, org),
        district_review=status == NominationStatus.FORWARDED and confer,
        objection=status == NominationStatus.NOTICE and can(user, REVIEW, org),
        decide_objection=status == NominationStatus.NOTICE and confer,
        confer=status == NominationStatus.NOTICE and confer,
        withdraw=status in (NominationStatus.SUBMITTED, NominationStatus.FORWARDED) and can(user, CHANGE, org),
    )
