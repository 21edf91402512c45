"""The daily job: reminders to the union chair and the town cadre, once per step and state."""

import datetime

import pytest

from gonghui.bargaining import services
from gonghui.bargaining.models import Stage
from gonghui.bargaining.testing import negotiation
from gonghui.core.models import Notification

OFFER = datetime.date(2026, 3, 2)  # received the same day: the reply is due on 2026-03-22


def recipients(key_part):
    return sorted(Notification.objects.filter(key__contains=key_part).values_list("recipient__username", flat=True))


@pytest.fixture
def offered(tree):
    return negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                       stage=Stage.OFFERED, start=OFFER)


def test_due_soon_reminds_chair_and_town_cadre_only(tree, offered):
    created = services.remind_due_steps(on=datetime.date(2026, 3, 19))  # 22 March is a Sunday: 1 working day
    assert created == 2
    assert recipients(f"bargaining:{offered.pk}:reply") == ["town1", "union1"]
    note = Notification.objects.get(recipient=tree.union1_chair)
    assert note.url == f"/bargaining/{offered.pk}/"
    assert "2026-03-22" in note.body


def test_reminders_are_idempotent_and_escalate_once_overdue(tree, offered):
    services.remind_due_steps(on=datetime.date(2026, 3, 19))
    assert services.remind_due_steps(on=datetime.date(2026, 3, 20)) == 0
    assert services.remind_due_steps(on=datetime.date(2026, 3, 23)) == 2  # now overdue: one more each
    assert services.remind_due_steps(on=datetime.date(2026, 3, 24)) == 0
    assert Notification.objects.filter(recipient=tree.union1_chair).count() == 2


def test_nothing_due_far_ahead(tree, offered):
    assert services.remind_due_steps(on=datetime.date(2026, 3, 3)) == 0


def test_cancelled_negotiation_is_not_reminded(tree, offered):
    services.cancel_negotiation(actor=tree.union1_chair, agreement=offered, reason="企业停产")
    assert services.remind_due_steps(on=datetime.date(2026, 3, 23)) == 0


def test_expiring_agreement_without_renewal(tree):
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                            stage=Stage.PUBLISHED, start=datetime.date(2025, 12, 1))
    near_end = agreement.ends_on - datetime.timedelta(days=30)
    services.remind_due_steps(on=near_end)
    assert recipients(f"bargaining:{agreement.pk}:expiring") == ["town1", "union1"]


def test_confirm_effective_job_then_publish_is_due(tree):
    filed = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                        stage=Stage.FILED, start=datetime.date(2026, 3, 2))
    # An objection may still come on the 15th day; the agreement takes effect on the 16th.
    assert services.confirm_effective_agreements(on=filed.filed_on + datetime.timedelta(days=15)) == 0
    assert services.confirm_effective_agreements(on=filed.filed_on + datetime.timedelta(days=16)) == 1
    assert services.confirm_effective_agreements(on=filed.filed_on + datetime.timedelta(days=17)) == 0
    filed.refresh_from_db()
    assert filed.stage == Stage.EFFECTIVE
    assert filed.next_step == "publish"
    assert filed.next_due_on == filed.effective_on + datetime.timedelta(days=5)


def test_renewal_deadline_ends_with_the_agreement(tree):
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                            stage=Stage.PUBLISHED, start=datetime.date(2025, 12, 10))
    assert agreement.next_step == "renewal" and agreement.ends_on >= datetime.date(2026, 12, 1)
    assert services.close_expired_renewals(on=agreement.ends_on) == 0  # the last day: still in force
    assert services.close_expired_renewals(on=agreement.ends_on + datetime.timedelta(days=1)) == 1
    agreement.refresh_from_db()
    assert (agreement.next_step, agreement.next_due_on) == ("", None)
    assert services.remind_due_steps(on=agreement.ends_on + datetime.timedelta(days=2)) == 0


def test_entering_holidays_moves_stored_working_day_deadlines(tree, django_capture_on_commit_callbacks):
    from gonghui.core import services as core_services
    from gonghui.core.workdays import forget_overrides

    replied = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                          stage=Stage.REPLIED, start=datetime.date(2026, 11, 20))
    # Talks due 10 working days after the reply; the data exchange (5 working days before the
    # first meeting) comes first.
    replied.refresh_from_db()
    before = replied.next_due_on
    holidays = [before - datetime.timedelta(days=i) for i in range(0, 4)]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            core_services.load_year_workdays(actor=tree.district_staff, year=2026, holidays=holidays)
        replied.refresh_from_db()
        assert replied.next_due_on < before  # counted back over the new holidays: earlier
    finally:
        forget_overrides()


def test_publication_comes_after_taking_effect(tree):
    from gonghui.core.errors import DomainError

    effective = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                            stage=Stage.EFFECTIVE, start=datetime.date(2026, 3, 2))
    with pytest.raises(DomainError) as refused:
        services.publish_agreement(actor=tree.union1_chair, agreement=effective,
                                   published_on=effective.effective_on - datetime.timedelta(days=1), method="公开栏")
    assert refused.value.code == "date_order" and refused.value.field == "published_on"
