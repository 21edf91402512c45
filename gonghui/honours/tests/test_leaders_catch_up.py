"""The monthly job catches up months it missed (a month never run would otherwise be paid by
nobody), and leaves months already run alone."""

import datetime

import pytest

from gonghui.honours.models.leaders import LeaderAllowance, LeaderAllowanceRun, LeaderStatus
from gonghui.honours.services import leaders as services
from gonghui.honours.tasks.leaders import run_leader_allowances_task
from gonghui.honours.testing.leaders import leader

pytestmark = pytest.mark.django_db
D = datetime.date


def _months():
    return sorted(LeaderAllowance.objects.values_list("month", flat=True))


def test_a_missed_month_is_paid_by_the_next_scheduled_run(tree, monkeypatch):
    leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 12, 15))
    services.run_allowances(actor=None, month=D(2026, 1, 1))  # January ran; February's job never did
    monkeypatch.setattr(services, "today", lambda: D(2026, 3, 1))
    runs = services.run_scheduled_allowances()
    assert [r.month for r in runs] == [D(2026, 2, 1), D(2026, 3, 1)]  # January had a run: left alone
    assert _months() == [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]
    assert LeaderAllowanceRun.objects.get(month=D(2026, 1, 1)).runs == 1


def test_the_task_twice_pays_each_month_once_across_a_year_boundary(tree, monkeypatch):
    leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 10, 1))
    monkeypatch.setattr(services, "today", lambda: D(2026, 1, 1))
    assert run_leader_allowances_task() == 3  # November, December (never run) and January
    assert run_leader_allowances_task() == 0
    assert _months() == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1)]


def test_catch_up_can_be_turned_off(tree, monkeypatch, settings):
    settings.HONOURS_LEADERS_RULES = {"catch_up_months": 0}
    leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 10, 1))
    monkeypatch.setattr(services, "today", lambda: D(2026, 1, 1))
    assert [r.month for r in services.run_scheduled_allowances()] == [D(2026, 1, 1)]
