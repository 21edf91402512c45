"""Who may do what with surveys (晴雨表).

- `voice.view`: see a survey of an org in one's subtree, its questions and its results
  (district staff, town cadres, union chairs and staff);
- `voice.change`: create a survey for an org in one's subtree, build its questions while it is a
  draft (and none answered), open and close it (the same roles);
- `voice.export`: the Excel export of the anonymised answers (audited).

Members have no role here: they answer the surveys targeted at them on their own phone pages
(`voice:my_surveys`), identified by `members.selectors.person_of_account`. These helpers decide
which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from ..models.surveys import SurveyStatus

VIEW = "voice.view"
CHANGE = "voice.change"
EXPORT = "voice.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class SurveyActions:
    edit: bool = False  # title, dates, targeting, questions (draft, nothing answered)
    open: bool = False
    close: bool = False
    export: bool = False

    @property
    def any(self):
        return self.edit or self.open or self.close


def survey_actions(user, survey) -> SurveyActions:
    change = can(user, CHANGE, survey.org)
    draft = survey.status == SurveyStatus.DRAFT
    return SurveyActions(
        edit=change and draft and survey.response_count == 0,
        open=change and draft,
        close=change and survey.status == SurveyStatus.OPEN,
        export=can(user, EXPORT, survey.org),
    )
