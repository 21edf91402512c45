"""Builders for the 职工之家 tests: a published standard from the built-in template, and an
assessment walked through the services to the status wanted."""

import datetime

from gonghui.grassroots.models.homes import HomeAssessmentStatus, HomeStandard
from gonghui.grassroots.services import homes as services

YEAR = 2026


def published_standard(actor, level="DISTRICT", year=YEAR - 2, pass_mark=None) -> HomeStandard:
    standard = services.create_standard(actor=actor, level=level, effective_year=year)
    if pass_mark is not None:
        services.update_standard(actor=actor, standard=standard, title=standard.title, pass_mark=pass_mark)
    return services.publish_standard(actor=actor, standard=standard)


def reviewer_codes(assessment):
    return [i.code for i in assessment.items.all() if not i.is_auto]


def full_scores(assessment, points=None):
    """Every REVIEWER line at `points` (default: its maximum)."""
    return {i.code: {"score": i.max_score if points is None else min(points, i.max_score), "note": ""}
            for i in assessment.items.all() if not i.is_auto}


def assessment(tree, status=HomeAssessmentStatus.DRAFT, *, org=None, level="DISTRICT", scores_points=None,
               standard=None, on=None):
    """An assessment of union1 (or `org`) walked to `status` by the right people."""
    org = org or tree.union1
    chair = tree.union1_chair if org == tree.union1 else tree.district_staff
    town = tree.town1_cadre if org.path.startswith(tree.town1.path) else tree.town2_cadre
    district = tree.district_staff
    if standard is None and not HomeStandard.objects.filter(level=level, status="PUBLISHED").exists():
        published_standard(district, level=level, pass_mark=30)
    on = on or services.today()
    a = services.start_assessment(actor=chair, org=org, level=level, started_on=on)
    if status == HomeAssessmentStatus.DRAFT:
        return a
    if status == HomeAssessmentStatus.WITHDRAWN:
        return services.withdraw_assessment(actor=chair, assessment=a, withdrawn_on=on)
    services.submit_assessment(actor=chair, assessment=a, submitted_on=on)
    if status == HomeAssessmentStatus.SUBMITTED:
        return _fresh(a)
    if status == HomeAssessmentStatus.RETURNED:
        return services.town_review(actor=town, assessment=a, decision="return", reason="材料不全", reviewed_on=on)
    services.town_review(actor=town, assessment=a, decision="forward", reviewed_on=on,
                         scores=full_scores(a, scores_points))
    if status == HomeAssessmentStatus.FORWARDED:
        return _fresh(a)
    if status == HomeAssessmentStatus.REFUSED:
        return services.district_review(actor=district, assessment=a, decision="refuse", reason="未达标",
                                        decided_on=on)
    return services.district_review(actor=district, assessment=a, decision="award", decided_on=on,
                                    certificate_no="区职家2026-001")


def _fresh(a):
    return type(a).objects.get(pk=a.pk)


def days(n):
    return datetime.timedelta(days=n)
