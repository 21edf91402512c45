"""Test builders for 和谐劳动关系: the year's published indicator set and a self-assessment
brought to a status through the real services (every row one the services could have written)."""

import datetime

from ..models.harmony import HarmonyStatus, IndicatorSet, IndicatorSetStatus
from ..services import harmony as services

# Self-scores of the built-in self-scored indicators (the congress and agreement ones come from
# records): 14+15+13+15+14 = 71, plus whatever the records give.
SELF_SCORES = {"contracts": 14, "wages": 15, "insurance": 13, "safety": 15, "responsibility": 14}


def days_ago(n):
    return services.today() - datetime.timedelta(days=n)


def published_set(*, actor, year=None):
    year = year or services.today().year
    existing = IndicatorSet.objects.filter(year=year).first()
    indicator_set = existing or services.create_indicator_set(actor=actor, year=year)
    if indicator_set.status == IndicatorSetStatus.DRAFT:
        indicator_set = services.publish_indicator_set(actor=actor, indicator_set=indicator_set)
    return indicator_set


def assessment(*, actor, enterprise, status=HarmonyStatus.DRAFT, year=None, scores=None, chair=None,
               reviewer=None, rater=None, review_scores=None, rating=None, reason=""):
    """The year's set must be published first (`published_set`).

    `actor` starts and scores; `chair` submits (default `actor`); `reviewer` (default `actor`)
    reviews; `rater` (default `actor`) rates."""
    year = year or services.today().year
    a = services.start_assessment(actor=actor, enterprise=enterprise, year=year)
    given = SELF_SCORES if scores is None else scores
    a = services.save_self_scores(actor=actor, assessment=a, scores={k: {"score": v, "note": "台账齐全"}
                                                                    for k, v in given.items()})
    if status == HarmonyStatus.DRAFT:
        return a
    a = services.submit_assessment(actor=chair or actor, assessment=a, submitted_on=days_ago(20))
    if status == HarmonyStatus.SUBMITTED:
        return a
    if status == HarmonyStatus.RETURNED:
        return services.return_assessment(actor=reviewer or actor, assessment=a, reason="证明材料不全",
                                          returned_on=days_ago(15))
    a = services.forward_assessment(actor=reviewer or actor, assessment=a, reviewed_on=days_ago(10),
                                    scores=review_scores or {}, note="基本属实")
    if status == HarmonyStatus.FORWARDED:
        return a
    return services.rate_assessment(actor=rater or actor, assessment=a, rated_on=days_ago(5), rating=rating,
                                    reason=reason)
