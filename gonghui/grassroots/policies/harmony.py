"""Who may do what in 和谐劳动关系 creation (actions granted per role in accounts/roles.py, each
reaching the subtree of the role's org):

- `grassroots.view`: see the self-assessments of the subtree's unions and towns, and read the
  indicator sets (district-wide configuration);
- `grassroots.change`: start and fill in a draft self-assessment, upload evidence (the union's
  chair and staff, or a cadre above the union);
- `grassroots.submit`: submit it to the town (union chairs and staff);
- `grassroots.review`: the town's review: adjust scores, return to the union or forward;
- `grassroots.rate`: the district's rating (no town pattern grants this verb);
- `grassroots.configure`: edit and publish the yearly indicator sets (district);
- `grassroots.export`: Excel exports of the lists.

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from ..models.harmony import HarmonyStatus, IndicatorSetStatus

VIEW = "grassroots.view"
CHANGE = "grassroots.change"
SUBMIT = "grassroots.submit"
REVIEW = "grassroots.review"
RATE = "grassroots.rate"
CONFIGURE = "grassroots.configure"
EXPORT = "grassroots.export"


def _can(user, action, orgs=None) -> bool:
    if not user.is_authenticated:
        return False
    return user.can_any(action, orgs) if orgs is not None else user.can(action)


def can_view(user) -> bool:
    return _can(user, VIEW)


def can_change(user) -> bool:
    return _can(user, CHANGE)


def can_configure(user) -> bool:
    return _can(user, CONFIGURE)


def can_export(user) -> bool:
    return _can(user, EXPORT)


def may_edit_set(user, indicator_set) -> bool:
    return can_configure(user) and indicator_set.status == IndicatorSetStatus.DRAFT


@dataclass(frozen=True)
class AssessmentActions:
    edit: bool = False       # fill in the self-assessment, upload evidence
    submit: bool = False
    review: bool = False     # forward or return (the town)
    rate: bool = False       # the district

    @property
    def any(self):
        return any(vars(self).values())


def assessment_actions(user, assessment) -> AssessmentActions:
    orgs = assessment.scope_orgs()
    status = assessment.status
    is_open = status in (HarmonyStatus.DRAFT, HarmonyStatus.RETURNED)
    return AssessmentActions(
        edit=is_open and _can(user, CHANGE, orgs),
        submit=is_open and _can(user, SUBMIT, orgs),
        review=status == HarmonyStatus.SUBMITTED and _can(user, REVIEW, orgs),
        rate=status == HarmonyStatus.FORWARDED and _can(user, RATE, orgs),
    )
