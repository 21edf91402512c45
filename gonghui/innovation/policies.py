"""Who may do what with suggestions and technical projects.

Actions (granted per role in accounts/roles.py, each reaching the subtree of the role's org):
- `innovation.view`: see the suggestions and projects of the subtree's unions and towns;
- `innovation.change`: record them and every workflow step (cadres and union staff record a
  member's suggestion on the member's behalf);
- `innovation.export`: the Excel export of the list.

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from .models import ADOPTED_STATUSES, OPEN_PROJECT_STATUSES, ProjectStatus, SuggestionStatus

VIEW = "innovation.view"
CHANGE = "innovation.change"
EXPORT = "innovation.export"


def can_view(user) -> bool:
    return user.is_authenticated and user.can(VIEW)


def can_change(user) -> bool:
    return user.is_authenticated and user.can(CHANGE)


def can_export(user) -> bool:
    return user.is_authenticated and user.can(EXPORT)


def may_change(user, record) -> bool:
    return user.is_authenticated and user.can_any(CHANGE, record.scope_orgs())


@dataclass(frozen=True)
class SuggestionActions:
    evaluate: bool = False
    adopt: bool = False
    decline: bool = False
    implement: bool = False
    reward: bool = False
    withdraw: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def suggestion_actions(user, suggestion) -> SuggestionActions:
    if not may_change(user, suggestion):
        return SuggestionActions()
    status = suggestion.status
    return SuggestionActions(
        evaluate=status in (SuggestionStatus.SUBMITTED, SuggestionStatus.EVALUATED),
        adopt=status == SuggestionStatus.EVALUATED,
        decline=status in (SuggestionStatus.SUBMITTED, SuggestionStatus.EVALUATED),
        implement=status == SuggestionStatus.ADOPTED,
        reward=status in ADOPTED_STATUSES and suggestion.reward_paid_on is None,
        withdraw=status == SuggestionStatus.SUBMITTED,
    )


@dataclass(frozen=True)
class ProjectActions:
    start: bool = False
    milestone: bool = False
    complete: bool = False
    abandon: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def project_actions(user, project) -> ProjectActions:
    if not may_change(user, project):
        return ProjectActions()
    status = project.status
    return ProjectActions(
        start=status == ProjectStatus.PLANNED,
        milestone=status in OPEN_PROJECT_STATUSES,
        complete=status == ProjectStatus.IN_PROGRESS,
        abandon=status in OPEN_PROJECT_STATUSES,
    )
