"""The grassroots-building overview: each area's headline figures in the user's subtree, from
the areas' own selectors (one or two aggregate queries each), plus the module's due-soon lines.

At district scale that is ~20 aggregate queries (≈200 ms), so the whole overview is kept for
`settings.FIGURES_CACHE_SECONDS` (0 = off, as in the tests) per user, sign-in, role assignments,
language, org-tree version and day, as the other figure pages do; the page says when it was
counted. The lists behind each figure are never cached."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from . import committees, elections, foundings, harmony, homes, liaison


@dataclass
class Overview:
    foundings: foundings.Summary
    unorganised: dict
    committees: dict
    elections: dict
    coverage: liaison.Coverage
    homes: dict
    harmony: dict
    year: int
    due: list
    counted_at: object = None  # aware datetime
    cached: bool = False  # kept for FIGURES_CACHE_SECONDS: the page says when it was counted


def _elections(user):
    from ..models import OPEN_ELECTION_STATUSES, ElectionStatus

    return elections.elections(user).order_by().aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_ELECTION_STATUSES)),
        waiting=Count("pk", filter=Q(status__in=(ElectionStatus.PLAN_SUBMITTED, ElectionStatus.RESULT_SUBMITTED))),
        approved_this_year=Count("pk", filter=Q(status=ElectionStatus.APPROVED,
                                                result_approved_on__year=elections.today().year)),
    )


def _homes(user):
    from ..models.homes import OPEN_HOME_STATUSES, HomeAssessmentStatus

    return homes.assessments(user).order_by().aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_HOME_STATUSES)),
        awarded=Count("pk", filter=Q(status__in=(HomeAssessmentStatus.AWARDED, HomeAssessmentStatus.RENEWED))),
    )


def _harmony(user, year):
    from ..models.harmony import HarmonyRating, HarmonyStatus

    return harmony.assessments(user).filter(year=year).order_by().aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(status__in=(HarmonyStatus.SUBMITTED, HarmonyStatus.FORWARDED))),
        model=Count("pk", filter=Q(status=HarmonyStatus.RATED, rating=HarmonyRating.MODEL)),
        passed=Count("pk", filter=Q(status=HarmonyStatus.RATED, rating=HarmonyRating.PASS)),
    )


def overview(user, *, refresh=False) -> Overview:
    """The overview of the user's subtree, from the cache when counted lately (see the module);
    `refresh=True` counts again and replaces the cached entry."""
    from gonghui.members.figures import kept_figures

    return kept_figures(lambda: _cache_key(user), lambda: _count(user), refresh=refresh)


def _cache_key(user):
    from gonghui.members.figures import user_figures_key

    return user_figures_key("grassroots:overview", user)


def _count(user) -> Overview:
    on = foundings.today()
    unorganised = foundings.unorganised_base(user).order_by().aggregate(enterprises=Count("pk"),
                                                                        headcount=Sum("headcount"))
    due = [summary for source in (foundings.due_summary, committees.due_summary, elections.due_summary,
                                  liaison.due_summary, homes.due_reviews_summary, homes.due_rechecks_summary,
                                  harmony.due_summary, harmony.review_due_summary)
           if (summary := source(user)) is not None and (summary.overdue or summary.soon)]
    return Overview(
        foundings=foundings.summary(foundings.applications(user), on=on),
        unorganised=unorganised,
        committees=committees.state_counts(user, on=on),
        elections=_elections(user),
        coverage=liaison.coverage(user, liaison.Quarter.of(on)),
        homes=_homes(user),
        harmony=_harmony(user, on.year),
        year=on.year,
        due=due,
        counted_at=timezone.now(),
    )
