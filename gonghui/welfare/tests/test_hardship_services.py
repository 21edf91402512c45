"""Hardship file services: opening, lines and the calculator's figures on the file, submit,
town review, yearly review, exit, the reveal (audited), help records (idempotent, on the file)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.welfare.models.hardship import (
    HardshipFile,
    HardshipReview,
    HardshipStatus,
    HelpRecord,
    HouseholdMember,
    IncomeLine,
)
from gonghui.welfare.selectors import hardship as selectors
from gonghui.welfare.services import hardship as services
from gonghui.welfare.testing.hardship import active, draft, submitted

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def code(exc_info):
    return exc_info.value.code


def test_create_numbers_the_file_and_puts_the_worker_in_the_household(tree):
    person = tree.member().person
    f = services.create_file(actor=tree.union1_chair, org=tree.union1, person=person, reason="因病致困")
    assert f.status == HardshipStatus.DRAFT and f.number.startswith(f"KN{services.today().year}-")
    assert list(f.household.values_list("relation", "name")) == [("SELF", person.name)]
    assert f.household_size == 1 and f.computed_category == "DEEP"  # no income yet
    assert AuditEvent.objects.filter(action="welfare.hardship_create", object_id=str(f.pk)).exists()
    g = draft(tree)
    assert g.number != f.number


def test_create_refuses_non_members_second_open_file_and_empty_reason(tree):
    with pytest.raises(DomainError) as e:
        services.create_file(actor=tree.district_staff, org=tree.union1, person=tree.member(union=tree.union2).person,
                             reason="x")
    assert code(e) == "not_a_member"
    f = draft(tree)
    with pytest.raises(DomainError) as e:
        services.create_file(actor=tree.district_staff, org=tree.union1, person=f.person, reason="x")
    assert (code(e), e.value.field) == ("open_file_exists", "person")
    with pytest.raises(DomainError) as e:
        services.create_file(actor=tree.district_staff, org=tree.union1, person=tree.member().person, reason=" ")
    assert (code(e), e.value.field) == ("required", "reason")
    with pytest.raises(DomainError) as e:
        services.create_file(actor=tree.district_staff, org=tree.town1, person=tree.member().person, reason="x")
    assert code(e) == "not_a_union"
    assert HardshipFile.objects.count() == 1


def test_lines_keep_the_calculators_figures_on_the_file(tree):
    f = draft(tree, persons=2, income="30000", rigid="6000", unexpected="1000")
    assert (f.household_size, f.annual_income, f.annual_rigid_costs, f.annual_unexpected_costs) == \
        (2, Decimal("30000.00"), Decimal("6000.00"), Decimal("1000.00"))
    assert f.per_capita_monthly == Decimal("1000.00") and f.computed_category == "DEEP"
    services.add_income(actor=tree.union1_staff, file=f, kind="PENSION", annual_amount="20000")
    f.refresh_from_db()
    assert f.per_capita_monthly == Decimal("1833.33") and f.computed_category == "RELATIVE"
    line = IncomeLine.objects.get(file=f, kind="PENSION")
    services.remove_line(actor=tree.union1_staff, file=f, part="income", line_id=line.pk)
    f.refresh_from_db()
    assert f.computed_category == "DEEP"


def test_bad_amounts_are_refused_and_nothing_saved(tree):
    f = draft(tree)
    for amount, expected in [("-1", "negative_amount"), ("0", "zero_amount"), ("1.234", "too_many_decimals"),
                             ("abc", "invalid_amount"), ("100000000", "amount_too_large")]:
        with pytest.raises(DomainError) as e:
            services.add_income(actor=tree.district_staff, file=f, kind="WAGES", annual_amount=amount)
        assert (code(e), e.value.field) == (expected, "annual_amount")
    assert IncomeLine.objects.filter(file=f).count() == 1


def test_household_rules(tree):
    f = draft(tree, persons=1)
    with pytest.raises(DomainError) as e:
        services.add_household_member(actor=tree.district_staff, file=f, name="张三", relation="SELF", birth_year=1990)
    assert code(e) == "invalid_relation"
    with pytest.raises(DomainError) as e:
        services.add_household_member(actor=tree.district_staff, file=f, name="张三", relation="CHILD",
                                      birth_year=services.today().year + 1)
    assert code(e) == "invalid_birth_year"
    worker = HouseholdMember.objects.get(file=f)
    with pytest.raises(DomainError) as e:
        services.remove_line(actor=tree.district_staff, file=f, part="household", line_id=worker.pk)
    assert code(e) == "cannot_remove_worker"


def test_submit_refuses_a_household_not_in_hardship(tree):
    f = draft(tree, persons=1, income="60000", rigid="0")  # 5000 per month > 2 × 1280
    with pytest.raises(DomainError) as e:
        services.submit_file(actor=tree.union1_staff, file=f)
    assert code(e) == "not_eligible"
    assert HardshipFile.objects.get(pk=f.pk).status == HardshipStatus.DRAFT


def test_accept_sets_category_dates_and_a_review_row(tree):
    f = submitted(tree)
    with pytest.raises(DomainError) as e:
        services.add_income(actor=tree.union1_staff, file=f, kind="WAGES", annual_amount="1")
    assert code(e) == "wrong_stage"
    services.review_file(actor=tree.town1_cadre, file=f, decision="ACCEPTED")
    f.refresh_from_db()
    day = services.today()
    assert (f.status, f.category, f.accepted_on) == (HardshipStatus.ACTIVE, "DEEP", day)
    assert f.review_due_on == services.add_months(day, 12)
    assert selectors.active_file_of(f.person) == f and selectors.active_files_by_person([f.person_id]) == {
        f.person_id: f}
    assert HardshipReview.objects.get(file=f).outcome == "ACCEPTED"


def test_reject_and_return_need_a_reason(tree):
    f = submitted(tree)
    with pytest.raises(DomainError) as e:
        services.review_file(actor=tree.town1_cadre, file=f, decision="REJECTED", note="")
    assert (code(e), e.value.field) == ("required", "note")
    services.review_file(actor=tree.town1_cadre, file=f, decision="RETURNED", note="收入证明缺失")
    assert HardshipFile.objects.get(pk=f.pk).status == HardshipStatus.DRAFT
    services.submit_file(actor=tree.union1_chair, file=f)
    services.review_file(actor=tree.town1_cadre, file=f, decision="REJECTED", note="不符合条件")
    f.refresh_from_db()
    assert f.status == HardshipStatus.REJECTED
    # A rejected file does not block a new one.
    assert services.create_file(actor=tree.union1_chair, org=tree.union1, person=f.person, reason="再次申请")


def test_review_date_cannot_be_in_the_future(tree):
    f = submitted(tree)
    with pytest.raises(DomainError) as e:
        services.review_file(actor=tree.town1_cadre, file=f, decision="ACCEPTED", reviewed_on=services.today() + DAY)
    assert code(e) == "date_in_future"


def test_yearly_review_keeps_or_exits(tree):
    f = active(tree)
    review = services.yearly_review(actor=tree.town1_cadre, file=f, note="情况未变")
    f.refresh_from_db()
    assert review.outcome == "KEPT" and f.status == HardshipStatus.ACTIVE
    services.add_income(actor=tree.union1_chair, file=f, kind="WAGES", annual_amount="200000")
    review = services.yearly_review(actor=tree.town1_cadre, file=f)
    f.refresh_from_db()
    assert review.outcome == "EXITED" and f.status == HardshipStatus.EXITED and f.exit_kind == "NOT_ELIGIBLE"
    assert f.review_due_on is None and selectors.active_file_of(f.person) is None


def test_exit_with_a_reason(tree):
    f = active(tree)
    with pytest.raises(DomainError) as e:
        services.exit_file(actor=tree.town1_cadre, file=f, kind="BORED")
    assert code(e) == "invalid_exit_reason"
    services.exit_file(actor=tree.town1_cadre, file=f, kind="LEFT", note="调离本单位")
    f.refresh_from_db()
    assert (f.status, f.exit_kind, f.exited_on) == (HardshipStatus.EXITED, "LEFT", services.today())
    with pytest.raises(DomainError) as e:
        services.exit_file(actor=tree.town1_cadre, file=f, kind="LEFT")
    assert code(e) == "wrong_stage"


def test_reveal_is_audited_and_refused_to_union_staff(tree):
    f = draft(tree)
    values = services.reveal_file(actor=tree.union1_chair, file=f)
    assert values["household_size"] == 3 and values["reason"]
    assert AuditEvent.objects.filter(action="welfare.hardship_reveal", object_id=str(f.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        services.reveal_file(actor=tree.union1_staff, file=f)
    with pytest.raises(PermissionDenied):
        services.reveal_file(actor=tree.town2_cadre, file=f)


def test_audit_trail_of_lines_holds_no_amounts(tree):
    f = draft(tree)
    for e in AuditEvent.objects.filter(object_id=str(f.pk), action__startswith="welfare.hardship_"):
        assert "30000" not in str(e.after) and "6000" not in str(e.after)


def test_record_help_is_idempotent_and_attaches_the_active_file(tree):
    f = active(tree)
    kw = {"actor": tree.district_staff, "person": f.person, "org": tree.town1, "kind": "CAMPAIGN",
          "source_key": "welfare.CampaignPayment:1", "source_label": "金秋助学", "given_on": services.today(),
          "amount": Decimal("3000")}
    a = services.record_help(**kw)
    b = services.record_help(**kw)
    assert a.pk == b.pk and a.file_id == f.pk
    assert list(selectors.help_records_of(f.person)) == [a]


def test_add_help_by_hand(tree):
    f = active(tree)
    h = services.add_help(actor=tree.town1_cadre, file=f, kind="VISIT", given_on=services.today(),
                          amount=Decimal("500"), goods="米、油", note="春节走访慰问")
    assert (h.file_id, h.org_id, h.kind) == (f.pk, tree.town1.pk, "VISIT")
    with pytest.raises(DomainError) as e:
        services.add_help(actor=tree.town1_cadre, file=f, kind="CAMPAIGN", given_on=services.today(),
                          amount=Decimal("1"), note="x")
    assert code(e) == "invalid_kind"
    with pytest.raises(DomainError) as e:
        services.add_help(actor=tree.town1_cadre, file=f, kind="VISIT", given_on=services.today(), amount=None,
                          goods="", note="走访")
    assert code(e) == "empty_help"
    assert HelpRecord.objects.count() == 1


def test_help_given_while_pending_attaches_on_acceptance(tree):
    f = submitted(tree)
    h = services.record_help(actor=tree.district_staff, person=f.person, org=tree.town1, kind="CAMPAIGN",
                             source_key="welfare.CampaignPayment:9", source_label="高温慰问",
                             given_on=services.today(), goods="清凉包")
    assert h.file_id is None
    services.review_file(actor=tree.town1_cadre, file=f, decision="ACCEPTED")
    h.refresh_from_db()
    assert h.file_id == f.pk


def test_due_source_and_overview_card(tree):
    f = active(tree)
    HardshipFile.objects.filter(pk=f.pk).update(review_due_on=services.today() - DAY)
    s = selectors.due_reviews_summary(tree.town1_cadre)
    assert (s.overdue, s.soon) == (1, 0)
    assert selectors.due_reviews_summary(tree.town2_cadre).overdue == 0
    assert selectors.due_reviews_summary(tree.union1_chair) is None  # no review right
    card = selectors.overview_card(tree.union1_staff)
    assert [r.value for r in card.rows][:5] == [1, 0, 0, 0, 1]
