"""Who may do what with articles.

- `publicity.view`: see the articles published by the orgs of the subtree (cadre pages, API);
- `publicity.change`: the publisher's subtree writes, edits, publishes, schedules, withdraws,
  pins and adds images (town cadres and union chairs/staff on their own subtree; the district on
  everything);
- `publicity.export`: the Excel export of the list;
- members have no role action: they read the published articles addressed to their union
  (`scope_org` above it) on the member pages (`person_of_account`).

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from ..models.articles import ArticleStatus

VIEW = "publicity.view"
CHANGE = "publicity.change"
EXPORT = "publicity.export"

EDITABLE = (ArticleStatus.DRAFT, ArticleStatus.SCHEDULED, ArticleStatus.PUBLISHED)

# status -> the steps that may follow it
STEPS = {
    ArticleStatus.DRAFT: ("publish", "schedule"),
    ArticleStatus.SCHEDULED: ("publish", "schedule", "withdraw"),
    ArticleStatus.PUBLISHED: ("withdraw", "pin", "unpin"),
    ArticleStatus.WITHDRAWN: ("publish",),
}


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


def steps_for(user, article) -> tuple:
    if not can(user, CHANGE, article.org):
        return ()
    steps = STEPS.get(article.status, ())
    return tuple(s for s in steps if not (s == "pin" and article.pinned) and not (s == "unpin" and not article.pinned))
