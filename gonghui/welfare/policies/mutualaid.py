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

- `welfare.submit` also returns a claim the member sent, with a reason.

Members have no role: on the member pages (and `/api/v1/my/mutual-aid-claims`) the covered member
starts a claim for themself, uploads its documents, sends it to the union, corrects and re-sends
it when returned, or withdraws it before the union submits it. The check is that the claim's
person is the login's own (`members.selectors.person_of_account`). These helpers decide which
buttons a page shows; the services check again (`require`, or the person check).
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
    send_back: bool = False  # return a member's claim to the member, with a reason
    review: bool = False
    reject: bool = False
    approve: bool = False
    pay: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def claim_actions(user, c) -> ClaimActions:
    """The union's and the federation's steps. A member's claim is the member's while it is with
    them (no step); once sent, the union adds documents, submits it or returns it — and does not
    withdraw it (the member does, or the union returns it)."""
    s = c.status
    submit = can(user, SUBMIT, c.union)
    draft = s == ClaimStatus.DRAFT and not c.with_member
    review = s == ClaimStatus.SUBMITTED and can(user, REVIEW, c.union)
    approve = s == ClaimStatus.REVIEWED and can(user, APPROVE, c.plan.org)
    withdrawable = s == ClaimStatus.SUBMITTED or (s == ClaimStatus.DRAFT and not c.filed_by_member)
    return ClaimActions(documents=submit and draft, submit=submit and draft, withdraw=submit and withdrawable,
                        send_back=submit and c.to_check, review=review, reject=review or approve, approve=approve,
                        pay=s == ClaimStatus.APPROVED and can(user, APPROVE, c.plan.org))


@dataclass(frozen=True)
class MemberClaimActions:
    edit: bool = False
    documents: bool = False
    send: bool = False
    withdraw: bool = False


def member_claim_actions(c) -> MemberClaimActions:
    """The covered member's steps on their own claim (the page loaded it through their login)."""
    mine = c.filed_by_member
    return MemberClaimActions(edit=mine and c.with_member, documents=mine and c.with_member,
                              send=mine and c.with_member, withdraw=mine and c.status == ClaimStatus.DRAFT)
