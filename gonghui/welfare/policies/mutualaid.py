"""Who may do what in medical mutual aid.

- `welfare.configure` (district only): create, edit, open and close the yearly plans;
- `welfare.view`: read the plans (any role with the permission anywhere: they are the district's
  published rules) and the enrolments and claims of the subtree;
- `welfare.change`: a union enrols its live members in bulk, adds or removes people while the
  batch is unpaid, cancels an unpaid batch;
- `welfare.approve` on the batch's union (town cadres, district): record the payment;
- `welfare.submit` (union chair/staff, district): create claims, upload documents, submit,
  withdraw before review;
- `welfare.review` (town cadres, district): review a submitted claim, or reject it;
- `welfare.approve` on the plan's org (the district): approve (payout computed, cut to the caps)
  or reject a reviewed claim, and record the payout;
- `welfare.export`: the Excel exports.

Members act only on the member page (their own coverage and claims). These helpers decide which
buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from ..models.mutualaid import ClaimStatus, PaymentStatus, PlanStatus

VIEW = "welfare.view"
CHANGE = "welfare.change"
SUBMIT = "welfare.submit"
REVIEW = "welfare.review"
APPROVE = "welfare.approve"
EXPORT = "welfare.export"
CONFIGURE = "welfare.configure"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class PlanActions:
    edit: bool = False
    open: bool = False
    close: bool = False


def plan_actions(user, plan) -> PlanActions:
    conf = can(user, CONFIGURE, plan.org)
    return PlanActions(edit=conf and plan.status == PlanStatus.DRAFT, open=conf and plan.status == PlanStatus.DRAFT,
                       close=conf and plan.status == PlanStatus.OPEN)


@dataclass(frozen=True)
class EnrolmentActions:
    add: bool = False
    remove: bool = False
    pay: bool = False
    cancel: bool = False


def enrolment_actions(user, e) -> EnrolmentActions:
    unpaid = e.status == PaymentStatus.UNPAID
    change = unpaid and can(user, CHANGE, e.union)
    return EnrolmentActions(add=change and e.plan.status == PlanStatus.OPEN, remove=change,
                            pay=unpaid and e.people > 0 and can(user, APPROVE, e.union), cancel=change)


@dataclass(frozen=True)
class ClaimActions:
    documents: bool = False
    submit: bool = False
    withdraw: bool = False
    review: bool = False
    reject: bool = False
    approve: bool = False
    pay: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def claim_actions(user, c) -> ClaimActions:
    s = c.status
    submit = can(user, SUBMIT, c.union)
    review = s == ClaimStatus.SUBMITTED and can(user, REVIEW, c.union)
    approve = s == ClaimStatus.REVIEWED and can(user, APPROVE, c.plan.org)
    return ClaimActions(documents=submit and s == ClaimStatus.DRAFT, submit=submit and s == ClaimStatus.DRAFT,
                        withdraw=submit and s in (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED), review=review,
                        reject=review or approve, approve=approve,
                        pay=s == ClaimStatus.APPROVED and can(user, APPROVE, c.plan.org))
