"""Who may do what with union founding applications (组建) and the 未建会企业 list.

- `grassroots.view`: see applications (the town's cadres and the district; the union's chair
  once it is formed or joined) and the enterprises without a union;
- `grassroots.change`: record an application on the enterprise's (or workers') behalf, edit a
  draft or a returned one, submit it to the upper union and withdraw it. The enterprise has no
  union yet, so this is the town's cadres (or the district) acting for the applicant; chairs
  have no reach over an enterprise outside their union;
- `grassroots.review`: the town's review (accept, return with the reason, or refuse);
- `grassroots.approve`: the upper union's approval (批复, with the decision's number and date),
  return or refusal after the review; joining a joint union ends here;
- `grassroots.register`: the district registers the union (法人资格证书) — it then appears in the
  tree; district staff only (no town pattern matches the verb);
- `grassroots.export`: the Excel exports.

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from ..models.foundings import FoundingForm, FoundingStatus

VIEW = "grassroots.view"
CHANGE = "grassroots.change"
REVIEW = "grassroots.review"
APPROVE = "grassroots.approve"
REGISTER = "grassroots.register"
EXPORT = "grassroots.export"


def can_view(user) -> bool:
    return user.is_authenticated and user.can(VIEW)


def can_change(user) -> bool:
    return user.is_authenticated and user.can(CHANGE)


def can_export(user) -> bool:
    return user.is_authenticated and user.can(EXPORT)


def may(user, action, application) -> bool:
    """The action on the application's town (the upper union that handles it)."""
    return user.is_authenticated and application.town is not None and user.can(action, application.town)


@dataclass(frozen=True)
class FoundingActions:
    edit: bool = False
    submit: bool = False
    review: bool = False
    approve: bool = False
    register: bool = False
    return_: bool = False
    refuse: bool = False
    withdraw: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def founding_actions(user, application) -> FoundingActions:
    status = application.status
    change, review = may(user, CHANGE, application), may(user, REVIEW, application)
    approve, register = may(user, APPROVE, application), may(user, REGISTER, application)
    editable = status in (FoundingStatus.DRAFT, FoundingStatus.RETURNED)
    return FoundingActions(
        edit=change and editable,
        submit=change and editable,
        review=review and status == FoundingStatus.SUBMITTED,
        approve=approve and status == FoundingStatus.REVIEWED,
        register=register and status == FoundingStatus.APPROVED and application.form != FoundingForm.JOINT,
        return_=(review and status == FoundingStatus.SUBMITTED) or (approve and status == FoundingStatus.REVIEWED),
        refuse=(review and status == FoundingStatus.SUBMITTED) or (approve and status == FoundingStatus.REVIEWED)
        or (register and status == FoundingStatus.APPROVED),
        withdraw=change and status in (FoundingStatus.DRAFT, FoundingStatus.SUBMITTED, FoundingStatus.RETURNED,
                                       FoundingStatus.REVIEWED),
    )
