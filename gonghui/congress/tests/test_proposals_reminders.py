"""The daily job and the dashboard's due line: replies due within `rules().remind_days` days or
overdue, to the union chair and the town cadre, once per proposal, due date and state."""

import datetime

import pytest

from gonghui.congress.models import ProposalStatus
from gonghui.congress.selectors.proposals import due_summary
from gonghui.congress.services import proposals as services
from gonghui.congress.tasks.proposals import remind_proposal_replies_task
from gonghui.core.models import Notification

from .test_proposals_builders import body_with_delegates, proposal_at

D = datetime.date
DUE = D(2026, 5, 6)  # assigned on 2026-03-06
pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(tree):
    body, roll = body_with_delegates(tree.union1, tree.enterprise1, count=5, substitutes=0)
    return proposal_at(ProposalStatus.ASSIGNED, actor=tree.union1_chair, body=body, roll=roll)


def recipients(proposal):
    return sorted(Notification.objects.filter(key__startswith=f"congress:proposal:{proposal.pk}:")
                  .values_list("recipient__username", flat=True))


def test_due_soon_reminds_chair_and_town_cadre_only(tree, assigned):
    assert services.remind_proposal_replies(on=DUE - datetime.timedelta(days=7)) == 2
    assert recipients(assigned) == ["town1", "union1"]
    note = Notification.objects.get(recipient=tree.union1_chair)
    assert note.url == f"/congress/proposals/{assigned.pk}/" and "2026-05-06" in note.body


def test_nothing_before_the_window(tree, assigned):
    assert services.remind_proposal_replies(on=DUE - datetime.timedelta(days=8)) == 0


def test_idempotent_then_escalates_once_overdue(tree, assigned):
    services.remind_proposal_replies(on=D(2026, 5, 1))
    assert services.remind_proposal_replies(on=D(2026, 5, 2)) == 0
    assert services.remind_proposal_replies(on=D(2026, 5, 7)) == 2  # overdue: one more each
    assert services.remind_proposal_replies(on=D(2026, 5, 8)) == 0
    assert Notification.objects.filter(recipient=tree.union1_chair).count() == 2


def test_an_extension_is_a_new_due_date_to_remind_of(tree, assigned):
    services.remind_proposal_replies(on=D(2026, 5, 7))
    services.extend_proposal(actor=tree.union1_chair, proposal=assigned, extension_reason="需调研")
    assert services.remind_proposal_replies(on=D(2026, 5, 8)) == 0  # due 2026-06-08 now: not yet
    assert services.remind_proposal_replies(on=D(2026, 6, 1)) == 2


def test_answered_proposals_are_not_reminded(tree, assigned):
    services.reply_proposal(actor=tree.union1_chair, proposal=assigned, outcome="B", reply="列入计划",
                            replied_on=D(2026, 4, 1))
    assert services.remind_proposal_replies(on=D(2026, 5, 7)) == 0


def test_the_task_runs_the_job(tree, assigned):
    assert remind_proposal_replies_task.name == "gonghui.congress.tasks.proposals.remind_proposal_replies_task"
    assert remind_proposal_replies_task() == 2  # today (2026 and later) the reply is long overdue
    assert remind_proposal_replies_task() == 0


def test_due_summary_counts_in_scope(tree, assigned):
    summary = due_summary(tree.town1_cadre)
    assert (summary.overdue, summary.soon) == (1, 0)
    assert summary.url == "/congress/proposals/?due=overdue"
    assert (due_summary(tree.town2_cadre).overdue, due_summary(tree.union2_chair).soon) == (0, 0)
    assert due_summary(tree.member_user) is None


def test_due_summary_is_on_the_dashboard(tree, assigned):
    from gonghui.core.dashboard import due_for

    assert any(s.url.startswith("/congress/proposals/") for s in due_for(tree.union1_chair))
    assert not any(s.url.startswith("/congress/proposals/") for s in due_for(tree.union2_chair))
