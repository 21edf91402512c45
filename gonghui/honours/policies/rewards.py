"""Who may do what in 高技能人才培训奖励 (skill training rewards).

- `honours.view`: see the claims of the subtree's unions;
- `honours.submit`: the union prepares, edits, uploads the scan of, submits and withdraws a claim
  for one of its workers (union chairs and staff; the district);
- `honours.review`: the town's review: pass it on to the district, return it, refuse it (town
  cadres; the district);
- `honours.confer`: the district's approval (district staff only: no town or union pattern
  grants it);
- `honours.pay`: record a payment batch of approved claims (district staff only);
- `honours.export`: the Excel export of the list, the ledger and a batch.

Amounts per level are configuration (`HONOURS_REWARDS_RULES`), not edited on a page.
These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from ..models.rewards import RewardClaimStatus

VIEW = "honours.view"
SUBMIT = "honours.submit"
REVIEW = "honours.review"
APPROVE = "honours.confer"
PAY = "honours.pay"
EXPORT = "honours.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class ClaimActions:
    edit: bool = False
    scan: bool = False
    submit: bool = False
    town_review: bool = False
    district_review: bool = False
    withdraw: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def claim_actions(user, claim) -> ClaimActions:
    org = claim.org
    status = claim.status
    preparing = status in (RewardClaimStatus.DRAFT, RewardClaimStatus.RETURNED)
    submit = can(user, SUBMIT, org)
    return ClaimActions(
        edit=preparing and submit,
        scan=preparing and submit,
        submit=preparing and submit,
        town_review=status == RewardClaimStatus.SUBMITTED and can(user, REVIEW, org),
        district_review=status == RewardClaimStatus.TOWN_PASSED and can(user, APPROVE, org),
        withdraw=status in (RewardClaimStatus.DRAFT, RewardClaimStatus.RETURNED, RewardClaimStatus.SUBMITTED)
        and submit,
    )
