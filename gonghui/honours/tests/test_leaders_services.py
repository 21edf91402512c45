"""Skill leaders: nomination rules, selection (title period, honour record), early end, and the
allowance ledger: idempotent runs, the month boundary rule, the title's end stopping payment."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.honours.models.awards import HonourRecord
from gonghui.honours.models.leaders import LeaderAllowance, LeaderAllowanceRun, LeaderStatus
from gonghui.honours.services import leaders as services
from gonghui.honours.tasks.leaders import run_leader_allowances_task
from gonghui.honours.testing.leaders import leader, month

pytestmark = pytest.mark.django_db
D = datetime.date


def _paid_months(x):
    return [a.month for a in LeaderAllowance.objects.filter(leader=x).order_by("month")]


# --- nomination and selection ------------------------------------------------------------------

def test_nomination_records_the_town_and_refuses_a_second_for_the_year(tree):
    x = leader(tree)
    assert x.status == LeaderStatus.NOMINATED and x.town == tree.town1
    with pytest.raises(DomainError) as e:
        services.nominate_leader(actor=tree.union1_chair, org=tree.union1, person=x.person, trade="电工",
                                 industry="AUTO_PARTS")
    assert e.value.code == "already_nominated" and e.value.field == "person"
    assert AuditEvent.objects.filter(action="honours.leader_nominate").count() == 1


@pytest.mark.parametrize("change,code,field", [
    ({"trade": "  "}, "required", "trade"),
    ({"industry": "MINING"}, "invalid_industry", "industry"),
    ({"year": 1999}, "invalid_year", "year"),
    ({"year": 2030, "nominated_on": D(2026, 5, 1)}, "invalid_year", "year"),
    ({"nominated_on": D(2099, 1, 1)}, "date_in_future", "nominated_on"),
    ({"trade": "x" * 61}, "too_long", "trade"),
])
def test_nomination_rejects_bad_input(tree, change, code, field):
    person = tree.member().person
    kwargs = {"actor": tree.union1_chair, "org": tree.union1, "person": person, "trade": "焊工",
              "industry": "CONSTRUCTION", **change}
    with pytest.raises(DomainError) as e:
        services.nominate_leader(**kwargs)
    assert (e.value.code, e.value.field) == (code, field)


def test_only_a_live_member_of_the_union_and_only_by_a_union(tree):
    other = tree.member(union=tree.union1b).person
    with pytest.raises(DomainError) as e:
        services.nominate_leader(actor=tree.union1_chair, org=tree.union1, person=other, trade="焊工",
                                 industry="CONSTRUCTION")
    assert e.value.code == "not_a_member"
    with pytest.raises(DomainError) as e:
        services.nominate_leader(actor=tree.district_staff, org=tree.town1, person=other, trade="焊工",
                                 industry="CONSTRUCTION")
    assert e.value.code == "not_a_union"


def test_selection_sets_the_term_and_writes_the_honour_record_once(tree):
    x = leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 3, 15))
    assert (x.starts_on, x.term_ends_on, x.ends_on) == (D(2025, 3, 15), D(2028, 3, 14), D(2028, 3, 14))
    record = HonourRecord.objects.get(source_key=f"honours.SkillLeader:{x.pk}")
    assert record.category == "SKILL_LEADER" and record.person == x.person and record.level == "DISTRICT"
    assert record.org == tree.union1 and "数控车工" in record.title
    with pytest.raises(DomainError) as e:
        services.select_leader(actor=tree.district_staff, leader=x)
    assert e.value.code == "wrong_stage"
    assert HonourRecord.objects.count() == 1


def test_a_second_title_cannot_overlap_the_first(tree):
    x = leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 1, 10))
    again = leader(tree, person=x.person, nominated_on=D(2026, 2, 1))
    with pytest.raises(DomainError) as e:
        services.select_leader(actor=tree.district_staff, leader=again, selected_on=D(2026, 2, 2))
    assert e.value.code == "already_holds"
    assert HonourRecord.objects.count() == 1


def test_a_worker_who_left_the_union_cannot_be_selected(tree):
    """The nomination waited while the worker left the union: the district is told, nothing is
    written (no title, no honour record); declining it still works."""
    from gonghui.members.models import Membership, MembershipStatus

    x = leader(tree)
    Membership.objects.filter(person=x.person, union=x.org).update(status=MembershipStatus.LEFT, ended_on=D(2026, 1, 1))
    with pytest.raises(DomainError) as e:
        services.select_leader(actor=tree.district_staff, leader=x)
    assert (e.value.code, e.value.field) == ("not_a_member", "person")
    x.refresh_from_db()
    assert x.status == LeaderStatus.NOMINATED and not HonourRecord.objects.exists()
    assert services.decline_leader(actor=tree.district_staff, leader=x, reason="已离开").status == "NOT_SELECTED"


def test_decline_needs_a_reason_and_withdraw_only_while_waiting(tree):
    x = leader(tree)
    with pytest.raises(DomainError) as e:
        services.decline_leader(actor=tree.district_staff, leader=x, reason=" ")
    assert e.value.code == "required"
    services.withdraw_nomination(actor=tree.union1_chair, leader=x)
    with pytest.raises(DomainError) as e:
        services.decline_leader(actor=tree.district_staff, leader=x, reason="x")
    assert e.value.code == "wrong_stage"
    # a withdrawn nomination frees the year for a new one
    assert leader(tree, person=x.person).status == LeaderStatus.NOMINATED


def test_select_refuses_dates_before_the_nomination(tree):
    x = leader(tree, nominated_on=D(2026, 3, 1))
    with pytest.raises(DomainError) as e:
        services.select_leader(actor=tree.district_staff, leader=x, selected_on=D(2026, 2, 1))
    assert e.value.code == "date_order"
    with pytest.raises(DomainError) as e:
        services.select_leader(actor=tree.district_staff, leader=x, selected_on=D(2026, 3, 2),
                               starts_on=D(2026, 1, 1))
    assert e.value.field == "starts_on"
    with pytest.raises(DomainError) as e:
        services.select_leader(actor=tree.district_staff, leader=x, selected_on=D(2026, 3, 2),
                               starts_on=D(9999, 12, 31))
    assert (e.value.code, e.value.field) == ("date_order", "starts_on")
    assert SkillLeaderStatus(x) == LeaderStatus.NOMINATED


def SkillLeaderStatus(x):  # noqa: N802
    return type(x).objects.get(pk=x.pk).status


# --- the allowance ledger --------------------------------------------------------------------

def test_running_a_month_twice_pays_once(tree):
    a = leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 1, 1))
    b = leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 2, 20), union=tree.union2)
    first = services.run_allowances(actor=tree.district_staff, month=D(2025, 3, 17))
    assert first.month == D(2025, 3, 1) and first.paid_now == 2 and first.paid_total == Decimal("200.00")
    second = services.run_allowances(actor=tree.district_staff, month=D(2025, 3, 1))
    assert second.paid_now == 0 and second.runs == 2 and second.paid_count == 2
    assert run_leader_allowances_task("2025-03-01") == 0  # the scheduled job too
    assert LeaderAllowance.objects.filter(month=D(2025, 3, 1)).count() == 2
    assert LeaderAllowanceRun.objects.count() == 1
    assert AuditEvent.objects.filter(action="honours.allowance_run", org=tree.district).count() == 3
    assert {x.town_id for x in LeaderAllowance.objects.all()} == {tree.town1.pk, tree.town2.pk}
    assert _paid_months(a) == _paid_months(b) == [D(2025, 3, 1)]


def test_a_back_dated_title_is_paid_for_the_months_already_run(tree):
    """Selected in March with the title from 1 January: January and February were run before, so
    the selection pays them in their runs; March (not run yet) is left to its run; once each."""
    other = leader(tree, LeaderStatus.SELECTED, starts_on=D(2024, 6, 1))
    for m in (1, 2):
        services.run_allowances(month=month(2025, m))
    x = leader(tree, nominated_on=D(2024, 12, 20), union=tree.union2)
    services.select_leader(actor=tree.district_staff, leader=x, selected_on=D(2025, 2, 20), starts_on=D(2025, 1, 1))
    assert _paid_months(x) == [month(2025, 1), month(2025, 2)]
    run = LeaderAllowanceRun.objects.get(month=month(2025, 2))
    assert (run.paid_count, run.paid_total) == (2, Decimal("200.00"))
    assert services.run_allowances(month=month(2025, 2)).paid_now == 0
    assert services.run_allowances(month=month(2025, 3)).paid_now == 2
    assert _paid_months(x)[-1] == month(2025, 3) and len(_paid_months(other)) == 3
    event = AuditEvent.objects.get(action="honours.allowance_arrears")
    assert event.after["months"] == ["2025-01", "2025-02"] and event.org_id == tree.union2.pk


def test_the_database_refuses_a_second_allowance_for_the_month(tree):
    from django.db import IntegrityError, transaction

    x = leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 1, 1))
    run = services.run_allowances(month=D(2025, 4, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaderAllowance.objects.create(leader=x, run=run, month=D(2025, 4, 1), year=2025, amount=Decimal("100"),
                                       org=x.org)


@pytest.mark.parametrize("starts_on,paid", [
    (D(2025, 3, 1), [D(2025, 3, 1), D(2025, 4, 1)]),   # held on the first day: paid that month
    (D(2025, 3, 2), [D(2025, 4, 1)]),                 # from the 2nd: the month is not paid
    (D(2025, 2, 28), [D(2025, 3, 1), D(2025, 4, 1)]),
])
def test_month_boundary_at_the_start(tree, starts_on, paid):
    x = leader(tree, LeaderStatus.SELECTED, starts_on=starts_on)
    for m in (2, 3, 4):
        services.run_allowances(month=month(2025, m))
    assert [d for d in _paid_months(x) if d >= D(2025, 3, 1)] == paid


@pytest.mark.parametrize("last_day,paid", [
    (D(2025, 5, 1), [D(2025, 4, 1), D(2025, 5, 1)]),  # held on 1 May (its last day): May is paid
    (D(2025, 4, 30), [D(2025, 4, 1)]),                # ends on 30 April: May is not
    (D(2025, 5, 31), [D(2025, 4, 1), D(2025, 5, 1)]),
])
def test_month_boundary_at_an_early_end_and_the_end_stops_payment(tree, last_day, paid):
    x = leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 4, 1))
    services.run_allowances(month=month(2025, 4))
    services.end_title(actor=tree.district_staff, leader=x, kind="LEFT", last_day=last_day, reason="调离本区")
    for m in (5, 6, 7):
        services.run_allowances(month=month(2025, m))
    assert _paid_months(x) == paid
    assert type(x).objects.get(pk=x.pk).status == LeaderStatus.ENDED


def test_the_term_ending_stops_payment(tree, settings):
    settings.HONOURS_LEADERS_RULES = {"term_years": 1, "monthly_amount": "120"}
    x = leader(tree, LeaderStatus.SELECTED, starts_on=D(2024, 12, 1))
    assert x.ends_on == D(2025, 11, 30)
    for m in (11, 12):
        services.run_allowances(month=month(2025, m))
    assert _paid_months(x) == [D(2025, 11, 1)]
    assert LeaderAllowance.objects.get().amount == Decimal("120.00")


def test_an_end_before_a_paid_month_is_refused(tree):
    x = leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 1, 1))
    services.run_allowances(month=month(2025, 6))
    with pytest.raises(DomainError) as e:
        services.end_title(actor=tree.district_staff, leader=x, kind="REVOKED", last_day=D(2025, 5, 20), reason="x")
    assert (e.value.code, e.value.field) == ("already_paid", "last_day")
    with pytest.raises(DomainError) as e:
        services.end_title(actor=tree.district_staff, leader=x, kind="REVOKED", last_day=D(2024, 12, 31), reason="x")
    assert e.value.code == "date_order"
    with pytest.raises(DomainError) as e:
        services.end_title(actor=tree.district_staff, leader=x, kind="FIRED", last_day=D(2025, 6, 5), reason="x")
    assert e.value.code == "invalid_end_kind"
    assert services.end_title(actor=tree.district_staff, leader=x, kind="REVOKED", last_day=D(2025, 6, 1),
                              reason="违反规定").ends_on == D(2025, 6, 1)


def test_nominated_declined_and_withdrawn_are_never_paid(tree):
    leader(tree)
    leader(tree, LeaderStatus.NOT_SELECTED)
    leader(tree, LeaderStatus.WITHDRAWN)
    run = services.run_allowances(month=services.today())
    assert run.paid_now == 0 and not LeaderAllowance.objects.exists()


def test_a_future_month_and_people_without_pay_are_refused(tree):
    nxt = services.next_month(services.today())
    with pytest.raises(DomainError) as e:
        services.run_allowances(actor=tree.district_staff, month=nxt)
    assert e.value.code == "month_in_future"
    for user in (tree.town1_cadre, tree.union1_chair):
        with pytest.raises(PermissionDenied):
            services.run_allowances(actor=user, month=D(2025, 1, 1))
    assert not LeaderAllowanceRun.objects.exists()


def test_month_helpers():
    assert services.next_month(D(2025, 12, 1)) == D(2026, 1, 1)
    assert services.next_month(D(2025, 1, 31)) == D(2025, 2, 1)
    assert services.term_end(D(2024, 2, 29), 3) == D(2027, 2, 27)


def test_overview_card_and_due_sources(tree, django_assert_max_num_queries):
    from gonghui.honours.selectors import leaders as selectors

    # Held from the 1st of this month, so this month's allowance is due whatever day the suite runs
    # (a title starting later in the month is paid from the next month).
    leader(tree, LeaderStatus.SELECTED, starts_on=services.today().replace(day=1))
    leader(tree, union=tree.union2)
    with django_assert_max_num_queries(3):
        card = selectors.overview_card(tree.town1_cadre)
    assert [row.value for row in card.rows][:2] == [1, 0]
    assert selectors.overview_card(tree.outsider) is None
    due = selectors.due_selections_summary(tree.district_staff)
    assert due.soon + due.overdue == 1
    assert selectors.due_selections_summary(tree.town1_cadre) is None
    run_due = selectors.due_allowance_run_summary(tree.district_staff)
    assert run_due is not None and run_due.overdue + run_due.soon == 1
    services.run_allowances(month=services.today())
    assert selectors.due_allowance_run_summary(tree.district_staff) is None
    assert (selectors.due_selections_summary, selectors.due_allowance_run_summary) == selectors.DUE_SOURCES
