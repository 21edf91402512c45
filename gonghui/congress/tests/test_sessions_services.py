"""Sessions: quorum and pass edges, papers 7 days before, the report due across a holiday, status
guards, agenda order, reminders; nothing saved on a refusal."""

import datetime

import pytest
from django.utils import translation

from gonghui.congress.models import AgendaItem, AgendaKind, Session, SessionStatus
from gonghui.congress.services import sessions as services
from gonghui.congress.services.sessions import VoteInput
from gonghui.congress.testing import congress_body, delegates, session
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def body(tree):
    body = congress_body(org=tree.union1, headcount=150)
    delegates(body, count=30, managers=6, substitutes=3)
    return body


@pytest.fixture
def planned(body):
    return session(body, planned_on=D(2026, 3, 20), papers_sent_on=D(2026, 3, 13))


def _held(tree, s, present=25, **extra):
    extra.setdefault("held_on", D(2026, 3, 20))
    return services.record_held(actor=tree.union1_chair, session=s, present=present, **extra)


# --- quorum ------------------------------------------------------------------------------------

def test_entitled_defaults_to_the_seated_delegates(tree, planned):
    held = _held(tree, planned, present=20)
    assert (held.entitled, held.present, held.status) == (30, 20, SessionStatus.HELD)  # substitutes not counted


def test_nineteen_of_thirty_is_no_quorum(tree, planned):
    with pytest.raises(DomainError) as err:
        _held(tree, planned, present=19)
    assert err.value.code == "no_quorum" and err.value.field == "present"
    assert "19 of 30 present; at least 20 (two thirds)" in err.value.text
    planned.refresh_from_db()
    assert (planned.status, planned.held_on, planned.present) == (SessionStatus.PLANNED, None, None)
    assert not AuditEvent.objects.filter(action="congress.session_held").exists()


def test_present_cannot_exceed_entitled(tree, planned):
    with pytest.raises(DomainError) as err:
        _held(tree, planned, present=31)
    assert err.value.code == "present_over_entitled"


def test_all_staff_meeting_counts_the_staff(tree):
    small = congress_body(org=tree.union1, headcount=60)
    tree.enterprise1.headcount = 60
    tree.enterprise1.save()
    s = session(small, papers_sent_on=D(2026, 3, 1))
    with pytest.raises(DomainError) as err:
        _held(tree, s, present=39)
    assert "39 of 60 present; at least 40" in err.value.text
    assert _held(tree, s, present=40).entitled == 60


def test_no_delegates_no_session(tree):
    empty = congress_body(org=tree.union1, headcount=150)
    s = session(empty, papers_sent_on=D(2026, 3, 1))
    with pytest.raises(DomainError) as err:
        _held(tree, s, present=0)
    assert err.value.code == "no_delegates"


# --- papers ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sent", "late"), [(D(2026, 3, 13), False), (D(2026, 3, 14), True), (None, True)])
def test_papers_seven_days_before(tree, body, sent, late):
    s = session(body, planned_on=D(2026, 3, 20), papers_sent_on=sent)
    if late:
        with pytest.raises(DomainError) as err:
            _held(tree, s)
        assert err.value.code == "papers_late" and err.value.field == "papers_late_reason"
        assert "by 2026-03-13" in err.value.text
        held = _held(tree, s, papers_late_reason="议程临时调整，补发材料")
        assert held.papers_late_reason == "议程临时调整，补发材料"
    else:
        held = _held(tree, s, papers_late_reason="ignored when in time")
        assert held.papers_late_reason == ""


def test_papers_date_cannot_be_in_the_future(tree, planned):
    with pytest.raises(DomainError) as err:
        services.record_papers_sent(actor=tree.union1_chair, session=planned, papers_sent_on=D(2099, 1, 1))
    assert err.value.code == "date_in_future"


# --- votes -------------------------------------------------------------------------------------

@pytest.fixture
def held(tree, planned):
    services.add_agenda_item(actor=tree.union1_chair, session=planned, kind=AgendaKind.WORK_REPORT,
                             title="审议行政工作报告")
    services.add_agenda_item(actor=tree.union1_chair, session=planned, kind=AgendaKind.OTHER,
                             title="通报提案办理情况", requires_vote=False)
    return _held(tree, planned, present=20)


def _vote(tree, s, votes_for, against=0, abstain=0):
    item = s.agenda_items.get(position=1)
    other = s.agenda_items.get(position=2)
    services.record_votes(actor=tree.union1_chair, session=s, votes=[
        VoteInput(item.pk, votes_for, against, abstain, "通过"), VoteInput(other.pk, resolution="已通报")])
    item.refresh_from_db()
    return item


def test_sixteen_of_thirty_passes(tree, held):
    assert _vote(tree, held, 16, 2, 2).passed is True


def test_fifteen_of_thirty_fails_even_if_all_present_voted_for(tree, planned):
    services.add_agenda_item(actor=tree.union1_chair, session=planned, kind=AgendaKind.RULES, title="修订考勤制度")
    services.add_agenda_item(actor=tree.union1_chair, session=planned, kind=AgendaKind.OTHER, title="通报",
                             requires_vote=False)
    planned = Session.objects.get(pk=planned.pk)
    # 20 present (quorum), all 20 in favour: 20 of 30 passes. With 15 in favour of 30 it fails.
    s = _held(tree, planned, present=20)
    assert _vote(tree, s, 15, 0, 0).passed is False
    assert _vote(tree, s, 16, 0, 0).passed is True


def test_votes_cannot_exceed_present(tree, held):
    item = held.agenda_items.get(position=1)
    with pytest.raises(DomainError) as err:
        services.record_votes(actor=tree.union1_chair, session=held, votes=[VoteInput(item.pk, 15, 5, 1)])
    assert err.value.code == "votes_over_present"
    assert "Item 1 (审议行政工作报告): 21 votes cast is more than the 20 present" in err.value.text
    item.refresh_from_db()
    assert item.votes_for is None


def test_report_due_after_national_day(tree, body):
    s = session(body, planned_on=D(2026, 9, 30), papers_sent_on=D(2026, 9, 20))
    held = _held(tree, s, held_on=D(2026, 9, 30))
    # 1–7 October 2026 are holidays and Saturday 10 October a make-up working day: 8, 9, 10, 12,
    # 13, 14, 15 October are the 7 working days (a Monday–Friday count would give 9 October).
    assert held.report_due_on == D(2026, 10, 15)


def test_report_needs_every_vote_and_moves_to_reported(tree, held):
    with pytest.raises(DomainError) as err:
        services.record_reported(actor=tree.union1_chair, session=held, reported_on=D(2026, 3, 25))
    assert err.value.code == "votes_missing"
    _vote(tree, held, 18)
    with pytest.raises(DomainError) as err:
        services.record_reported(actor=tree.union1_chair, session=held, reported_on=D(2026, 3, 19))
    assert err.value.field == "reported_on"
    done = services.record_reported(actor=tree.union1_chair, session=held, reported_on=D(2026, 3, 25))
    assert (done.status, done.reported_on) == (SessionStatus.REPORTED, D(2026, 3, 25))


@pytest.mark.parametrize("step", ["held", "papers", "cancel", "agenda"])
def test_wrong_stage_after_held(tree, held, step):
    calls = {
        "held": lambda: _held(tree, held),
        "papers": lambda: services.record_papers_sent(actor=tree.union1_chair, session=held,
                                                      papers_sent_on=D(2026, 3, 1)),
        "cancel": lambda: services.cancel_session(actor=tree.union1_chair, session=held, reason="x"),
        "agenda": lambda: services.add_agenda_item(actor=tree.union1_chair, session=held, kind="OTHER", title="x"),
    }
    with pytest.raises(DomainError) as err:
        calls[step]()
    assert err.value.code == "wrong_stage"


def test_votes_only_after_held(tree, planned):
    with pytest.raises(DomainError) as err:
        services.record_votes(actor=tree.union1_chair, session=planned, votes=[])
    assert err.value.code == "wrong_stage"


def test_cancel_needs_a_reason(tree, planned):
    with pytest.raises(DomainError):
        services.cancel_session(actor=tree.union1_chair, session=planned, reason="")
    done = services.cancel_session(actor=tree.union1_chair, session=planned, reason="疫情")
    assert (done.status, done.cancel_reason) == (SessionStatus.CANCELLED, "疫情")


# --- planning and agenda -----------------------------------------------------------------------

def test_plan_numbers_sessions_and_stays_within_the_term(tree, body):
    first = services.plan_session(actor=tree.union1_chair, body=body, title="一次会议", planned_on=D(2026, 3, 20))
    second = services.plan_session(actor=tree.union1_chair, body=body, title="二次会议", planned_on=D(2026, 9, 20))
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(DomainError) as err:
        services.plan_session(actor=tree.union1_chair, body=body, title="x", planned_on=D(2030, 3, 20))
    assert err.value.field == "planned_on"


def test_agenda_reorder_and_remove(tree, planned):
    a = services.add_agenda_item(actor=tree.union1_chair, session=planned, kind="OTHER", title="A")
    b = services.add_agenda_item(actor=tree.union1_chair, session=planned, kind="OTHER", title="B")
    c = services.add_agenda_item(actor=tree.union1_chair, session=planned, kind="OTHER", title="C")
    services.move_agenda_item(actor=tree.union1_chair, item=c, direction="up")
    assert list(planned.agenda_items.order_by("position").values_list("title", flat=True)) == ["A", "C", "B"]
    services.remove_agenda_item(actor=tree.union1_chair, item=a)
    assert list(planned.agenda_items.order_by("position").values_list("title", "position")) == [("C", 1), ("B", 2)]
    services.move_agenda_item(actor=tree.union1_chair, item=AgendaItem.objects.get(pk=b.pk), direction="down")
    assert AuditEvent.objects.filter(action="congress.agenda").count() == 5


# --- reminders ---------------------------------------------------------------------------------

def test_reminders_reach_the_chair_and_the_town_once(tree, planned):
    from gonghui.core.models import Notification

    held = _held(tree, planned)
    created = services.remind_session_reports(on=held.report_due_on)
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert created == 2 and recipients == {"union1", "town1"}
    assert services.remind_session_reports(on=held.report_due_on) == 0  # idempotent
    # Overdue the next day: a new reminder (a different state).
    assert services.remind_session_reports(on=held.report_due_on + datetime.timedelta(days=1)) == 2
    # Reported: nothing more.
    Session.objects.filter(pk=held.pk).update(status=SessionStatus.REPORTED, reported_on=held.report_due_on)
    assert services.remind_session_reports(on=held.report_due_on + datetime.timedelta(days=2)) == 0


def test_the_task_runs_the_reminders(tree, planned):
    from gonghui.congress.tasks.bodies import remind_session_reports_task

    _held(tree, planned)  # due long ago (2026-03): overdue today
    assert remind_session_reports_task() == 2
    assert remind_session_reports_task() == 0
