"""Term-expiry alerts: the reminder points (6, 3, 1 month before, expired) at their edges, once
per point per committee however often the job runs, the chairs and town cadres as recipients,
the dashboard's due source, and the Celery task."""

import datetime

import pytest

from gonghui.core.dashboard import due_for
from gonghui.core.models import Notification
from gonghui.grassroots.models import CommitteeReminder
from gonghui.grassroots.selectors.committees import add_months, due_summary
from gonghui.grassroots.services import committees as services
from gonghui.grassroots.tasks.committees import remind_committee_terms_task
from gonghui.grassroots.testing.committees import committee

pytestmark = pytest.mark.django_db
D = datetime.date
ON = D(2026, 11, 30)


def _ending(union, ends_on, years=3):
    """A committee of `union` whose 3-year term ends on `ends_on`."""
    elected = ends_on.replace(year=ends_on.year - years) + datetime.timedelta(days=1)
    c = committee(union, elected_on=elected, term_years=years)
    assert c.term_ends_on == ends_on
    return c


@pytest.mark.parametrize(("ends_on", "point"), [
    (add_months(ON, 6) + datetime.timedelta(days=1), None),
    (add_months(ON, 6), "MONTHS_6"),
    (add_months(ON, 3) + datetime.timedelta(days=1), "MONTHS_6"),
    (add_months(ON, 3), "MONTHS_3"),
    (add_months(ON, 1), "MONTHS_1"),
    (ON, "MONTHS_1"),                               # the last day of the term: not yet expired
    (ON - datetime.timedelta(days=1), "EXPIRED"),
])
def test_due_point_edges(tree, ends_on, point):
    assert services.due_point(_ending(tree.union1, ends_on), ON) == point


def test_reminders_go_to_chair_and_town_cadre_once(tree):
    c = _ending(tree.union1, add_months(ON, 2))
    assert services.remind_committee_terms(ON) == 2   # union1's chair and town1's cadre
    notes = Notification.objects.filter(key=f"grassroots:committee:{c.pk}:MONTHS_3")
    assert {n.recipient for n in notes} == {tree.union1_chair, tree.town1_cadre}
    assert "/grassroots/committees/" in notes[0].url
    assert list(CommitteeReminder.objects.values_list("committee", "point", "recipients")) == [(c.pk, "MONTHS_3", 2)]
    # Again the same day, and the next day: nothing new.
    assert services.remind_committee_terms(ON) == 0
    assert services.remind_committee_terms(ON + datetime.timedelta(days=1)) == 0
    # A month later the 1-month point is reached: one more reminder each.
    assert services.remind_committee_terms(add_months(ON, 1)) == 2
    assert set(CommitteeReminder.objects.values_list("point", flat=True)) == {"MONTHS_3", "MONTHS_1"}
    # After the end: the expired reminder, then never again.
    after = c.term_ends_on + datetime.timedelta(days=1)
    assert services.remind_committee_terms(after) == 2
    assert services.remind_committee_terms(after + datetime.timedelta(days=30)) == 0
    assert CommitteeReminder.objects.count() == 3


def test_a_replaced_committee_is_not_reminded(tree):
    committee(tree.union1, elected_on=D(2015, 1, 1), term_years=3, status="REPLACED", ended_on=D(2018, 1, 1))
    assert services.remind_committee_terms(ON) == 0


def test_the_reminder_is_recorded_even_without_recipients(tree):
    c = _ending(tree.union1b, ON - datetime.timedelta(days=10))   # union1b has no chair account
    assert services.remind_committee_terms(ON) == 1               # town1's cadre only
    assert CommitteeReminder.objects.get(committee=c).point == "EXPIRED"


def test_reminder_months_from_the_setting(tree, settings):
    settings.GRASSROOTS_COMMITTEES_RULES = {"reminder_months": [2], "remind_expired": False}
    c = _ending(tree.union1, add_months(ON, 2))
    assert services.due_point(c, ON) == "MONTHS_2"
    assert services.due_point(c, c.term_ends_on + datetime.timedelta(days=1)) == "MONTHS_2"


def test_task_runs_the_job(tree):
    _ending(tree.union1, add_months(ON, 1))
    assert remind_committee_terms_task.run() >= 0
    assert CommitteeReminder.objects.count() == 1


def test_due_source(tree):
    today = services.today()
    _ending(tree.union1, today - datetime.timedelta(days=1))
    _ending(tree.union1b, add_months(today, 2))
    _ending(tree.union2, add_months(today, 7))
    summary = due_summary(tree.town1_cadre)
    assert (summary.overdue, summary.soon) == (1, 1) and summary.url.endswith("?expiry=EXPIRED")
    summary = due_summary(tree.town2_cadre)
    assert (summary.overdue, summary.soon) == (0, 0)
    assert due_summary(tree.member_user) is None
    assert any(s.label == summary.label for s in due_for(tree.district_staff))
