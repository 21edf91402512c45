"""名师带徒 services: terms and periods, the master rules (not one's own master, one active pair
per apprentice and trade), reports in order with due days, the final assessment and the skill
level it changes (at most `max_level_rise` grades), ending early, reminders, due-soon lines."""

import datetime

import pytest

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.notifications import Notification
from gonghui.members.models import Person
from gonghui.training.models.courses import Course
from gonghui.training.models.mentoring import Mentorship, MentorshipAssessment, MentorshipReport, MentorshipStatus
from gonghui.training.selectors import mentoring as selectors
from gonghui.training.services import mentoring as services
from gonghui.training.testing.mentoring import pair, teacher, write_reports

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = datetime.timedelta(days=1)


def refused(code, fn, *args, **kwargs):
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    assert exc.value.code == code, exc.value
    return exc.value


def test_periods_every_three_months_last_cut_at_the_end():
    p = services.periods(D(2025, 1, 31), D(2026, 4, 30))
    assert [x[0] for x in p] == [1, 2, 3, 4, 5, 6]
    assert p[0] == (1, D(2025, 1, 31), D(2025, 4, 29), D(2025, 5, 14))
    assert p[-1][1:3] == (D(2026, 4, 30), D(2026, 4, 30))
    assert len(services.periods(D(2025, 1, 1), D(2025, 12, 31))) == 4


def test_create_with_a_pool_teacher_sets_the_first_due_day_and_is_audited(tree):
    t = teacher(tree)
    start = services.today()
    m = services.create_mentorship(actor=tree.union1_chair, org=tree.union1, apprentice=tree.member().person,
                                   master_teacher=t, trade="数控车工", starts_on=start,
                                   ends_on=services.add_months(start, 24) - DAY, goals="三年内取得中级工",
                                   target_skill_level="LEVEL4")
    assert m.master_person == t.person and m.master_name == t.name and m.town == tree.town1
    assert m.next_report_due_on == services.add_months(start, 3) - DAY + 15 * DAY
    assert AuditEvent.objects.filter(action="training.mentorship_create", object_id=str(m.pk)).exists()


def test_a_person_cannot_be_their_own_master(tree):
    me = tree.member().person
    refused("own_master", pair, tree, apprentice=me, master_person=me)
    refused("own_master", pair, tree, apprentice=me, master_teacher=teacher(tree, person=me))
    assert not Mentorship.objects.exists()


def test_master_is_exactly_one_of_teacher_or_person(tree):
    me = tree.member().person
    refused("two_masters", pair, tree, apprentice=me, master_teacher=teacher(tree), master_person=tree.member().person)
    start = services.today()
    refused("required", services.create_mentorship, actor=tree.district_staff, org=tree.union1, apprentice=me,
            trade="电工", starts_on=start, ends_on=services.add_months(start, 12), goals="x",
            target_skill_level="LEVEL5")


def test_one_active_pair_per_apprentice_and_trade(tree):
    me = tree.member().person
    first = pair(tree, apprentice=me)
    e = refused("already_apprentice", pair, tree, apprentice=me)
    assert me.name in str(e.message)
    pair(tree, apprentice=me, trade="电工")  # another trade is fine
    services.end_mentorship(actor=tree.district_staff, mentorship=first, reason="调岗")
    pair(tree, apprentice=me)  # the first one is over
    assert Mentorship.objects.filter(apprentice=me, status=MentorshipStatus.ACTIVE).count() == 2


@pytest.mark.parametrize("months", [11, 37])
def test_term_is_one_to_three_years(tree, months):
    start = services.today()
    e = refused("bad_term", services.create_mentorship, actor=tree.district_staff, org=tree.union1,
                apprentice=tree.member().person, master_person=tree.member().person, trade="电工", starts_on=start,
                ends_on=services.add_months(start, months) - DAY, goals="x", target_skill_level="LEVEL5")
    assert e.field == "ends_on"


def test_apprentice_must_be_a_live_member_and_target_above_current_level(tree):
    refused("not_a_member", pair, tree, apprentice=tree.member(union=tree.union2).person)
    skilled = tree.member().person
    Person.objects.filter(pk=skilled.pk).update(skill_level="LEVEL4")
    refused("target_not_higher", pair, tree, apprentice=skilled, target="LEVEL4")


def test_only_a_master_apprentice_course_groups_pairs(tree):
    course = Course.objects.create(org=tree.town1, code="C1", title="安全课", programme="SAFETY", mode="INDEPENDENT",
                                   year=2026, capacity=10)
    start = services.today()
    refused("wrong_programme", services.create_mentorship, actor=tree.district_staff, org=tree.union1,
            apprentice=tree.member().person, master_person=tree.member().person, trade="电工", starts_on=start,
            ends_on=services.add_months(start, 12) - DAY, goals="x", target_skill_level="LEVEL5", course=course)


def test_reports_in_order_move_the_due_day_and_flag_late_ones(tree):
    m = pair(tree, months=12)
    p = services.periods(m.starts_on, m.ends_on)
    assert m.next_report_due_on == p[0][3] < services.today()  # overdue
    r = services.submit_report(actor=tree.union1_staff, mentorship=m, content="进步", submitted_on=services.today())
    assert r.period_no == 1 and r.late
    m.refresh_from_db()
    assert m.next_report_due_on == p[1][3]
    m = write_reports(tree, m)
    assert m.reports.count() == 3  # the fourth is not due yet (the term ended yesterday)
    assert m.next_report_due_on == p[3][3]
    services.submit_report(actor=tree.union1_staff, mentorship=m, content="总结")
    refused("all_reported", services.submit_report, actor=tree.union1_staff, mentorship=m, content="多余")


def test_report_cannot_be_written_before_its_period_starts(tree):
    start = services.today() + 10 * DAY
    m = pair(tree, starts_on=start)
    refused("period_not_started", services.submit_report, actor=tree.district_staff, mentorship=m, content="x")
    refused("required", services.submit_report, actor=tree.district_staff, mentorship=m, content="  ")
    assert not MentorshipReport.objects.exists()


def test_assessment_waits_for_the_last_months_and_the_reports_due(tree):
    m = pair(tree, starts_on=services.add_months(services.today(), -6), months=12)
    refused("too_early", services.assess, actor=tree.district_staff, mentorship=m, result="PASS", score=90)
    m = pair(tree, trade="电工")
    refused("reports_missing", services.assess, actor=tree.district_staff, mentorship=m, result="PASS", score=90)
    assert not MentorshipAssessment.objects.exists()


def test_a_pass_raises_the_skill_level_through_the_registry(tree):
    m = write_reports(tree, pair(tree))
    a = services.assess(actor=tree.union1_chair, mentorship=m, result="PASS", score=88, new_skill_level="LEVEL5",
                        assessors="区技能鉴定站")
    person = Person.objects.get(pk=m.apprentice_id)
    assert person.skill_level == "LEVEL5" and a.skill_level_before == "NONE"
    m.refresh_from_db()
    assert m.status == MentorshipStatus.COMPLETED and m.next_report_due_on is None
    assert AuditEvent.objects.filter(action="members.person.skill_level", object_id=str(person.pk)).exists()
    assert AuditEvent.objects.filter(action="training.mentorship_assess", object_id=str(m.pk)).exists()
    refused("wrong_stage", services.assess, actor=tree.union1_chair, mentorship=m, result="PASS", score=90)


def test_the_level_rises_by_at_most_one_grade_and_nothing_is_saved_when_refused(tree):
    m = write_reports(tree, pair(tree))
    e = refused("level_rise_too_big", services.assess, actor=tree.district_staff, mentorship=m, result="PASS",
                score=95, new_skill_level="LEVEL4")
    assert e.field == "new_skill_level"
    assert Person.objects.get(pk=m.apprentice_id).skill_level == "NONE"
    assert not MentorshipAssessment.objects.exists()
    assert Mentorship.objects.get(pk=m.pk).status == MentorshipStatus.ACTIVE


def test_rules_may_allow_two_grades(tree, settings):
    settings.TRAINING_MENTORING_RULES = {"max_level_rise": 2}
    m = write_reports(tree, pair(tree))
    services.assess(actor=tree.district_staff, mentorship=m, result="PASS", score=95, new_skill_level="LEVEL4")
    assert Person.objects.get(pk=m.apprentice_id).skill_level == "LEVEL4"


def test_score_and_result_must_agree_and_a_fail_changes_no_level(tree):
    m = write_reports(tree, pair(tree))
    refused("score_below_pass", services.assess, actor=tree.district_staff, mentorship=m, result="PASS", score=59)
    refused("score_is_pass", services.assess, actor=tree.district_staff, mentorship=m, result="FAIL", score=60)
    refused("bad_score", services.assess, actor=tree.district_staff, mentorship=m, result="FAIL", score="abc")
    refused("bad_score", services.assess, actor=tree.district_staff, mentorship=m, result="FAIL", score=101)
    refused("level_without_pass", services.assess, actor=tree.district_staff, mentorship=m, result="FAIL",
            score=40, new_skill_level="LEVEL5")
    refused("date_in_future", services.assess, actor=tree.district_staff, mentorship=m, result="FAIL", score=40,
            assessed_on=services.today() + DAY)
    services.assess(actor=tree.district_staff, mentorship=m, result="FAIL", score=40)
    assert Person.objects.get(pk=m.apprentice_id).skill_level == "NONE"
    assert Mentorship.objects.get(pk=m.pk).status == MentorshipStatus.COMPLETED


def test_end_early(tree):
    m = pair(tree)
    refused("date_order", services.end_mentorship, actor=tree.district_staff, mentorship=m, reason="离职",
            ended_on=m.starts_on - DAY)
    refused("required", services.end_mentorship, actor=tree.district_staff, mentorship=m, reason=" ")
    services.end_mentorship(actor=tree.district_staff, mentorship=m, reason="离职")
    m.refresh_from_db()
    assert m.status == MentorshipStatus.ENDED and m.next_report_due_on is None and m.ended_on == services.today()
    refused("wrong_stage", services.submit_report, actor=tree.district_staff, mentorship=m, content="x")


def test_reminders_once_per_report_period(tree):
    pair(tree)  # overdue report
    pair(tree, starts_on=services.today())  # first report due in about 3 months: not yet
    sent = services.remind_due_reports()
    assert sent >= 1
    assert Notification.objects.filter(recipient=tree.union1_chair, key__startswith="training.mentorship_report")\
        .count() == 1
    assert services.remind_due_reports() == 0
    # The town's cadres are told too; another town's are not; the link is the pair's page.
    mine = Notification.objects.filter(recipient=tree.town1_cadre, key__startswith="training.mentorship_report")
    assert mine.count() == 1 and mine.get().url.startswith("/training/mentorships/")
    assert not Notification.objects.filter(recipient=tree.town2_cadre).exists()


def test_due_lines_and_overview_card_count_in_scope(tree):
    pair(tree)  # union1: report overdue, term over → assessment overdue
    pair(tree, union=tree.union2)
    reports = selectors.due_reports_summary(tree.town1_cadre)
    assert (reports.overdue, reports.soon) == (1, 0)
    assess = selectors.due_assessments_summary(tree.district_staff)
    assert assess.overdue == 2
    assert selectors.due_reports_summary(tree.member_user) is None
    card = selectors.overview_card(tree.town2_cadre)
    assert card.rows[0].value == 1 and card.rows[1].alert


def test_a_union_cannot_raise_the_level_of_an_apprentice_who_moved_away(tree):
    from gonghui.core.testing.factories import MembershipFactory
    from gonghui.members.models import Membership

    m = write_reports(tree, pair(tree))
    Membership.objects.filter(person_id=m.apprentice_id).update(status="TRANSFERRED_OUT", ended_on=services.today())
    MembershipFactory(person=m.apprentice, union=tree.union2)
    refused("level_out_of_scope", services.assess, actor=tree.union1_chair, mentorship=m, result="PASS", score=80,
            new_skill_level="LEVEL5")
    assert Person.objects.get(pk=m.apprentice_id).skill_level == "NONE" and not MentorshipAssessment.objects.exists()
    # without a level change the union still records its assessment
    services.assess(actor=tree.union1_chair, mentorship=m, result="PASS", score=80)
    assert Mentorship.objects.get(pk=m.pk).status == MentorshipStatus.COMPLETED
