"""Who may do what in the 职工之家 assessment.

- `grassroots.view`: see assessments of the subtree's unions (and every standard);
- `grassroots.change`: prepare a union's application (self-scores, evidence), start a re-check,
  withdraw (union chair and staff, the town's cadres, the district);
- `grassroots.submit`: the union applies (chairs and union staff; the district);
- `grassroots.review`: the town's review (town cadres, the district);
- `grassroots.award`: the district's review and award (district staff only);
- `grassroots.configure`: edit the standards (district staff only);
- `grassroots.export`: the Excel export of the list.

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from ..models.homes import HomeAssessmentStatus

VIEW = "grassroots.view"
CHANGE = "grassroots.change"
SUBMIT = "grassroots.submit"
REVIEW = "grassroots.review"
AWARD = "grassroots.award"
CONFIGURE = "grassroots.configure"
EXPORT = "grassroots.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


def can_configure(user) -> bool:
    return can(user, CONFIGURE)


@dataclass(frozen=True)
class AssessmentActions:
    self_score: bool = False
    evidence: bool = False         # upload: while open (reviewers may add what they asked for)
    remove_evidence: bool = False  # remove: only while the union prepares, never under review
    submit: bool = False
    town_review: bool = False
    district_review: bool = False
    withdraw: bool = False
    recheck: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def assessment_actions(user, assessment) -> AssessmentActions:
    org = assessment.org
    status = assessment.status
    preparing = status in (HomeAssessmentStatus.DRAFT, HomeAssessmentStatus.RETURNED)
    change = can(user, CHANGE, org)
    return AssessmentActions(
        self_score=preparing and change,
        evidence=assessment.is_open and change,
        remove_evidence=preparing and change,
        submit=preparing and can(user, SUBMIT, org),
        town_review=status == HomeAssessmentStatus.SUBMITTED and can(user, REVIEW, org),
        district_review=status == HomeAssessmentStatus.FORWARDED and can(user, AWARD, org),
        withdraw=status in (HomeAssessmentStatus.DRAFT, HomeAssessmentStatus.RETURNED, HomeAssessmentStatus.SUBMITTED)
        and change,
        recheck=status == HomeAssessmentStatus.AWARDED and change
        and not getattr(assessment, "has_open_recheck", False),
    )
