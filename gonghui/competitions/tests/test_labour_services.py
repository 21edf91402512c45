"""Labour competitions (五比五赛) through the services: the weighted criteria (sum 100%), teams,
rounds by named judges, the weighted totals and ranks, the leaderboard, evidence, awards into the
honour registry, and the audit trail."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.competitions.models.labour import (
    CompetitionAward,
    CompetitionCriterion,
    CompetitionStatus,
    RoundResult,
    RoundStatus,
)
from gonghui.competitions.selectors import labour as selectors
from gonghui.competitions.services import labour as services
from gonghui.competitions.testing.labour import competition, finished, fresh, running, score_all, team
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.honours.models import HonourRecord

pytestmark = pytest.mark.django_db
C = services.CriterionInput
PDF = b"%PDF-1.4\n%test\n"


def _err(fn, code, **kwargs):
    with pytest.raises(DomainError) as exc:
        fn(**kwargs)
    assert exc.value.code == code, exc.value.text
    return exc.value


# --- weights --------------------------------------------------------------------------------------

def test_default_criteria_are_the_five_comparisons_at_20_percent(tree):
    c = competition(tree)
    rows = list(c.criteria.order_by("order"))
    assert [r.code for r in rows] == ["QUALITY", "SAFETY", "EFFICIENCY", "INNOVATION", "CONDUCT"]
    assert sum(r.weight for r in rows) == 100


@pytest.mark.parametrize("weights, code", [
    (["30", "30", "30"], "weights_not_100"),
    (["50", "50.01"], "weights_not_100"),
    (["0", "100"], "invalid_weight"),
    (["-10", "110"], "invalid_weight"),
    (["abc", "100"], "invalid_weight"),
    (["33.333", "66.667"], "invalid_weight"),
])
def test_weights_must_sum_to_exactly_100(tree, weights, code):
    c = competition(tree)
    before = list(c.criteria.values_list("code", "weight"))
    criteria = [C(code=f"C{n}", name=f"标准{n}", weight=w) for n, w in enumerate(weights)]
    err = _err(services.set_criteria, code, actor=tree.district_staff, competition=c, criteria=criteria)
    assert err.field == "criteria"
    assert list(c.criteria.values_list("code", "weight")) == before  # nothing partial


def test_weights_summing_to_100_with_decimals_are_saved(tree):
    c = competition(tree)
    services.set_criteria(actor=tree.district_staff, competition=c, criteria=[
        C("QUALITY", "比质量", "33.33"), C("SAFETY", "比安全", "33.33"), C("SPEED", "比高效", "33.34")])
    assert CompetitionCriterion.objects.filter(competition=c).count() == 3
    _err(services.set_criteria, "duplicate_code", actor=tree.district_staff, competition=c,
         criteria=[C("A", "甲", 50), C("a", "乙", 50)])
    _err(services.set_criteria, "no_criteria", actor=tree.district_staff, competition=c, criteria=[])


def test_criteria_are_fixed_once_started(tree):
    c = running(tree)
    _err(services.set_criteria, "wrong_stage", actor=tree.district_staff, competition=c,
         criteria=[C("A", "甲", 100)])


# --- teams and lifecycle ------------------------------------------------------------------------------

def test_a_team_must_belong_to_the_organiser(tree):
    c = competition(tree, org=tree.town1, actor=tree.town1_cadre, teams=[(tree.union1, "甲"), (tree.union1b, "乙")])
    _err(services.add_team, "outside_organiser", actor=tree.town1_cadre, competition=c, org=tree.union2, name="丙")
    _err(services.add_team, "already_exists", actor=tree.town1_cadre, competition=c, org=tree.union1, name="甲")


def test_start_needs_two_teams(tree):
    c = competition(tree, teams=[(tree.union1, "甲")])
    _err(services.start_competition, "too_few_teams", actor=tree.district_staff, competition=c)
    services.add_team(actor=tree.district_staff, competition=c, org=tree.union2, name="丙")
    services.start_competition(actor=tree.district_staff, competition=c)
    assert fresh(c).status == CompetitionStatus.RUNNING


def test_dates_are_checked(tree):
    _err(services.create_competition, "date_order", actor=tree.district_staff, org=tree.district, name="x",
         year=2026, starts_on=datetime.date(2026, 5, 1), ends_on=datetime.date(2026, 4, 1))
    _err(services.create_competition, "required", actor=tree.district_staff, org=tree.district, name=" ",
         year=2026, starts_on=datetime.date(2026, 5, 1), ends_on=datetime.date(2026, 6, 1))


# --- rounds, scores, ranking --------------------------------------------------------------------------

def _open(tree, c, **kwargs):
    values = {"label": "2026年1月", "period_starts_on": datetime.date(2026, 1, 1),
              "period_ends_on": datetime.date(2026, 1, 31), "judges": ["王评委", "李评委"], **kwargs}
    return services.open_round(actor=tree.district_staff, competition=c, **values)


def test_round_needs_named_judges_and_a_period_inside_the_competition(tree):
    c = running(tree)
    _err(_open, "required", tree=tree, c=c, judges=["", " "])
    _err(_open, "duplicate_judge", tree=tree, c=c, judges=["王评委", "王评委"])
    _err(_open, "outside_competition", tree=tree, c=c, period_starts_on=datetime.date(2025, 12, 1))
    _open(tree, c)
    _err(_open, "round_open", tree=tree, c=c)


def test_scores_are_validated(tree):
    c = running(tree)
    rnd = _open(tree, c)
    t = team(c, "甲企业项目部")
    record = services.record_scores
    _err(record, "unknown_judge", actor=tree.district_staff, round=rnd, judge="张三", scores={t.pk: {"QUALITY": 90}})
    _err(record, "invalid_score", actor=tree.district_staff, round=rnd, judge="王评委",
         scores={t.pk: {"QUALITY": 101}})
    _err(record, "invalid_score", actor=tree.district_staff, round=rnd, judge="王评委",
         scores={t.pk: {"QUALITY": "9.555"}})
    _err(record, "unknown_criterion", actor=tree.district_staff, round=rnd, judge="王评委",
         scores={t.pk: {"NOPE": 9}})
    _err(record, "unknown_team", actor=tree.district_staff, round=rnd, judge="王评委", scores={999999: {"QUALITY": 9}})
    assert not rnd.scores.exists()


def test_closing_needs_every_score_then_ranks_by_weighted_total(tree):
    c = running(tree)
    rnd = _open(tree, c)
    a, b, d = team(c, "甲企业项目部"), team(c, "乙企业一标段"), team(c, "丙企业车间")
    services.record_scores(actor=tree.district_staff, round=rnd, judge="王评委",
                           scores={a.pk: {"QUALITY": 90, "SAFETY": 80, "EFFICIENCY": 70, "INNOVATION": 60,
                                          "CONDUCT": 100}})
    err = _err(services.close_round, "scores_missing", actor=tree.district_staff, round=rnd)
    assert "25" in err.text  # 3 teams × 5 criteria × 2 judges − 5
    score_all(tree.district_staff, rnd, {"乙企业一标段": 80, "丙企业车间": 80})
    services.record_scores(actor=tree.district_staff, round=rnd, judge="李评委",
                           scores={a.pk: {"QUALITY": 70, "SAFETY": 80, "EFFICIENCY": 70, "INNOVATION": 60,
                                          "CONDUCT": 100}})
    services.close_round(actor=tree.district_staff, round=rnd, closed_on=datetime.date(2026, 1, 31))
    results = {r.team_id: (r.total, r.rank) for r in RoundResult.objects.filter(round=rnd)}
    # 甲: means 80, 80, 70, 60, 100 → 78; 乙 and 丙 tie at 80 and share rank 1; 甲 is third.
    assert results[a.pk] == (Decimal("78.00"), 3)
    assert results[b.pk] == (Decimal("80.00"), 1) and results[d.pk] == (Decimal("80.00"), 1)
    assert fresh(c).rounds.get().status == RoundStatus.CLOSED


def test_weights_change_the_ranking(tree):
    c = competition(tree, teams=[(tree.union1, "甲"), (tree.union2, "丙")])
    services.set_criteria(actor=tree.district_staff, competition=c,
                          criteria=[C("QUALITY", "比质量", 70), C("SAFETY", "比安全", 30)])
    services.start_competition(actor=tree.district_staff, competition=c)
    rnd = _open(tree, c)
    score_all(tree.district_staff, rnd, {"甲": {"QUALITY": 100, "SAFETY": 50}, "丙": {"QUALITY": 60, "SAFETY": 100}})
    services.close_round(actor=tree.district_staff, round=rnd)
    totals = {r.team.name: (r.total, r.rank) for r in RoundResult.objects.select_related("team")}
    assert totals == {"甲": (Decimal("85.00"), 1), "丙": (Decimal("72.00"), 2)}


def test_rank_helper_shares_ranks_and_orders_ties_by_name():
    ranked = selectors.rank({1: Decimal(90), 2: Decimal(95), 3: Decimal(90), 4: Decimal(80)},
                            {1: "乙", 2: "甲", 3: "丙", 4: "丁"})
    # 乙 (1) and 丙 (3) tie at 90: both second, listed by name (丙 before 乙 in code-point order).
    assert [(t, n) for t, _total, n in ranked] == sorted(
        [(2, 1), (1, 2), (3, 2), (4, 4)], key=lambda x: (x[1], {1: "乙", 2: "甲", 3: "丙", 4: "丁"}[x[0]]))
    assert [n for _t, _total, n in ranked] == [1, 2, 2, 4]


def test_leaderboard_ranks_the_mean_of_closed_rounds_and_shows_the_open_round(tree):
    c = running(tree, rounds=({"甲企业项目部": 90, "乙企业一标段": 70, "丙企业车间": 80},
                              {"甲企业项目部": 60, "乙企业一标段": 90, "丙企业车间": 80}))
    rnd = services.open_round(actor=tree.district_staff, competition=c, label="2026年3月",
                              period_starts_on=datetime.date(2026, 3, 1), period_ends_on=datetime.date(2026, 3, 31),
                              judges=["王评委"])
    t = team(c, "乙企业一标段")
    services.record_scores(actor=tree.district_staff, round=rnd, judge="王评委", scores={t.pk: {"QUALITY": 100}})
    board = selectors.leaderboard(selectors.competition_detail(c))
    assert [(b.team.name, b.mean, b.rank) for b in board] == [
        ("乙企业一标段", Decimal("80.00"), 1), ("丙企业车间", Decimal("80.00"), 1),
        ("甲企业项目部", Decimal("75.00"), 3)]
    assert board[0].totals == [Decimal("70.00"), Decimal("90.00")]
    assert board[0].provisional == Decimal("20.00")  # 100 × 20% so far
    chart = selectors.history_chart(selectors.competition_detail(c), board)
    assert chart["xAxis"]["data"] == ["2026年1月", "2026年2月"] and len(chart["series"]) == 3


# --- evidence, finish, awards ----------------------------------------------------------------------------

def test_the_team_uploads_evidence_and_a_renamed_file_is_refused(tree):
    c = running(tree)
    t = team(c, "甲企业项目部")
    e = services.add_evidence(actor=tree.union1_chair, team=t, upload=SimpleUploadedFile("质量.pdf", PDF))
    assert e.kind == "pdf" and e.name == "质量.pdf"
    _err(services.add_evidence, "wrong_type", actor=tree.union1_chair, team=t,
         upload=SimpleUploadedFile("x.pdf", b"MZ not a pdf"))
    services.remove_evidence(actor=tree.union1_chair, evidence=e)
    assert not t.evidence.exists()


def test_finish_needs_a_closed_round_and_no_open_one(tree):
    c = running(tree)
    _err(services.finish_competition, "no_results", actor=tree.district_staff, competition=c)
    c = running(tree, name="第二届", rounds=({"甲企业项目部": 90, "乙企业一标段": 80, "丙企业车间": 70},))
    _open(tree, c, period_starts_on=datetime.date(2026, 2, 1), period_ends_on=datetime.date(2026, 2, 28))
    _err(services.finish_competition, "round_open", actor=tree.district_staff, competition=c)


def test_awards_go_into_the_honour_registry(tree):
    c = finished(tree)
    t = team(c, "甲企业项目部")
    person = tree.member(union=tree.union1).person
    on = datetime.date(2026, 11, 30)
    award = services.confer_award(actor=tree.district_staff, competition=c, kind="TEAM", team=t,
                                  title="立功竞赛先进集体", conferred_on=on)
    record = HonourRecord.objects.get(source_key=f"competitions.CompetitionAward:{award.pk}")
    assert record.category == "COMPETITION" and record.level == "DISTRICT" and record.team_name == "甲企业项目部"
    assert record.org == tree.union1 and award.honour_id == record.pk
    one = services.confer_award(actor=tree.district_staff, competition=c, kind="INDIVIDUAL", team=t,
                                title="一等功", person=person, conferred_on=on)
    assert HonourRecord.objects.get(pk=one.honour_id).person == person
    _err(services.confer_award, "already_awarded", actor=tree.district_staff, competition=c, kind="TEAM", team=t,
         title="又一次", conferred_on=on)
    _err(services.confer_award, "already_awarded", actor=tree.district_staff, competition=c, kind="INDIVIDUAL",
         team=t, title="二等功", person=person, conferred_on=on)
    outsider = tree.member(union=tree.union2).person
    _err(services.confer_award, "not_in_team", actor=tree.district_staff, competition=c, kind="INDIVIDUAL",
         team=t, title="三等功", person=outsider, conferred_on=on)
    assert CompetitionAward.objects.count() == 2 and HonourRecord.objects.count() == 2


def test_awards_only_once_finished(tree):
    c = running(tree)
    _err(services.confer_award, "wrong_stage", actor=tree.district_staff, competition=c, kind="TEAM",
         team=team(c, "甲企业项目部"), title="x")


def test_every_step_is_audited(tree):
    c = finished(tree)
    services.confer_award(actor=tree.district_staff, competition=c, kind="TEAM", team=team(c, "丙企业车间"),
                          title="立功竞赛先进集体", conferred_on=datetime.date(2026, 11, 30))
    codes = set(AuditEvent.objects.filter(object_type="competitions.LabourCompetition", object_id=str(c.pk))
                .values_list("action", flat=True))
    assert {"competitions.labour_create", "competitions.labour_team_add", "competitions.labour_start",
            "competitions.labour_round_open", "competitions.labour_scores", "competitions.labour_round_close",
            "competitions.labour_finish", "competitions.labour_award"} <= codes


def test_cancel_needs_a_reason(tree):
    c = running(tree)
    _err(services.cancel_competition, "required", actor=tree.district_staff, competition=c, reason=" ")
    services.cancel_competition(actor=tree.district_staff, competition=c, reason="工程停工")
    assert fresh(c).status == CompetitionStatus.CANCELLED


def test_a_person_who_left_the_union_is_not_awarded(tree):
    c = finished(tree)
    membership = tree.member(union=tree.union1)
    membership.status, membership.ended_on = "LEFT", datetime.date(2026, 10, 1)
    membership.save(update_fields=["status", "ended_on"])
    _err(services.confer_award, "not_in_team", actor=tree.district_staff, competition=c, kind="INDIVIDUAL",
         team=team(c, "甲企业项目部"), title="一等功", person=membership.person,
         conferred_on=datetime.date(2026, 11, 30))
    assert not CompetitionAward.objects.exists()


def test_a_round_closes_on_or_after_its_period_starts(tree):
    c = running(tree)
    rnd = _open(tree, c, period_starts_on=datetime.date(2026, 2, 1), period_ends_on=datetime.date(2026, 2, 28))
    score_all(tree.district_staff, rnd, {"甲企业项目部": 90, "乙企业一标段": 80, "丙企业车间": 70})
    _err(services.close_round, "date_order", actor=tree.district_staff, round=rnd,
         closed_on=datetime.date(2026, 1, 31))
    assert fresh(c).rounds.get().status == RoundStatus.OPEN and not RoundResult.objects.exists()


def test_a_second_click_does_not_create_the_competition_twice(tree):
    kwargs = {"actor": tree.district_staff, "org": tree.district, "name": "G20场馆建设五比五赛", "year": 2026,
              "starts_on": datetime.date(2026, 1, 1), "ends_on": datetime.date(2026, 12, 31)}
    services.create_competition(**kwargs)
    _err(services.create_competition, "already_exists", **kwargs)
    services.create_competition(**{**kwargs, "year": 2027, "starts_on": datetime.date(2027, 1, 1),
                                   "ends_on": datetime.date(2027, 12, 31)})


def test_the_next_round_is_the_next_calendar_month_or_quarter(tree):
    from types import SimpleNamespace as NS

    c = NS(starts_on=datetime.date(2026, 11, 15), ends_on=datetime.date(2027, 2, 10), period="MONTHLY")
    label, start, end = selectors.next_period(c)
    assert (start, end) == (datetime.date(2026, 11, 15), datetime.date(2026, 11, 30))
    after_december = NS(period_ends_on=datetime.date(2026, 12, 31))
    assert selectors.next_period(c, after_december)[1:] == (datetime.date(2027, 1, 1), datetime.date(2027, 1, 31))
    last = NS(period_ends_on=datetime.date(2027, 1, 31))
    assert selectors.next_period(c, last)[1:] == (datetime.date(2027, 2, 1), datetime.date(2027, 2, 10))
    assert selectors.next_period(c, NS(period_ends_on=datetime.date(2027, 2, 10))) is None
    c.period = "QUARTERLY"
    assert selectors.next_period(c)[1:] == (datetime.date(2026, 11, 15), datetime.date(2026, 12, 31))
    assert selectors.next_period(c, after_december)[1:] == (datetime.date(2027, 1, 1), datetime.date(2027, 2, 10))
