"""Care records (health checks, visits, subsidies): validation that saves nothing partial, the
yearly-care due source, the overview card and the reminder job."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.notifications import Notification
from gonghui.honours.models.modelworkers import ModelWorkerCare
from gonghui.honours.selectors import modelworkers as selectors
from gonghui.honours.services import modelworkers as services
from gonghui.honours.testing.modelworkers import care, model_worker

pytestmark = pytest.mark.django_db
ON = datetime.date(2025, 6, 1)


def _care(tree, w, **kw):
    args = {"actor": tree.union1_chair, "worker": w, "kind": "SUBSIDY", "happened_on": ON, "amount": "800"}
    args.update(kw)
    return services.add_care(**args)


def test_subsidy_with_amount_is_recorded_and_audited(tree):
    w = model_worker(tree)
    c = _care(tree, w, amount="1200.50", description="困难帮扶", handled_by="区总工会")
    assert c.amount == Decimal("1200.50") and c.kind == "SUBSIDY"
    event = AuditEvent.objects.get(action="honours.modelworker_care_add")
    assert event.after["amount"] == "1200.50" and event.object_id == str(w.pk)


@pytest.mark.parametrize(("kw", "code", "field"), [
    ({"amount": None}, "required", "amount"),
    ({"amount": "0"}, "invalid_amount", "amount"),
    ({"amount": "-5"}, "invalid_amount", "amount"),
    ({"amount": "abc"}, "invalid_amount", "amount"),
    ({"amount": "12.345"}, "invalid_amount", "amount"),
    ({"amount": "100000000"}, "invalid_amount", "amount"),
    ({"kind": "HEALTH_CHECK", "amount": "100"}, "amount_not_allowed", "amount"),
    ({"kind": "VISIT", "amount": None, "description": ""}, "required", "description"),
    ({"kind": "GIFT"}, "invalid_kind", "kind"),
    ({"happened_on": None}, "required", "happened_on"),
    ({"happened_on": datetime.date(2999, 1, 1)}, "date_in_future", "happened_on"),
    ({"description": "长" * 401}, "too_long", "description"),
])
def test_bad_care_is_refused_and_nothing_saved(tree, kw, code, field):
    w = model_worker(tree)
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        _care(tree, w, **kw)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not ModelWorkerCare.objects.exists() and AuditEvent.objects.count() == events


def test_database_refuses_a_subsidy_without_amount_and_a_visit_with_one(tree):
    w = model_worker(tree)
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelWorkerCare.objects.create(worker=w, kind="SUBSIDY", happened_on=ON)
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelWorkerCare.objects.create(worker=w, kind="VISIT", happened_on=ON, amount=Decimal("5"))


def test_remove_care_keeps_it_in_the_history(tree):
    w = model_worker(tree)
    c = care(tree, w, "SUBSIDY", on=ON)
    services.remove_care(actor=tree.district_staff, care=c)
    assert not ModelWorkerCare.objects.exists()
    event = AuditEvent.objects.get(action="honours.modelworker_care_remove")
    assert event.before["kind"] == "SUBSIDY" and event.object_id == str(w.pk)


def test_missing_care_this_year_and_due_source(tree, monkeypatch, settings):
    today = datetime.date(2026, 10, 15)
    monkeypatch.setattr(selectors, "today", lambda: today)
    monkeypatch.setattr(services, "today", lambda: today)
    done = model_worker(tree)
    no_visit = model_worker(tree)
    nothing = model_worker(tree, union=tree.union2)
    care(tree, done, "HEALTH_CHECK", on=today)
    care(tree, done, "VISIT", on=today)
    care(tree, no_visit, "HEALTH_CHECK", on=today)
    care(tree, nothing, "VISIT", on=datetime.date(2025, 3, 1))  # last year does not count
    qs = selectors.workers(tree.district_staff)
    assert set(selectors.missing_care(qs, 2026)) == {no_visit, nothing}
    assert set(selectors.missing_care(qs, 2026, "missing_check")) == {nothing}
    assert set(selectors.missing_care(qs, 2026, "missing_visit")) == {no_visit, nothing}

    s = selectors.due_care_summary(tree.district_staff)
    assert (s.soon, s.overdue) == (2, 0) and s.url.endswith("?care=missing")
    assert selectors.due_care_summary(tree.town1_cadre).soon == 1
    assert selectors.due_care_summary(tree.outsider) is None
    monkeypatch.setattr(selectors, "today", lambda: datetime.date(2026, 12, 2))
    assert selectors.due_care_summary(tree.district_staff).overdue == 2
    monkeypatch.setattr(selectors, "today", lambda: datetime.date(2026, 3, 2))
    assert selectors.due_care_summary(tree.district_staff) is None  # not due before September
    settings.HONOURS_MODELWORKERS_RULES = {"care_due_month": 3}
    assert selectors.due_care_summary(tree.district_staff).soon == 2


def test_overview_card_counts_in_scope(tree, monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: datetime.date(2026, 10, 15))
    model_worker(tree, level="PROVINCE", year=2024)
    model_worker(tree, union=tree.union2)
    card = selectors.overview_card(tree.district_staff)
    values = [r.value for r in card.rows]
    assert values == [2, 1, 2, 0]
    assert card.rows[2].alert
    assert [r.value for r in selectors.overview_card(tree.town1_cadre).rows][:2] == [1, 1]
    assert selectors.overview_card(tree.outsider) is None


def test_reminder_once_a_year_per_union(tree, monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: datetime.date(2026, 10, 15))
    model_worker(tree)
    model_worker(tree)
    assert services.remind_care(on=datetime.date(2026, 5, 1)) == 0  # before the due month
    sent = services.remind_care(on=datetime.date(2026, 10, 1))
    # union1's chair and town1's cadre, one notification each for the union
    assert sent == 2
    n = Notification.objects.get(recipient=tree.union1_chair)
    assert "2" in n.body and n.url.endswith("?care=missing")
    assert services.remind_care(on=datetime.date(2026, 10, 2)) == 0  # idempotent
    from gonghui.honours.tasks.modelworkers import remind_model_worker_care_task

    assert remind_model_worker_care_task.name.endswith("remind_model_worker_care_task")


def test_an_amount_that_is_not_a_number_on_a_visit_is_refused_not_a_crash(tree):
    w = model_worker(tree)
    with pytest.raises(DomainError) as exc:
        _care(tree, w, kind="HEALTH_CHECK", amount="abc")
    assert (exc.value.code, exc.value.field) == ("invalid_amount", "amount")
    assert not ModelWorkerCare.objects.exists()


def test_the_same_care_sent_twice_is_recorded_once(tree):
    w = model_worker(tree)
    _care(tree, w, amount="800")
    with pytest.raises(DomainError) as exc:
        _care(tree, w, amount="800.00")
    assert exc.value.code == "already_exists" and ModelWorkerCare.objects.count() == 1
    _care(tree, w, amount="300")  # a second, different subsidy the same day is fine
    assert ModelWorkerCare.objects.count() == 2
