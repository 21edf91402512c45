"""The statutory timeline on the Chinese working-day calendar.

Every expected date below was worked out by hand from the State Council's 2026 arrangement (as
`chinese_calendar` 1.11 carries it), not by calling the code under test:

- Spring Festival 2026: holidays Sun 15 Feb – Mon 23 Feb; make-up working days Sat 14 Feb and
  Sat 28 Feb.
- Mid-autumn 2026: holidays Fri 25 – Sun 27 Sep. National Day 2026: holidays Thu 1 – Wed 7 Oct;
  make-up working days Sun 20 Sep and Sat 10 Oct.
- 2027 has no data in the library (and none in the override table unless a test adds it).
"""

import datetime
from decimal import Decimal

import chinese_calendar
import pytest

from gonghui.bargaining import services, timeline
from gonghui.bargaining.models import Side, VotingBody, WageAgreement
from gonghui.bargaining.services import CoveredEnterprise, Offer, VoteInput
from gonghui.bargaining.testing import representatives
from gonghui.bargaining.timeline import StepCode, StepState
from gonghui.core import workdays
from gonghui.core.models import WorkdayOverride

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_overrides():
    """The override table is cached process-wide; rolled-back rows must not leak."""
    workdays.forget_overrides()
    yield
    workdays.forget_overrides()


def test_calendar_facts_the_expectations_rely_on():
    """If the library's data ever changes, these tests must be re-derived by hand."""
    assert chinese_calendar.is_workday(D(2026, 2, 14))  # make-up Saturday
    assert chinese_calendar.is_workday(D(2026, 2, 28))  # make-up Saturday
    assert [chinese_calendar.is_holiday(D(2026, 2, d)) for d in range(15, 24)] == [True] * 9
    assert chinese_calendar.get_holiday_detail(D(2026, 2, 17)) == (True, "Spring Festival")
    assert chinese_calendar.is_workday(D(2026, 9, 20))  # make-up Sunday
    assert chinese_calendar.is_workday(D(2026, 10, 10))  # make-up Saturday
    assert [chinese_calendar.is_holiday(D(2026, 10, d)) for d in range(1, 8)] == [True] * 7
    assert chinese_calendar.get_holiday_detail(D(2026, 10, 1)) == (True, "National Day")
    assert chinese_calendar.is_holiday(D(2026, 9, 25))  # Mid-autumn Friday
    assert not workdays.year_is_known(2027)


def _start(tree, *, received, offered_by=Side.UNION):
    offer = Offer(kind="SINGLE", title="2026年工资专项集体合同", employer_party=tree.enterprise1.name,
                  offered_by=offered_by, offered_on=received, offer_received_on=received,
                  coverage=[CoveredEnterprise(tree.enterprise1, 50)])
    return services.start_negotiation(actor=tree.union1_chair, org=tree.union1, offer=offer)


def _reload(agreement):
    return WageAgreement.objects.get(pk=agreement.pk)


def _steps(agreement, on):
    return {s.code: s for s in timeline.steps(_reload(agreement), on=on)}


def _to_talks(tree, agreement, *, round_on, data_on=None):
    actor = tree.union1_chair
    services.set_representatives(actor=actor, agreement=agreement, representatives=representatives(),
                                 recorder_name="记录员")
    if data_on:
        services.record_data_exchange(actor=actor, agreement=agreement, provided_on=data_on)
    services.record_round(actor=actor, agreement=agreement, held_on=round_on, minutes="第一轮")
    services.update_terms(actor=actor, agreement=agreement, wage_system="岗位绩效工资制",
                          avg_increase_pct=Decimal("5.00"))


# --- Spring Festival ----------------------------------------------------------------------------

@pytest.fixture
def spring(tree):
    """Offer received Wed 21 Jan 2026, replied Tue 10 Feb, first meeting planned Thu 26 Feb."""
    agreement = _start(tree, received=D(2026, 1, 21))
    services.record_reply(actor=tree.union1_chair, agreement=agreement, replied_on=D(2026, 2, 10),
                          first_meeting_on=D(2026, 2, 26))
    return _reload(agreement)


def test_reply_due_twenty_calendar_days_after_receipt(tree):
    agreement = _start(tree, received=D(2026, 1, 21))
    steps = _steps(agreement, D(2026, 1, 22))
    assert steps[StepCode.REPLY].due_on == D(2026, 2, 10)  # 21 Jan + 20 calendar days
    assert steps[StepCode.REPLY].state == StepState.WAITING
    assert steps[StepCode.OFFER].state == StepState.DONE
    # Calendar days, even when the 20th day is a holiday: received 28 Jan → due 17 Feb.
    agreement2 = WageAgreement(offered_on=D(2026, 1, 28), offer_received_on=D(2026, 1, 28))
    assert timeline.due_dates(agreement2)[StepCode.REPLY] == (D(2026, 2, 17), False)


def test_talks_due_ten_working_days_across_spring_festival(spring):
    # After Tue 10 Feb: 11, 12, 13, Sat 14 (make-up), [15–23 holiday], 24, 25, 26, 27,
    # Sat 28 (make-up), [Sun 1 Mar], Mon 2 Mar = the 10th working day.
    # (Monday–Friday counting would give Tue 24 Feb.)
    talks = _steps(spring, D(2026, 2, 11))[StepCode.TALKS]
    assert talks.due_on == D(2026, 3, 2)
    assert not talks.provisional
    assert talks.rule_n == 10


def test_data_due_five_working_days_before_meeting_across_spring_festival(spring):
    # Before Thu 26 Feb: 25, 24, [23–15 holiday], Sat 14 (make-up), 13, 12 = the 5th.
    assert _steps(spring, D(2026, 2, 11))[StepCode.DATA].due_on == D(2026, 2, 12)


def test_due_soon_counts_the_make_up_saturday(spring):
    # Talks due Mon 2 Mar; "soon" = within 3 working days of today.
    # On Wed 25 Feb: 26, 27, Sat 28 → the limit is 28 Feb, 2 Mar is not yet soon.
    assert _steps(spring, D(2026, 2, 25))[StepCode.TALKS].state == StepState.WAITING
    # On Thu 26 Feb: 27, Sat 28, Mon 2 Mar → due soon.
    assert _steps(spring, D(2026, 2, 26))[StepCode.TALKS].state == StepState.DUE_SOON
    assert _steps(spring, D(2026, 3, 2))[StepCode.TALKS].state == StepState.DUE_SOON  # the day itself
    assert _steps(spring, D(2026, 3, 3))[StepCode.TALKS].state == StepState.OVERDUE


def test_due_soon_is_working_days_not_calendar_days(spring):
    # Data due Thu 12 Feb. On Fri 6 Feb, 3 working days reach Wed 11 Feb: waiting.
    assert _steps(spring, D(2026, 2, 6))[StepCode.DATA].state == StepState.WAITING
    # On Mon 9 Feb: 10, 11, 12 → due soon.
    assert _steps(spring, D(2026, 2, 9))[StepCode.DATA].state == StepState.DUE_SOON
    assert _steps(spring, D(2026, 2, 13))[StepCode.DATA].state == StepState.OVERDUE


def test_done_and_done_late(tree, spring):
    _to_talks(tree, spring, data_on=D(2026, 2, 13), round_on=D(2026, 3, 2))
    steps = _steps(spring, D(2026, 11, 30))
    data, talks, reply = steps[StepCode.DATA], steps[StepCode.TALKS], steps[StepCode.REPLY]
    assert data.state == StepState.DONE and data.done_on == D(2026, 2, 13) and data.done_late
    assert talks.state == StepState.DONE and talks.done_on == D(2026, 3, 2) and not talks.done_late
    assert reply.state == StepState.DONE and reply.done_on == D(2026, 2, 10) and not reply.done_late


def test_talks_begun_one_day_late_is_done_late(tree, spring):
    _to_talks(tree, spring, data_on=D(2026, 2, 12), round_on=D(2026, 3, 3))
    steps = _steps(spring, D(2026, 11, 30))
    assert steps[StepCode.TALKS].done_late
    assert not steps[StepCode.DATA].done_late


def test_next_due_is_the_earliest_open_step(spring):
    assert timeline.next_due(spring, on=D(2026, 2, 11)) == (StepCode.DATA, D(2026, 2, 12))
    # Stored on the row by the service that recorded the reply.
    assert (spring.next_step, spring.next_due_on) == (StepCode.DATA, D(2026, 2, 12))


def test_next_due_includes_overdue_steps(spring):
    assert timeline.next_due(spring, on=D(2026, 3, 20)) == (StepCode.DATA, D(2026, 2, 12))


def test_next_due_skips_data_once_talks_began(tree, spring):
    _to_talks(tree, spring, round_on=D(2026, 3, 2))  # the data was never provided
    spring = _reload(spring)
    steps = _steps(spring, D(2026, 3, 20))
    assert steps[StepCode.DATA].state == StepState.OVERDUE  # still shown as missed
    assert timeline.next_due(spring, on=D(2026, 3, 20)) == ("", None)
    assert (spring.next_step, spring.next_due_on) == ("", None)


def test_cancelled_has_no_next_due(tree, spring):
    services.cancel_negotiation(actor=tree.union1_chair, agreement=spring, reason="企业停产")
    spring = _reload(spring)
    assert timeline.next_due(spring, on=D(2026, 2, 11)) == ("", None)
    assert (spring.next_step, spring.next_due_on) == ("", None)
    steps = _steps(spring, D(2026, 2, 11))
    assert steps[StepCode.DATA].state == StepState.SKIPPED
    assert steps[StepCode.TALKS].state == StepState.SKIPPED
    assert steps[StepCode.REPLY].state == StepState.DONE


# --- overrides and years without data -----------------------------------------------------------

def test_override_table_changes_a_due_date(spring):
    assert timeline.due_dates(spring)[StepCode.TALKS][0] == D(2026, 3, 2)
    # A district decision makes Fri 27 Feb a day off: one working day fewer before 2 Mar.
    WorkdayOverride.objects.create(day=D(2026, 2, 27), is_working_day=False, note="test")
    # Cached until told.
    assert timeline.due_dates(spring)[StepCode.TALKS][0] == D(2026, 3, 2)
    workdays.forget_overrides()
    assert timeline.due_dates(spring)[StepCode.TALKS][0] == D(2026, 3, 3)
    # And an override that makes the make-up Saturday a day off moves it again.
    WorkdayOverride.objects.create(day=D(2026, 2, 14), is_working_day=False, note="test")
    workdays.forget_overrides()
    assert timeline.due_dates(spring)[StepCode.TALKS][0] == D(2026, 3, 4)


def test_override_making_a_sunday_a_working_day(spring):
    WorkdayOverride.objects.create(day=D(2026, 3, 1), is_working_day=True, note="test")
    workdays.forget_overrides()
    assert timeline.due_dates(spring)[StepCode.TALKS][0] == D(2026, 3, 1)


def test_talks_due_in_2027_is_provisional():
    # Reply Thu 24 Dec 2026: 25, 28, 29, 30, 31 Dec (2026 data), then the Monday–Friday estimate
    # for 2027: Fri 1 Jan, 4, 5, 6, 7 Jan = the 10th.
    agreement = WageAgreement(offered_on=D(2026, 12, 1), offer_received_on=D(2026, 12, 1),
                              replied_on=D(2026, 12, 24))
    assert timeline.due_dates(agreement)[StepCode.TALKS] == (D(2027, 1, 7), True)
    # Due in 2026: not provisional.
    agreement.replied_on = D(2026, 12, 10)
    assert timeline.due_dates(agreement)[StepCode.TALKS] == (D(2026, 12, 24), False)


def test_data_due_before_a_2027_meeting_is_provisional_until_2027_has_data(tree):
    agreement = _start(tree, received=D(2026, 11, 20))
    services.record_reply(actor=tree.union1_chair, agreement=agreement, replied_on=D(2026, 11, 27),
                          first_meeting_on=D(2027, 1, 8))
    # Before Fri 8 Jan 2027 on the Monday–Friday estimate: 7, 6, 5, 4, Fri 1 Jan.
    data = _steps(agreement, D(2026, 11, 30))[StepCode.DATA]
    assert (data.due_on, data.provisional) == (D(2027, 1, 1), True)
    # The district enters New Year's Day 2027: the year is known and the date moves.
    WorkdayOverride.objects.create(day=D(2027, 1, 1), is_working_day=False, note="元旦")
    workdays.forget_overrides()
    data = _steps(agreement, D(2026, 11, 30))[StepCode.DATA]
    assert (data.due_on, data.provisional) == (D(2026, 12, 31), False)


# --- National Day, and the steps after the talks -------------------------------------------------

@pytest.fixture
def national(tree):
    """Offer received Fri 4 Sep 2026, replied Thu 24 Sep, first meeting Tue 13 Oct, then carried
    to publication."""
    actor = tree.union1_chair
    agreement = _start(tree, received=D(2026, 9, 4))
    services.record_reply(actor=actor, agreement=agreement, replied_on=D(2026, 9, 24),
                          first_meeting_on=D(2026, 10, 13))
    return _reload(agreement)


def test_national_day_due_dates(national):
    steps = _steps(national, D(2026, 9, 25))
    assert steps[StepCode.REPLY].due_on == D(2026, 9, 24)  # 4 Sep + 20 days
    # Before Tue 13 Oct: Mon 12, Sat 10 (make-up), Fri 9, Thu 8, [7–1 Oct holiday], Wed 30 Sep.
    # (Monday–Friday counting would give Tue 6 Oct, a holiday.)
    assert steps[StepCode.DATA].due_on == D(2026, 9, 30)
    # After Thu 24 Sep: [25–27 Mid-autumn], 28, 29, 30, [1–7 Oct], 8, 9, Sat 10, [11], 12, 13,
    # 14, Thu 15 Oct = the 10th.
    assert steps[StepCode.TALKS].due_on == D(2026, 10, 15)
    assert not steps[StepCode.DATA].provisional and not steps[StepCode.TALKS].provisional


def test_data_due_soon_over_the_holiday(national):
    # On Fri 25 Sep (a holiday) the next 3 working days are 28, 29, 30 Sep: due soon.
    assert _steps(national, D(2026, 9, 25))[StepCode.DATA].state == StepState.DUE_SOON
    # On Thu 24 Sep they are 28, 29, 30 too.
    assert _steps(national, D(2026, 9, 24))[StepCode.DATA].state == StepState.DUE_SOON
    # On Wed 23 Sep they are 24, 28, 29: not yet.
    assert _steps(national, D(2026, 9, 23))[StepCode.DATA].state == StepState.WAITING


def _conclude(tree, agreement):
    actor = tree.union1_chair
    _to_talks(tree, agreement, data_on=D(2026, 9, 29), round_on=D(2026, 10, 13))
    services.record_vote(actor=actor, agreement=agreement, data=VoteInput(
        VotingBody.CONGRESS, D(2026, 10, 16), eligible=60, present=50, yes=45, no=3, abstain=2))
    services.sign_agreement(actor=actor, agreement=agreement, signed_on=D(2026, 10, 20),
                            starts_on=D(2026, 11, 1))


def test_filing_effective_publish_and_renewal_dates(tree, national):
    actor = tree.union1_chair
    _conclude(tree, national)
    steps = _steps(national, D(2026, 10, 21))
    assert steps[StepCode.FILE].due_on == D(2026, 10, 30)  # signed 20 Oct + 10 days
    assert steps[StepCode.VOTE].state == StepState.DONE and steps[StepCode.VOTE].done_on == D(2026, 10, 16)
    assert steps[StepCode.SIGN].done_on == D(2026, 10, 20)
    assert timeline.next_due(_reload(national), on=D(2026, 10, 21)) == (StepCode.FILE, D(2026, 10, 30))

    services.file_agreement(actor=actor, agreement=national, filed_on=D(2026, 10, 28), bureau_ref="备-1")
    steps = _steps(national, D(2026, 10, 29))
    assert steps[StepCode.EFFECTIVE].due_on == D(2026, 11, 13)  # filed 28 Oct; objections until 12 Nov
    assert steps[StepCode.EFFECTIVE].state == StepState.WAITING
    # Taking effect needs nobody to act: never the next due step.
    assert timeline.next_due(_reload(national), on=D(2026, 10, 29)) == ("", None)
    assert timeline.next_due(_reload(national), on=D(2026, 11, 11)) == ("", None)

    services.confirm_effective(actor=None, agreement=national, on=D(2026, 11, 13))
    national = _reload(national)
    assert national.effective_on == D(2026, 11, 13)
    steps = _steps(national, D(2026, 11, 13))
    assert steps[StepCode.PUBLISH].due_on == D(2026, 11, 18)  # effective + 5 days
    # Ends 31 Oct 2027 (one year from 1 Nov 2026); the renewal offer is made in the last 60 days,
    # by the last day of the term.
    assert national.ends_on == D(2027, 10, 31)
    assert steps[StepCode.RENEWAL].due_on == D(2027, 10, 31)
    assert timeline.next_due(national, on=D(2026, 11, 13)) == (StepCode.PUBLISH, D(2026, 11, 18))

    services.publish_agreement(actor=actor, agreement=national, published_on=D(2026, 11, 19), method="公开栏")
    national = _reload(national)
    steps = _steps(national, D(2026, 11, 30))
    assert steps[StepCode.PUBLISH].done_late
    assert steps[StepCode.RENEWAL].state == StepState.WAITING
    assert (national.next_step, national.next_due_on) == (StepCode.RENEWAL, D(2027, 10, 31))
    # Near the end of the term the renewal step becomes due soon; after it, overdue on the record,
    # but no longer a deadline to chase (the agreement has expired).
    assert _steps(national, D(2027, 10, 27))[StepCode.RENEWAL].state == StepState.DUE_SOON
    assert _steps(national, D(2027, 11, 1))[StepCode.RENEWAL].state == StepState.OVERDUE
    assert timeline.next_due(national, on=D(2027, 11, 1)) == ("", None)


def test_renewal_not_due_before_the_agreement_is_in_force(tree, national):
    _conclude(tree, national)
    renewal = _steps(national, D(2026, 10, 21))[StepCode.RENEWAL]
    assert renewal.due_on is None and renewal.state == StepState.PENDING
