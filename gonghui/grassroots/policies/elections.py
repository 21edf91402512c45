"""Who may do what with committee elections (换届选举).

- `grassroots.view`: see the elections of the subtree's unions;
- `grassroots.change`: prepare the plan and its candidates, record the meeting, the ballots and
  the committee's first meeting, cancel (the union's chair and staff, or a cadre above it);
- `grassroots.submit`: send the plan or the result to the upper union (chairs and staff; a
  cadre holding `change` may submit on the union's behalf);
- `grassroots.approve`: the upper union approves or returns the plan and the result (town
  cadres and the district);
- `grassroots.export`: the Excel export of the list.

These helpers decide which buttons a page shows; the services check again.
"""

from dataclasses import dataclass

from gonghui.grassroots.models.elections import ElectionStatus

VIEW = "grassroots.view"
CHANGE = "grassroots.change"
SUBMIT = "grassroots.submit"
APPROVE = "grassroots.approve"
EXPORT = "grassroots.export"


def can_view(user) -> bool:
    return user.is_authenticated and user.can(VIEW)


def can_change(user) -> bool:
    return user.is_authenticated and user.can(CHANGE)


def can_export(user) -> bool:
    return user.is_authenticated and user.can(EXPORT)


def may_change(user, election) -> bool:
    return user.is_authenticated and user.can(CHANGE, election.org)


def may_submit(user, election) -> bool:
    return user.is_authenticated and (user.can(SUBMIT, election.org) or user.can(CHANGE, election.org))


def may_approve(user, election) -> bool:
    return user.is_authenticated and user.can(APPROVE, election.org)


@dataclass(frozen=True)
class ElectionActions:
    edit_plan: bool = False
    candidates: bool = False
    submit_plan: bool = False
    approve_plan: bool = False
    meeting: bool = False
    ballots: bool = False
    close_voting: bool = False
    officers: bool = False
    submit_result: bool = False
    approve_result: bool = False
    cancel: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def election_actions(user, election) -> ElectionActions:
    change, submit, approve = may_change(user, election), may_submit(user, election), may_approve(user, election)
    s = election.status
    return ElectionActions(
        edit_plan=change and s == ElectionStatus.DRAFT,
        candidates=change and s == ElectionStatus.DRAFT,
        submit_plan=submit and s == ElectionStatus.DRAFT,
        approve_plan=approve and s == ElectionStatus.PLAN_SUBMITTED,
        meeting=change and s == ElectionStatus.PLAN_APPROVED,
        ballots=change and s == ElectionStatus.VOTING,
        close_voting=change and s == ElectionStatus.VOTING,
        officers=change and s == ElectionStatus.ELECTED,
        submit_result=submit and s == ElectionStatus.ELECTED and election.first_meeting_on is not None,
        approve_result=approve and s == ElectionStatus.RESULT_SUBMITTED,
        cancel=change and s in (ElectionStatus.DRAFT, ElectionStatus.PLAN_SUBMITTED, ElectionStatus.PLAN_APPROVED,
                                ElectionStatus.VOTING, ElectionStatus.ELECTED),
    )
