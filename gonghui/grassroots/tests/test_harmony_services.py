"""Services of 和谐劳动关系: the indicator set's life, the self-assessment (one per enterprise per
year, prefilled from congress and wage records), review, rating at the thresholds, evidence,
reminders."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from gonghui.congress import testing as congress_testing
from gonghui.congress.models import SessionStatus
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Notification
from gonghui.grassroots.models.harmony import (
    HarmonyAssessment,
    HarmonyEvidence,
    HarmonyStatus,
    IndicatorScore,
    IndicatorSetStatus,
)
from gonghui.grassroots.services import harmony as services
from gonghui.grassroots.testing.harmony import SELF_SCORES, assessment, days_ago, published_set

pytestmark = pytest.mark.django_db
TODAY = services.today()
YEAR = TODAY.year
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def ready(tree):
    published_set(actor=tree.district_staff)
    return tree


def _scores(a):
    return {s.indicator.code: s for s in IndicatorScore.objects.filter(assessment=a).select_related("indicator")}


# --- indicator sets ---------------------------------------------------------------------------------------

def test_a_set_starts_from_the_built_in_indicators_and_is_frozen_once_published(tree):
    s = services.create_indicator_set(actor=tree.district_staff, year=YEAR + 1)
    assert s.status == IndicatorSetStatus.DRAFT and s.submit_due_on == datetime.date(YEAR + 1, 9, 30)
    assert sum(i.max_score for i in s.indicators.all()) == 100
    rows = [{"code": "a", "name": "甲", "max_score": 60, "source": "SELF"},
            {"code": "congress", "name": "职代会", "max_score": 40, "source": "CONGRESS"}]
    services.save_indicators(actor=tree.district_staff, indicator_set=s, rows=rows)
    assert list(s.indicators.values_list("code", flat=True)) == ["a", "congress"]
    services.publish_indicator_set(actor=tree.district_staff, indicator_set=s)
    with pytest.raises(DomainError) as err:
        services.save_indicators(actor=tree.district_staff, indicator_set=s, rows=rows)
    assert err.value.code == "wrong_stage"
    assert AuditEvent.objects.filter(action="grassroots.harmony_set_publish", object_id=str(s.pk)).exists()


def test_a_copy_of_last_year_and_a_second_set_of_the_same_year(tree):
    first = services.create_indicator_set(actor=tree.district_staff, year=YEAR)
    services.save_indicators(actor=tree.district_staff, indicator_set=first, rows=[
        {"code": "only", "name": "唯一", "max_score": 100, "source": "SELF"}])
    copy = services.create_indicator_set(actor=tree.district_staff, year=YEAR + 1, copy_from=first)
    assert list(copy.indicators.values_list("code", flat=True)) == ["only"]
    with pytest.raises(DomainError) as err:
        services.create_indicator_set(actor=tree.district_staff, year=YEAR)
    assert err.value.code == "already_open"


def test_bad_weights_save_nothing(tree):
    s = services.create_indicator_set(actor=tree.district_staff, year=YEAR)
    before = list(s.indicators.values_list("code", "max_score"))
    with pytest.raises(DomainError):
        services.save_indicators(actor=tree.district_staff, indicator_set=s, rows=[
            {"code": "a", "name": "甲", "max_score": 60}, {"code": "b", "name": "乙", "max_score": 39}])
    assert list(s.indicators.values_list("code", "max_score")) == before


# --- starting and prefilling ---------------------------------------------------------------------------------

def test_no_self_assessment_before_the_set_is_published(tree):
    services.create_indicator_set(actor=tree.district_staff, year=YEAR)
    with pytest.raises(DomainError) as err:
        services.start_assessment(actor=tree.union1_chair, enterprise=tree.enterprise1, year=YEAR)
    assert err.value.code == "no_indicator_set"


def test_one_self_assessment_per_enterprise_per_year(ready):
    services.start_assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, year=YEAR)
    with pytest.raises(DomainError) as err:
        services.start_assessment(actor=ready.town1_cadre, enterprise=ready.enterprise1, year=YEAR)
    assert err.value.code == "already_open"
    assert HarmonyAssessment.objects.filter(enterprise=ready.enterprise1).count() == 1


def test_the_database_refuses_a_second_row_of_the_same_year(ready):
    a = services.start_assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, year=YEAR)
    with pytest.raises(IntegrityError), transaction.atomic():
        HarmonyAssessment.objects.create(org=a.org, enterprise=a.enterprise, indicator_set=a.indicator_set,
                                         year=YEAR, due_on=a.due_on)


def test_a_future_year_cannot_be_started(ready):
    published_set(actor=ready.district_staff, year=YEAR + 1)
    with pytest.raises(DomainError) as err:
        services.start_assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, year=YEAR + 1)
    assert err.value.code == "invalid_year"


def test_congress_and_agreement_indicators_are_zero_without_records(ready):
    a = services.start_assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, year=YEAR)
    scores = _scores(a)
    assert scores["congress"].self_score == 0 and scores["agreement"].self_score == 0
    assert str(YEAR) in scores["congress"].record_figure
    assert scores["contracts"].self_score is None


def test_a_congress_held_this_year_gives_full_marks(ready):
    body = congress_testing.congress_body(org=ready.union1, enterprise=ready.enterprise1)
    congress_testing.session(body, planned_on=datetime.date(YEAR, 3, 1), held_on=datetime.date(YEAR, 3, 20),
                             status=SessionStatus.HELD, entitled=30, present=28,
                             report_due_on=datetime.date(YEAR, 3, 31))
    a = services.start_assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, year=YEAR)
    congress = _scores(a)["congress"]
    assert congress.self_score == congress.max_score == 15
    assert f"{YEAR}-03-20" in congress.record_figure


def test_a_congress_only_planned_does_not_count(ready):
    body = congress_testing.congress_body(org=ready.union1, enterprise=ready.enterprise1)
    congress_testing.session(body, planned_on=datetime.date(YEAR, 12, 20))
    a = services.start_assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, year=YEAR)
    assert _scores(a)["congress"].self_score == 0


def test_a_wage_agreement_in_force_gives_full_marks(ready):
    from gonghui.bargaining.models import Stage
    from gonghui.bargaining.testing import negotiation

    negotiation(actor=ready.district_staff, org=ready.union1, enterprise=ready.enterprise1, stage=Stage.EFFECTIVE,
                start=datetime.date(YEAR, 3, 2))
    a = services.start_assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, year=YEAR)
    agreement = _scores(a)["agreement"]
    assert agreement.self_score == agreement.max_score == 10
    assert "2026" in agreement.record_figure


# --- self-scoring and submitting --------------------------------------------------------------------------------

def test_scores_must_be_within_the_maximum_and_auto_ones_cannot_be_typed(ready):
    a = services.start_assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, year=YEAR)
    services.save_self_scores(actor=ready.union1_chair, assessment=a, scores={"contracts": {"score": 15},
                                                                              "congress": {"score": 15}})
    scores = _scores(a)
    assert scores["contracts"].self_score == 15 and scores["congress"].self_score == 0
    for bad in (16, -1, "七", "7.5"):
        with pytest.raises(DomainError) as err:
            services.save_self_scores(actor=ready.union1_chair, assessment=a, scores={"wages": {"score": bad}})
        assert err.value.field == "score_wages"
    with pytest.raises(DomainError) as err:
        services.save_self_scores(actor=ready.union1_chair, assessment=a, scores={"nope": {"score": 1}})
    assert err.value.code == "unknown_indicator"
    assert _scores(a)["wages"].self_score is None


def test_submit_needs_every_score_and_totals_them(ready):
    a = services.start_assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, year=YEAR)
    services.save_self_scores(actor=ready.union1_chair, assessment=a, scores={"contracts": {"score": 15}})
    with pytest.raises(DomainError) as err:
        services.submit_assessment(actor=ready.union1_chair, assessment=a, submitted_on=TODAY)
    assert err.value.code == "scores_missing"
    services.save_self_scores(actor=ready.union1_chair, assessment=a,
                              scores={k: {"score": v} for k, v in SELF_SCORES.items()})
    a = services.submit_assessment(actor=ready.union1_chair, assessment=a, submitted_on=TODAY)
    assert a.status == HarmonyStatus.SUBMITTED and a.self_total == sum(SELF_SCORES.values())
    with pytest.raises(DomainError) as err:
        services.save_self_scores(actor=ready.union1_chair, assessment=a, scores={"contracts": {"score": 1}})
    assert err.value.code == "wrong_stage"


def test_a_future_submission_date_is_refused(ready):
    a = assessment(actor=ready.union1_chair, enterprise=ready.enterprise1)
    with pytest.raises(DomainError) as err:
        services.submit_assessment(actor=ready.union1_chair, assessment=a,
                                   submitted_on=TODAY + datetime.timedelta(days=1))
    assert err.value.code == "date_in_future"


# --- review ------------------------------------------------------------------------------------------------

def test_return_needs_a_reason_and_reopens_the_draft(ready):
    a = assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, status=HarmonyStatus.SUBMITTED)
    with pytest.raises(DomainError) as err:
        services.return_assessment(actor=ready.town1_cadre, assessment=a, reason=" ", returned_on=TODAY)
    assert err.value.field == "reason"
    a = services.return_assessment(actor=ready.town1_cadre, assessment=a, reason="缺少社保证明", returned_on=TODAY)
    assert a.status == HarmonyStatus.RETURNED
    services.save_self_scores(actor=ready.union1_chair, assessment=a, scores={"insurance": {"score": 15}})
    a = services.submit_assessment(actor=ready.union1_chair, assessment=a, submitted_on=TODAY)
    assert a.self_total == sum(SELF_SCORES.values()) + 2


def test_a_returned_self_assessment_is_not_submitted_again_before_it_came_back(ready):
    a = assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, status=HarmonyStatus.RETURNED,
                   reviewer=ready.town1_cadre)
    with pytest.raises(DomainError) as err:
        services.submit_assessment(actor=ready.union1_chair, assessment=a,
                                   submitted_on=a.returned_on - datetime.timedelta(days=1))
    assert (err.value.code, err.value.field) == ("date_order", "submitted_on")
    assert HarmonyAssessment.objects.get(pk=a.pk).status == HarmonyStatus.RETURNED
    a = services.submit_assessment(actor=ready.union1_chair, assessment=a, submitted_on=a.returned_on)
    assert a.status == HarmonyStatus.SUBMITTED and a.submitted_on == a.returned_on


def test_a_changed_review_score_needs_a_note(ready):
    a = assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, status=HarmonyStatus.SUBMITTED)
    with pytest.raises(DomainError) as err:
        services.forward_assessment(actor=ready.town1_cadre, assessment=a, reviewed_on=TODAY,
                                    scores={"wages": {"score": 10}})
    assert err.value.code == "note_required" and err.value.field == "note_wages"
    a = services.forward_assessment(actor=ready.town1_cadre, assessment=a, reviewed_on=TODAY,
                                    scores={"wages": {"score": 10, "note": "有两个月延迟发放"}})
    assert a.status == HarmonyStatus.FORWARDED and a.review_total == a.self_total - 5
    assert _scores(a)["contracts"].review_score == SELF_SCORES["contracts"]


# --- rating at the thresholds ----------------------------------------------------------------------------------

def _forwarded_with_total(tree, total):
    """A forwarded assessment whose reviewed total is exactly `total` (records give 0 here)."""
    a = assessment(actor=tree.union1_chair, enterprise=tree.enterprise1, status=HarmonyStatus.SUBMITTED,
                   scores={"contracts": 15, "wages": 15, "insurance": 15, "safety": 15, "responsibility": 15})
    scores = {"congress": {"score": 15, "note": "会议记录已核实"}, "agreement": {"score": 10, "note": "已核实"}}
    remove = 100 - total
    for code in ("contracts", "wages", "insurance", "safety", "responsibility"):
        cut = min(remove, 15)
        remove -= cut
        if cut:
            scores[code] = {"score": 15 - cut, "note": "核减"}
    return services.forward_assessment(actor=tree.town1_cadre, assessment=a, reviewed_on=TODAY, scores=scores)


@pytest.mark.parametrize(("total", "rating"), [(90, "MODEL"), (89, "PASS"), (75, "PASS"), (74, "FAIL")])
def test_the_district_rates_by_the_thresholds(ready, total, rating):
    a = _forwarded_with_total(ready, total)
    assert a.review_total == total
    a = services.rate_assessment(actor=ready.district_staff, assessment=a, rated_on=TODAY)
    assert (a.status, a.rating, a.threshold_rating) == (HarmonyStatus.RATED, rating, rating)


def test_another_rating_needs_a_reason(ready):
    a = _forwarded_with_total(ready, 92)
    with pytest.raises(DomainError) as err:
        services.rate_assessment(actor=ready.district_staff, assessment=a, rated_on=TODAY, rating="PASS")
    assert err.value.code in ("required", "reason_required") and err.value.field == "reason"
    a = services.rate_assessment(actor=ready.district_staff, assessment=a, rated_on=TODAY, rating="PASS",
                                 reason="年内发生一起劳动争议群体事件")
    assert (a.rating, a.threshold_rating) == ("PASS", "MODEL")


def test_rating_before_the_review_date_is_refused(ready):
    a = _forwarded_with_total(ready, 80)
    with pytest.raises(DomainError) as err:
        services.rate_assessment(actor=ready.district_staff, assessment=a, rated_on=TODAY - datetime.timedelta(days=1))
    assert err.value.code == "date_order"


# --- evidence -------------------------------------------------------------------------------------------------

def test_evidence_is_attached_to_an_indicator_and_removed(ready):
    a = assessment(actor=ready.union1_chair, enterprise=ready.enterprise1)
    e = services.add_evidence(actor=ready.union1_chair, assessment=a, indicator_code="contracts",
                              upload=SimpleUploadedFile("合同台账.pdf", PDF), kind_extension="pdf")
    assert e.name == "合同台账.pdf" and e.file.name.endswith(f"harmony-{a.pk}-contracts.pdf")
    with pytest.raises(DomainError):
        services.add_evidence(actor=ready.union1_chair, assessment=a, indicator_code="nope",
                              upload=SimpleUploadedFile("x.pdf", PDF), kind_extension="pdf")
    services.remove_evidence(actor=ready.union1_chair, evidence=e)
    assert not HarmonyEvidence.objects.exists()


# --- reminders --------------------------------------------------------------------------------------------------

def test_reminders_go_once_per_point(ready):
    a = assessment(actor=ready.union1_chair, enterprise=ready.enterprise1)
    due = a.due_on
    assert services.remind_harmony_submissions(on=due - datetime.timedelta(days=40)) == 0
    first = services.remind_harmony_submissions(on=due - datetime.timedelta(days=20))
    assert first >= 2  # the chair and town1's cadre
    assert services.remind_harmony_submissions(on=due - datetime.timedelta(days=19)) == 0
    assert services.remind_harmony_submissions(on=due - datetime.timedelta(days=5)) == first
    assert services.remind_harmony_submissions(on=due + datetime.timedelta(days=1)) == first
    assert services.remind_harmony_submissions(on=due + datetime.timedelta(days=2)) == 0
    assert Notification.objects.filter(recipient=ready.union1_chair).count() == 3
    services.submit_assessment(actor=ready.union1_chair, assessment=a, submitted_on=days_ago(1))
    assert services.remind_harmony_submissions(on=due + datetime.timedelta(days=40)) == 0


# --- due soon / overdue -----------------------------------------------------------------------------------------

def test_due_summaries_count_what_each_user_must_do(ready, settings):
    from gonghui.core.testing.factories import EnterpriseFactory
    from gonghui.grassroots.selectors.harmony import due_summary, review_due_summary

    late = assessment(actor=ready.union1_chair, enterprise=ready.enterprise1)
    soon = assessment(actor=ready.union1_chair, enterprise=EnterpriseFactory(town=ready.town1, union=ready.union1))
    later = assessment(actor=ready.union1_chair, enterprise=EnterpriseFactory(town=ready.town1, union=ready.union1))
    HarmonyAssessment.objects.filter(pk=late.pk).update(due_on=TODAY - datetime.timedelta(days=1))
    HarmonyAssessment.objects.filter(pk=soon.pk).update(due_on=TODAY)
    HarmonyAssessment.objects.filter(pk=later.pk).update(due_on=TODAY + datetime.timedelta(days=31))
    assessment(actor=ready.union2_chair, enterprise=ready.enterprise2, status=HarmonyStatus.SUBMITTED)
    line = due_summary(ready.union1_chair)
    assert (line.overdue, line.soon) == (1, 1) and line.url.endswith("?due=overdue")
    assert due_summary(ready.town1_cadre).soon == 1
    assert due_summary(ready.union2_chair).overdue + due_summary(ready.union2_chair).soon == 0
    assert due_summary(ready.member_user) is None
    # town2 reviews union2's; the submission is 20 days old: waiting, not yet overdue (30 days)
    waiting = review_due_summary(ready.town2_cadre)
    assert (waiting.overdue, waiting.soon) == (0, 1) and waiting.url.endswith("?due=review")
    assert review_due_summary(ready.town1_cadre).soon == 0
    assert review_due_summary(ready.union1_chair) is None
    settings.GRASSROOTS_HARMONY_RULES = {"review_days": 10}
    assert review_due_summary(ready.town2_cadre).overdue == 1


def test_the_daily_task_runs_the_reminders(ready):
    from gonghui.grassroots.tasks.harmony import remind_harmony_submissions_task

    a = assessment(actor=ready.union1_chair, enterprise=ready.enterprise1)
    HarmonyAssessment.objects.filter(pk=a.pk).update(due_on=TODAY + datetime.timedelta(days=3))
    assert remind_harmony_submissions_task.name == "gonghui.grassroots.tasks.harmony.remind_harmony_submissions_task"
    assert remind_harmony_submissions_task.apply().get() >= 2
    assert remind_harmony_submissions_task.apply().get() == 0


def test_overview_counts_by_status_and_rating(ready):
    from gonghui.grassroots.selectors.harmony import overview

    assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, status=HarmonyStatus.RATED,
               reviewer=ready.town1_cadre, rater=ready.district_staff)
    assessment(actor=ready.union2_chair, enterprise=ready.enterprise2)
    assert overview(ready.district_staff, YEAR)["by_status"] == {"RATED": 1, "DRAFT": 1}
    town1 = overview(ready.town1_cadre, YEAR)
    assert town1["total"] == 1 and sum(town1["by_rating"].values()) == 1
    assert overview(ready.member_user, YEAR)["total"] == 0
