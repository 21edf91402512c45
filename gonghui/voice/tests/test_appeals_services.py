"""Handling steps of appeals: routing, dispatch, transfer up and down with the clock across
holidays (and `transfer_resets_clock`), accept, notes and replies, closing on time or late, the
escalation job (idempotent, one level per full time limit, capped at the district)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.core import workdays
from gonghui.core.errors import DomainError
from gonghui.core.models import Notification, WorkdayOverride
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.voice.models.appeals import Appeal, AppealEvent, AppealStatus
from gonghui.voice.services import appeals as services
from gonghui.voice.testing.appeals import appeal, handling

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_calendar():
    workdays.forget_overrides()
    yield
    workdays.forget_overrides()


def on(monkeypatch, day):
    monkeypatch.setattr(services, "today", lambda: day)
    from gonghui.voice.selectors import appeals as selectors

    monkeypatch.setattr(selectors, "today", lambda: day)


def test_routing(tree):
    assert services.route(enterprise=tree.enterprise1, fallback=tree.district) == tree.union1
    no_union = EnterpriseFactory(town=tree.town2, union=None)
    assert services.route(enterprise=no_union, fallback=tree.district) == tree.town2
    assert services.route(fallback=tree.district) == tree.district
    person = tree.member(union=tree.union1b).person
    assert services.route(person=person, fallback=tree.district) == tree.union1b
    assert services.town_of(tree.union1) == tree.town1 and services.town_of(tree.district) is None


def test_dispatch_from_the_district_to_a_union(tree):
    a = appeal(tree, org=tree.district)
    assert a.town is None
    services.dispatch(actor=tree.district_staff, appeal=a, to_org=tree.union2, note="请核实")
    a.refresh_from_db()
    assert (a.org, a.town, a.status) == (tree.union2, tree.town2, AppealStatus.NEW)
    e = AppealEvent.objects.get(appeal=a, kind="DISPATCHED")
    assert e.public and e.reason == "请核实" and e.text == "" and e.to_org == tree.union2
    assert Notification.objects.filter(recipient=tree.union2_chair).exists()
    # A union does not dispatch; nobody dispatches sideways or up.
    with pytest.raises(DomainError) as exc:
        services.dispatch(actor=tree.union2_chair, appeal=a, to_org=tree.union2)
    assert exc.value.code == "not_dispatchable"
    b = appeal(tree, org=tree.town1)
    with pytest.raises(DomainError) as exc:
        services.dispatch(actor=tree.district_staff, appeal=b, to_org=tree.union2)
    assert exc.value.field == "to_org"


def test_transfer_up_and_down_keeps_the_clock_across_the_holiday(tree, monkeypatch):
    # Received Friday 2026-09-25, WAGES_OWED: 5 working days; National Day holidays 10-01..10-08
    # (library) and an override making Monday 09-28 a day off too.
    WorkdayOverride.objects.create(day=D(2026, 9, 28), is_working_day=False, note="test")
    workdays.forget_overrides()
    a = handling(tree, received_on=D(2026, 9, 25))
    due = a.due_on
    assert due == workdays.add_working_days(D(2026, 9, 25), 5)
    assert due > D(2026, 10, 8)  # the holiday week and the override pushed it past the holiday
    on(monkeypatch, D(2026, 9, 30))
    services.transfer(actor=tree.union1_chair, appeal=a, to_org=tree.town1, reason="企业无工会能力处理")
    a.refresh_from_db()
    assert (a.org, a.status, a.handler, a.due_on) == (tree.town1, AppealStatus.NEW, None, due)
    services.transfer(actor=tree.town1_cadre, appeal=a, to_org=tree.union1b, reason="属乙企业")
    a.refresh_from_db()
    assert (a.org, a.due_on, a.clock_started_on) == (tree.union1b, due, D(2026, 9, 25))
    events = list(AppealEvent.objects.filter(appeal=a, kind="TRANSFERRED").order_by("id"))
    assert [e.to_org for e in events] == [tree.town1, tree.union1b] and all(e.public and e.reason for e in events)
    # Sideways (a union of another town) and without a reason: refused, nothing changed.
    with pytest.raises(DomainError) as exc:
        services.transfer(actor=tree.district_staff, appeal=a, to_org=tree.union2, reason="x")
    assert exc.value.code == "not_up_or_down"
    with pytest.raises(DomainError) as exc:
        services.transfer(actor=tree.district_staff, appeal=a, to_org=tree.town1, reason="  ")
    assert exc.value.field == "reason"
    assert Appeal.objects.get(pk=a.pk).org == tree.union1b


def test_transfer_resets_the_clock_when_configured(tree, settings, monkeypatch):
    settings.VOICE_APPEALS_RULES = {"transfer_resets_clock": True}
    a = appeal(tree, received_on=D(2026, 9, 25), category="CONTRACT")
    on(monkeypatch, D(2026, 9, 29))
    services.transfer(actor=tree.union1_chair, appeal=a, to_org=tree.town1, reason="需街道协调")
    a.refresh_from_db()
    assert a.clock_started_on == D(2026, 9, 29)
    assert a.due_on == workdays.add_working_days(D(2026, 9, 29), 10)


def test_accept_note_reply_close_on_time(tree, monkeypatch):
    account = tree.member_user
    a = appeal(tree, received_on=D(2026, 11, 2), submitted_by=account)
    on(monkeypatch, D(2026, 11, 3))
    services.accept(actor=tree.union1_staff, appeal=a)
    with pytest.raises(DomainError) as exc:
        services.accept(actor=tree.union1_chair, appeal=a)
    assert exc.value.code == "wrong_stage"
    services.add_note(actor=tree.union1_staff, appeal=a, text="已电话联系企业人事")
    services.reply(actor=tree.union1_staff, appeal=a, text="已联系企业，三日内答复")
    assert Notification.objects.filter(recipient=account).count() == 1
    on(monkeypatch, a.due_on)
    services.close(actor=tree.union1_staff, appeal=a, result="RESOLVED", result_text="企业已补发工资")
    a.refresh_from_db()
    assert (a.status, a.closed_on_time, a.result, a.handler) == ("CLOSED", True, "RESOLVED", tree.union1_staff)
    kinds = list(a.events.values_list("kind", "public"))
    assert kinds == [("SUBMITTED", True), ("ROUTED", True), ("ACCEPTED", True), ("NOTE", False), ("REPLY", True),
                     ("CLOSED", True)]
    assert a.events.get(kind="ACCEPTED").actor_org == tree.union1
    with pytest.raises(DomainError):
        services.reply(actor=tree.union1_staff, appeal=a, text="again")


def test_close_late_and_bad_input(tree, monkeypatch):
    a = handling(tree, received_on=D(2026, 11, 2))
    on(monkeypatch, workdays.add_working_days(a.due_on, 1))
    with pytest.raises(DomainError) as exc:
        services.close(actor=tree.district_staff, appeal=a, result="NOPE", result_text="x")
    assert exc.value.field == "result"
    with pytest.raises(DomainError) as exc:
        services.close(actor=tree.district_staff, appeal=a, result="RESOLVED", result_text="")
    assert exc.value.field == "result_text"
    services.close(actor=tree.district_staff, appeal=a, result="EXPLAINED", result_text="已解释政策")
    assert Appeal.objects.get(pk=a.pk).closed_on_time is False


def test_bad_attachment_saves_nothing(tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = appeal(tree)
    bad = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        services.add_note(actor=tree.district_staff, appeal=a, text="附件", attachment=bad)
    assert exc.value.field == "attachment"
    assert not a.events.filter(kind="NOTE").exists()
    good = SimpleUploadedFile("x.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    e = services.add_note(actor=tree.district_staff, appeal=a, text="附件", attachment=good)
    assert e.attachments.get().public is False


def test_escalation_levels_idempotent_and_capped(tree, monkeypatch):
    # Held by union1 (depth 3): level 1 → town1, level 2 → the district, then no further.
    a = appeal(tree, received_on=D(2026, 11, 2), category="WAGES_OWED")  # 5 working days
    due = a.due_on
    assert services.escalate_overdue(on=due) == 0  # not overdue on the due day
    day1 = workdays.add_working_days(due, 1)
    assert services.escalate_overdue(on=day1) == 1
    assert services.escalate_overdue(on=day1) == 0  # twice a day: once
    a.refresh_from_db()
    assert (a.escalation_level, a.escalated_to) == (1, tree.town1)
    assert Notification.objects.filter(recipient=tree.town1_cadre).exists()
    # The next level only after another full time limit (5 working days) overdue.
    assert services.escalate_overdue(on=workdays.add_working_days(due, 5)) == 0
    assert services.escalate_overdue(on=workdays.add_working_days(due, 6)) == 1
    a.refresh_from_db()
    assert (a.escalation_level, a.escalated_to) == (2, tree.district)
    assert services.escalate_overdue(on=workdays.add_working_days(due, 30)) == 0  # capped at the district
    assert a.events.filter(kind="ESCALATED", public=False).count() == 2
    # Closed appeals are never escalated.
    b = handling(tree, received_on=D(2026, 11, 2))
    services.close(actor=tree.district_staff, appeal=b, result="RESOLVED", result_text="ok")
    assert services.escalate_overdue(on=day1) == 0


def test_escalation_grace(tree, settings):
    settings.VOICE_APPEALS_RULES = {"escalate_after_days": 2}
    a = appeal(tree, received_on=D(2026, 11, 2))
    assert services.escalate_overdue(on=workdays.add_working_days(a.due_on, 2)) == 0
    assert services.escalate_overdue(on=workdays.add_working_days(a.due_on, 3)) == 1


def test_reveal_phone_is_audited_and_refused_to_staff(tree):
    from gonghui.core.models import AuditEvent

    a = appeal(tree, phone="13912345678")
    assert services.reveal_phone(actor=tree.union1_chair, appeal=a) == "13912345678"
    assert AuditEvent.objects.filter(action="voice.appeal_reveal_phone").count() == 1
    with pytest.raises(PermissionDenied):
        services.reveal_phone(actor=tree.union1_staff, appeal=a)
