"""职工之家 services: standards (template, copy, edit while draft, publish), the workflow at its
edges (scores at their maximum and one above, the pass mark and one below, dates), the AUTO
criteria from the records (membership rate at 90%, congress held, wage agreement, activities),
re-checks (due in 3 years, renew, revoke) and evidence uploads."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.grassroots.models.homes import (
    HomeAssessment,
    HomeAssessmentStatus,
    HomeCriterion,
    HomeEvidence,
    HomeStandard,
    StandardStatus,
)
from gonghui.grassroots.rules.homes import DEFAULT_TEMPLATE
from gonghui.grassroots.selectors import homes as selectors
from gonghui.grassroots.services import homes as services
from gonghui.grassroots.services.homes import CriterionInput
from gonghui.grassroots.testing.homes import assessment, full_scores, published_standard

pytestmark = pytest.mark.django_db
TODAY = services.today()
PDF = b"%PDF-1.4 test document"


def _item(a, code):
    return a.items.get(code=code)


# --- standards ----------------------------------------------------------------------------------

def test_a_standard_starts_from_the_built_in_template(tree):
    s = services.create_standard(actor=tree.district_staff, level="CITY", effective_year=2026)
    criteria = list(s.criteria.all())
    assert [c.code for c in criteria] == [c.code for c in DEFAULT_TEMPLATE]
    assert sum(c.max_score for c in criteria) == 100
    assert s.pass_mark == 85 and s.status == StandardStatus.DRAFT
    assert {c.auto_source for c in criteria if c.method == "AUTO"} == {
        "membership_rate", "congress_held", "wage_agreement", "activities"}
    assert AuditEvent.objects.filter(action="grassroots.home_standard_create").count() == 1
    with pytest.raises(DomainError) as err:
        services.create_standard(actor=tree.district_staff, level="CITY", effective_year=2026)
    assert err.value.code == "already_exists"


def test_only_the_district_configures_standards(tree):
    for user in (tree.town1_cadre, tree.union1_chair, tree.member_user):
        with pytest.raises(PermissionDenied):
            services.create_standard(actor=user, level="DISTRICT", effective_year=2026)
    assert not HomeStandard.objects.exists()


def test_a_published_standard_is_frozen_and_copied_into_a_new_version(tree):
    s = published_standard(tree.district_staff, year=2024)
    with pytest.raises(DomainError) as err:
        services.update_standard(actor=tree.district_staff, standard=s, title="x", pass_mark=70)
    assert err.value.code == "wrong_stage"
    copy = services.copy_standard(actor=tree.district_staff, standard=s, effective_year=2026)
    assert copy.copied_from == s and copy.is_draft and copy.criteria.count() == s.criteria.count()
    services.update_standard(actor=tree.district_staff, standard=copy, title="区级模范职工之家标准（2026）",
                             pass_mark=75)
    services.save_criterion(actor=tree.district_staff, standard=copy, data=CriterionInput(
        code="safety", text="安全生产无事故", max_score=5, method="REVIEWER"))
    assert copy.criteria.get(code="SAFETY").order == 10
    services.publish_standard(actor=tree.district_staff, standard=copy)
    assert selectors.current_standard("DISTRICT", 2026) == HomeStandard.objects.get(pk=copy.pk)
    assert selectors.current_standard("DISTRICT", 2025) == s
    assert selectors.current_standard("DISTRICT", 2023) is None


@pytest.mark.parametrize("data, code", [
    (CriterionInput("a b", "t", 5, "REVIEWER"), "invalid_code"),
    (CriterionInput("MEMBERSHIP", "t", 5, "REVIEWER"), "code_taken"),
    (CriterionInput("X", "t", 0, "REVIEWER"), "invalid_max_score"),
    (CriterionInput("X", "t", 101, "REVIEWER"), "invalid_max_score"),
    (CriterionInput("X", "t", 5, "AUTO", auto_source="nope"), "invalid_source"),
    (CriterionInput("X", "  ", 5, "REVIEWER"), "required"),
])
def test_criterion_input_is_checked(tree, data, code):
    s = services.create_standard(actor=tree.district_staff, level="DISTRICT", effective_year=2026)
    with pytest.raises(DomainError) as err:
        services.save_criterion(actor=tree.district_staff, standard=s, data=data)
    assert err.value.code == code
    assert s.criteria.count() == len(DEFAULT_TEMPLATE)


def test_the_pass_mark_cannot_exceed_the_points_on_publishing(tree):
    s = services.create_standard(actor=tree.district_staff, level="DISTRICT", effective_year=2026)
    for c in list(s.criteria.all())[1:]:
        services.delete_criterion(actor=tree.district_staff, criterion=c)
    services.update_standard(actor=tree.district_staff, standard=s, title=s.title, pass_mark=16)  # first line: 15
    with pytest.raises(DomainError) as err:
        services.publish_standard(actor=tree.district_staff, standard=s)
    assert err.value.code == "pass_mark_too_high"
    services.update_standard(actor=tree.district_staff, standard=s, title=s.title, pass_mark=15)
    assert services.publish_standard(actor=tree.district_staff, standard=s).status == StandardStatus.PUBLISHED


# --- starting -----------------------------------------------------------------------------------

def test_an_assessment_needs_a_published_standard_and_only_one_is_open(tree):
    with pytest.raises(DomainError) as err:
        services.start_assessment(actor=tree.union1_chair, org=tree.union1, level="DISTRICT")
    assert err.value.code == "no_standard"
    a = assessment(tree)
    assert a.items.count() == len(DEFAULT_TEMPLATE) and a.standard.status == StandardStatus.PUBLISHED
    with pytest.raises(DomainError) as err:
        services.start_assessment(actor=tree.union1_chair, org=tree.union1, level="DISTRICT")
    assert err.value.code == "already_open"
    assert HomeAssessment.objects.count() == 1


def test_an_assessment_keeps_its_version_when_a_new_one_is_published(tree):
    a = assessment(tree)
    old = a.standard
    new = services.copy_standard(actor=tree.district_staff, standard=old, effective_year=TODAY.year)
    HomeCriterion.objects.filter(standard=new, code="FINANCE").update(text="改了")
    services.publish_standard(actor=tree.district_staff, standard=new)
    a.refresh_from_db()
    assert a.standard == old and _item(a, "FINANCE").text != "改了"


# --- AUTO criteria --------------------------------------------------------------------------------

@pytest.mark.parametrize("members, met", [(9, True), (8, False)])
def test_membership_rate_at_ninety_percent(tree, members, met):
    tree.enterprise1.headcount = 10
    tree.enterprise1.save()
    for _ in range(members):
        tree.member(union=tree.union1)
    a = assessment(tree)
    item = _item(a, "MEMBERSHIP")
    assert item.auto_met is met
    assert item.auto_figures["members"] == members and item.auto_figures["headcount"] == 10
    assert item.current_score == (15 if met else 0)


def test_congress_held_this_year_and_activities(tree):
    from gonghui.congress.models import SessionStatus
    from gonghui.congress.testing import congress_body, session

    a = assessment(tree)
    assert _item(a, "CONGRESS").auto_met is False and _item(a, "ACTIVITIES").auto_met is False
    body = congress_body(org=tree.union1, enterprise=tree.enterprise1)
    for number, year in ((1, TODAY.year), (2, TODAY.year - 1)):  # last year's does not count
        day = datetime.date(year, 3, 1)
        session(body, number=number, planned_on=day, status=SessionStatus.HELD, held_on=day, entitled=30,
                present=25, report_due_on=day + datetime.timedelta(days=10))
    services.submit_assessment(actor=tree.union1_chair, assessment=a)
    congress = _item(a, "CONGRESS")
    assert congress.auto_met is True and congress.auto_figures["sessions"] == 1
    activities = _item(a, "ACTIVITIES")
    assert activities.auto_met is False and activities.auto_figures["sessions"] == 1  # 1 < 2


def test_wage_agreement_in_force(tree):
    from gonghui.bargaining.models import Stage
    from gonghui.bargaining.testing import negotiation

    a = assessment(tree)
    assert _item(a, "AGREEMENT").auto_met is False
    negotiation(actor=tree.district_staff, org=tree.union1, enterprise=tree.enterprise1, stage=Stage.EFFECTIVE,
                start=datetime.date(TODAY.year, 3, 2))
    services.submit_assessment(actor=tree.union1_chair, assessment=a)
    assert _item(a, "AGREEMENT").auto_met is True
    assert HomeAssessment.objects.get(pk=a.pk).total_score == 10


def test_a_new_record_source_can_be_registered(tree):
    def always(union, year, on):
        return selectors.AutoResult(True, {"n": 1}, "ok")

    selectors.register_auto_source("test_always", "test", always)
    try:
        s = services.create_standard(actor=tree.district_staff, level="NATIONAL", effective_year=2026)
        services.save_criterion(actor=tree.district_staff, standard=s, data=CriterionInput(
            "EVENTS", "活动", 5, "AUTO", auto_source="test_always"))
        services.publish_standard(actor=tree.district_staff, standard=s)
        a = services.start_assessment(actor=tree.union1_chair, org=tree.union1, level="NATIONAL")
        assert _item(a, "EVENTS").auto_met is True and _item(a, "EVENTS").current_score == 5
    finally:
        selectors.AUTO_SOURCES.pop("test_always")


# --- scoring edges ------------------------------------------------------------------------------

def test_self_scores_within_zero_and_the_maximum(tree):
    a = assessment(tree)
    services.save_self_scores(actor=tree.union1_chair, assessment=a, scores={"FINANCE": {"score": 10, "note": "审计"}})
    assert _item(a, "FINANCE").self_score == 10
    for bad in (11, -1, "5", True):
        with pytest.raises(DomainError) as err:
            services.save_self_scores(actor=tree.union1_chair, assessment=a, scores={"FINANCE": {"score": bad}})
        assert err.value.code == "invalid_score"
        assert "FINANCE" in err.value.text
    assert _item(a, "FINANCE").self_score == 10
    with pytest.raises(DomainError) as err:
        services.save_self_scores(actor=tree.union1_chair, assessment=a, scores={"MEMBERSHIP": {"score": 15}})
    assert err.value.code == "auto_criterion"
    with pytest.raises(DomainError) as err:
        services.save_self_scores(actor=tree.union1_chair, assessment=a, scores={"NOPE": {"score": 1}})
    assert err.value.code == "unknown_criterion"


def test_forwarding_needs_every_reviewer_line_scored(tree):
    a = assessment(tree, HomeAssessmentStatus.SUBMITTED)
    scores = full_scores(a)
    scores.pop("FINANCE")
    with pytest.raises(DomainError) as err:
        services.town_review(actor=tree.town1_cadre, assessment=a, decision="forward", scores=scores)
    assert err.value.code == "score_missing" and "FINANCE" in err.value.text
    assert HomeAssessment.objects.get(pk=a.pk).status == HomeAssessmentStatus.SUBMITTED
    assert _item(a, "SATISFACTION").town_score is None  # nothing half-saved


def test_return_needs_a_reason_and_the_union_resubmits(tree):
    a = assessment(tree, HomeAssessmentStatus.SUBMITTED)
    with pytest.raises(DomainError) as err:
        services.town_review(actor=tree.town1_cadre, assessment=a, decision="return", reason=" ")
    assert err.value.field == "reason"
    services.town_review(actor=tree.town1_cadre, assessment=a, decision="return", reason="缺少审计报告")
    a.refresh_from_db()
    assert a.status == HomeAssessmentStatus.RETURNED and a.review_due_on is None
    services.submit_assessment(actor=tree.union1_chair, assessment=a)
    a.refresh_from_db()
    assert a.status == HomeAssessmentStatus.SUBMITTED and a.review_due_on > a.submitted_on


@pytest.mark.parametrize("finance, awarded", [(4, False), (5, True)])
def test_award_at_the_pass_mark_and_one_below(tree, finance, awarded):
    # No AUTO line is met (no records): the total is the five REVIEWER lines; pass mark 45.
    published_standard(tree.district_staff, pass_mark=45)
    a = assessment(tree, HomeAssessmentStatus.FORWARDED)
    scores = full_scores(a)                      # 5 × 10 = 50
    scores["FINANCE"]["score"] = finance         # 45 (the pass mark) or 44
    if awarded:
        a = services.district_review(actor=tree.district_staff, assessment=a, decision="award", scores=scores,
                                     certificate_no="区职家-1")
        assert a.status == HomeAssessmentStatus.AWARDED and a.total_score == 45
        assert a.recheck_due_on == services.add_years(a.decided_on, 3)
    else:
        with pytest.raises(DomainError) as err:
            services.district_review(actor=tree.district_staff, assessment=a, decision="award", scores=scores,
                                     certificate_no="区职家-1")
        assert err.value.code == "below_pass_mark"
        assert HomeAssessment.objects.get(pk=a.pk).status == HomeAssessmentStatus.FORWARDED
        a = services.district_review(actor=tree.district_staff, assessment=a, decision="refuse", scores=scores,
                                     reason="总分未达到合格分")
        assert a.status == HomeAssessmentStatus.REFUSED and a.total_score == 44


def test_the_district_keeps_the_towns_scores_when_it_gives_none(tree):
    a = assessment(tree, HomeAssessmentStatus.FORWARDED, scores_points=7)
    a = services.district_review(actor=tree.district_staff, assessment=a, decision="award", certificate_no="X-1")
    assert {i.final_score for i in a.items.all() if not i.is_auto} == {7}
    assert a.total_score == 35


def test_award_needs_a_certificate_number(tree):
    a = assessment(tree, HomeAssessmentStatus.FORWARDED)
    with pytest.raises(DomainError) as err:
        services.district_review(actor=tree.district_staff, assessment=a, decision="award")
    assert err.value.field == "certificate_no"


def test_dates_cannot_be_in_the_future_or_before_the_last_step(tree):
    a = assessment(tree)
    with pytest.raises(DomainError) as err:
        services.submit_assessment(actor=tree.union1_chair, assessment=a, submitted_on=TODAY + datetime.timedelta(1))
    assert err.value.code == "date_in_future"
    with pytest.raises(DomainError) as err:
        services.submit_assessment(actor=tree.union1_chair, assessment=a, submitted_on=TODAY - datetime.timedelta(1))
    assert err.value.code == "date_order"


def test_a_step_the_status_does_not_allow_is_refused(tree):
    a = assessment(tree)
    with pytest.raises(DomainError) as err:
        services.town_review(actor=tree.town1_cadre, assessment=a, decision="forward", scores=full_scores(a))
    assert err.value.code == "wrong_stage"


# --- re-checks ------------------------------------------------------------------------------------

def test_recheck_due_three_years_on_and_29_february():
    assert services.add_years(datetime.date(2024, 2, 29), 3) == datetime.date(2027, 2, 28)
    assert services.add_years(datetime.date(2025, 6, 30), 3) == datetime.date(2028, 6, 30)


def _recheck(tree, award, decision):
    r = services.start_recheck(actor=tree.union1_chair, award=award)
    assert r.recheck_of == award and r.kind == "RECHECK"
    services.submit_assessment(actor=tree.union1_chair, assessment=r)
    services.town_review(actor=tree.town1_cadre, assessment=r, decision="forward", scores=full_scores(r))
    kwargs = {"reason": "复查不合格"} if decision == "refuse" else {}
    return services.district_review(actor=tree.district_staff, assessment=r, decision=decision, **kwargs)


def test_a_passed_recheck_renews_the_award(tree):
    award = assessment(tree, HomeAssessmentStatus.AWARDED)
    with pytest.raises(DomainError) as err:
        services.start_assessment(actor=tree.union1_chair, org=tree.union1, level="DISTRICT")
    assert err.value.code == "already_awarded"
    r = _recheck(tree, award, "award")
    award.refresh_from_db()
    assert award.status == HomeAssessmentStatus.RENEWED
    assert r.status == HomeAssessmentStatus.AWARDED and r.certificate_no == award.certificate_no


def test_a_failed_recheck_revokes_the_award(tree):
    award = assessment(tree, HomeAssessmentStatus.AWARDED)
    r = _recheck(tree, award, "refuse")
    award.refresh_from_db()
    assert r.status == HomeAssessmentStatus.REFUSED
    assert award.status == HomeAssessmentStatus.REVOKED and award.revoked_on == r.decided_on
    assert "复查不合格" in award.revoke_reason
    assert AuditEvent.objects.filter(action="grassroots.home_revoke", object_id=str(award.pk)).exists()


def test_only_one_open_recheck(tree):
    award = assessment(tree, HomeAssessmentStatus.AWARDED)
    services.start_recheck(actor=tree.union1_chair, award=award)
    with pytest.raises(DomainError) as err:
        services.start_recheck(actor=tree.union1_chair, award=award)
    assert err.value.code == "already_open"


# --- evidence -------------------------------------------------------------------------------------

def test_evidence_is_type_checked_and_only_while_open(tree):
    a = assessment(tree)
    e = services.add_evidence(actor=tree.union1_chair, assessment=a, item_code="FINANCE",
                              upload=SimpleUploadedFile("审计报告.pdf", PDF))
    assert e.name == "审计报告.pdf" and e.kind == "pdf" and "审计" not in e.file.name
    with pytest.raises(DomainError) as err:
        services.add_evidence(actor=tree.union1_chair, assessment=a, item_code="FINANCE",
                              upload=SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf"))
    assert err.value.field == "file" and err.value.code == "wrong_type"
    with pytest.raises(DomainError) as err:
        services.add_evidence(actor=tree.union1_chair, assessment=a, item_code="NOPE",
                              upload=SimpleUploadedFile("a.pdf", PDF))
    assert err.value.code == "unknown_criterion"
    services.withdraw_assessment(actor=tree.union1_chair, assessment=a)
    with pytest.raises(DomainError):
        services.add_evidence(actor=tree.union1_chair, assessment=a, item_code="FINANCE",
                              upload=SimpleUploadedFile("a.pdf", PDF))
    assert HomeEvidence.objects.count() == 1


def test_a_submitted_application_is_not_withdrawn_before_it_was_submitted(tree):
    started = TODAY - datetime.timedelta(days=10)
    a = assessment(tree, HomeAssessmentStatus.DRAFT, on=started)
    services.submit_assessment(actor=tree.union1_chair, assessment=a, submitted_on=TODAY - datetime.timedelta(days=3))
    with pytest.raises(DomainError) as err:
        services.withdraw_assessment(actor=tree.union1_chair, assessment=a,
                                     withdrawn_on=TODAY - datetime.timedelta(days=5))
    assert (err.value.code, err.value.field) == ("date_order", "withdrawn_on")
    assert HomeAssessment.objects.get(pk=a.pk).status == HomeAssessmentStatus.SUBMITTED
    a = services.withdraw_assessment(actor=tree.union1_chair, assessment=a, withdrawn_on=TODAY)
    assert a.status == HomeAssessmentStatus.WITHDRAWN


def test_evidence_is_not_removed_once_submitted(tree):
    a = assessment(tree, HomeAssessmentStatus.DRAFT)
    e = services.add_evidence(actor=tree.union1_chair, assessment=a, item_code="FINANCE",
                              upload=SimpleUploadedFile("账目.pdf", PDF))
    services.submit_assessment(actor=tree.union1_chair, assessment=a)
    with pytest.raises(DomainError) as err:
        services.remove_evidence(actor=tree.union1_chair, evidence=e)
    assert err.value.code == "wrong_stage" and HomeEvidence.objects.filter(pk=e.pk).exists()
    # the town reviewer may still add a file it asked for
    services.add_evidence(actor=tree.town1_cadre, assessment=a, item_code="FINANCE",
                          upload=SimpleUploadedFile("补充.pdf", PDF))
    services.town_review(actor=tree.town1_cadre, assessment=a, decision="return", reason="补充材料")
    services.remove_evidence(actor=tree.union1_chair, evidence=e)
    assert not HomeEvidence.objects.filter(pk=e.pk).exists()
