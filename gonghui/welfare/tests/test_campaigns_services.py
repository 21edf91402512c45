"""Campaign services: the review chain to payment, amounts, eligibility (every failing reason
listed, at submission and again at approval), once a year, the budget never overspent, goods,
campaign definitions. Nothing partial is saved on a refusal."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.members.models import Membership
from gonghui.welfare.models.campaigns import (
    ApplicationStatus,
    BenefitKind,
    CampaignApplication,
    CampaignBudget,
    CampaignKind,
    CampaignStatus,
    GoodsDistribution,
)
from gonghui.welfare.models.hardship import HelpRecord
from gonghui.welfare.services import campaigns as services
from gonghui.welfare.testing.campaigns import CHILD, applied, approved, campaign, hardship_file, reviewed

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def budget(c, org):
    return CampaignBudget.objects.get(campaign=c, org=org)


def test_golden_autumn_from_submission_to_payment(tree):
    c = campaign(tree, hardship_required=True)
    person = tree.member().person
    f = hardship_file(person, tree.union1)
    x = applied(tree, c, person)
    assert (x.status, x.amount, x.town_id, x.on_hardship_file) == ("SUBMITTED", Decimal("5000.00"), tree.town1.pk, True)
    assert x.number.startswith(f"JZ{c.year}-")
    x = services.review_application(actor=tree.town1_cadre, application=x, note="情况属实")
    assert x.status == "TOWN_REVIEWED"
    x = services.approve_application(actor=tree.district_staff, application=x)
    assert x.status == "APPROVED" and x.budget.org == tree.town1
    assert budget(c, tree.town1).approved == Decimal("5000.00")
    p = services.record_payment(actor=tree.district_staff, application=x, paid_on=TODAY(), method="BANK",
                                reference="ZH-001")
    x.refresh_from_db()
    b = budget(c, tree.town1)
    assert (x.status, p.amount, b.approved, b.paid) == ("PAID", Decimal("5000.00"), Decimal("5000.00"),
                                                        Decimal("5000.00"))
    help_record = HelpRecord.objects.get(source_key=f"welfare.CampaignPayment:{p.pk}")
    assert (help_record.person_id, help_record.file_id, help_record.amount) == (person.pk, f.pk, Decimal("5000.00"))
    actions = list(AuditEvent.objects.filter(object_type="welfare.CampaignApplication", object_id=str(x.pk))
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["welfare.campaign_apply", "welfare.campaign_review", "welfare.campaign_approve",
                       "welfare.campaign_pay"]


@pytest.mark.parametrize(("level", "amount"), [("HIGH_SCHOOL", "3000.00"), ("COLLEGE", "4000.00"),
                                               ("UNDERGRADUATE", "5000.00")])
def test_amount_by_school_level(tree, level, amount):
    c = campaign(tree)
    x = applied(tree, c, details={**CHILD, "school_level": level})
    assert x.amount == Decimal(amount)


def test_level_missing_from_the_table_is_refused(tree):
    c = campaign(tree)
    with pytest.raises(services.NotEligible) as err:
        applied(tree, c, details={**CHILD, "school_level": "POSTGRADUATE"})
    assert [f.code for f in err.value.findings] == ["school_level"]


def test_ticket_subsidy_is_capped(tree):
    c = campaign(tree, kind=CampaignKind.SAFE_HOMECOMING, benefit=BenefitKind.TICKET, fixed_amount=Decimal("800"))
    x = applied(tree, c, details={"route": "杭州—贵阳", "ticket_cost": "1200"})
    y = applied(tree, c, details={"route": "杭州—合肥", "ticket_cost": "300.50"})
    assert (x.amount, y.amount) == (Decimal("800.00"), Decimal("300.50"))


def test_once_a_year_per_kind_names_the_other_application(tree):
    person = tree.member().person
    first = applied(tree, campaign(tree), person)
    with pytest.raises(services.NotEligible) as err:
        applied(tree, campaign(tree), person)
    assert err.value.code == "once_a_year" and first.number in err.value.text
    assert CampaignApplication.objects.filter(person=person).count() == 1


def test_once_a_year_frees_after_rejection_or_withdrawal(tree):
    person = tree.member().person
    x = applied(tree, campaign(tree), person)
    services.reject_application(actor=tree.town1_cadre, application=x, reason="材料不全")
    y = applied(tree, campaign(tree), person)
    services.withdraw_application(actor=tree.union1_chair, application=y)
    z = applied(tree, campaign(tree), person)
    assert z.status == "SUBMITTED"


def test_once_a_year_other_kind_and_other_year_allowed(tree):
    person = tree.member().person
    applied(tree, campaign(tree), person)
    other = campaign(tree, kind=CampaignKind.SUMMER_COOLING)
    assert applied(tree, other, person).status == "SUBMITTED"
    last_year = campaign(tree)
    last_year.year -= 1
    last_year.save()
    assert applied(tree, last_year, person).year == last_year.year


def test_once_a_year_is_a_database_constraint(tree):
    x = applied(tree, campaign(tree))
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignApplication.objects.create(number="X1", campaign=x.campaign, kind=x.kind, year=x.year, person=x.person,
                                           union=x.union, channel="UNION", status="DRAFT")


def test_every_failing_reason_is_listed_and_nothing_saved(tree):
    c = campaign(tree, hardship_required=True, migrant_required=True, outside_province_required=True)
    person = tree.member(is_migrant=False, hometown_province="浙江省").person
    before = AuditEvent.objects.count()
    with pytest.raises(services.NotEligible) as err:
        applied(tree, c, person, details={"child_name": "", "school_level": ""})
    codes = {f.code for f in err.value.findings}
    assert {"no_hardship_file", "not_migrant", "hometown", "required"} <= codes
    assert err.value.code == "not_eligible"
    assert not CampaignApplication.objects.exists() and AuditEvent.objects.count() == before


def test_hardship_category_rule(tree):
    c = campaign(tree, hardship_required=True, hardship_categories="DEEP")
    person = tree.member().person
    hardship_file(person, tree.union1, category="RELATIVE")
    with pytest.raises(services.NotEligible) as err:
        applied(tree, c, person)
    assert err.value.code == "hardship_category"


def test_person_not_a_member_of_the_union_is_refused(tree):
    c = campaign(tree)
    outsider = tree.member(union=tree.union2).person
    with pytest.raises(services.NotEligible) as err:
        applied(tree, c, outsider, union=tree.union1)
    assert err.value.code == "not_a_member"


def test_closed_or_out_of_window_campaign_refuses(tree):
    c = campaign(tree, status=CampaignStatus.CLOSED)
    with pytest.raises(services.NotEligible) as err:
        applied(tree, c)
    assert err.value.code == "not_open"
    c2 = campaign(tree)
    c2.opens_on = TODAY() + datetime.timedelta(days=2)
    c2.closes_on = TODAY() + datetime.timedelta(days=9)
    c2.save()
    with pytest.raises(services.NotEligible) as err:
        applied(tree, c2)
    assert err.value.code == "window"


def test_member_applies_only_where_members_may(tree):
    person = tree.member().person
    c = campaign(tree, members_apply=False)
    with pytest.raises(services.NotEligible) as err:
        services.apply_self(user=tree.member_user, person=person, campaign=c, data=CHILD)
    assert err.value.code == "channel"
    c2 = campaign(tree, kind=CampaignKind.SPRING_BREEZE)
    x = services.apply_self(user=tree.member_user, person=person, campaign=c2, data={})
    assert (x.channel, x.union_id, x.amount) == ("SELF", tree.union1.pk, Decimal("500.00"))


def test_approval_checks_eligibility_again(tree):
    c = campaign(tree)
    x = reviewed(tree, c)
    Membership.objects.filter(person=x.person).update(status="LEFT", ended_on=TODAY())
    with pytest.raises(services.NotEligible) as err:
        services.approve_application(actor=tree.district_staff, application=x)
    assert err.value.code == "not_a_member"
    x.refresh_from_db()
    assert x.status == "TOWN_REVIEWED" and budget(c, tree.town1).approved == 0


def test_budget_is_never_overspent(tree):
    c = campaign(tree, budgets={tree.town1: "8000"})
    approved(tree, c)  # 5000
    x = reviewed(tree, c)
    with pytest.raises(DomainError) as err:
        services.approve_application(actor=tree.district_staff, application=x)
    assert err.value.code == "over_budget"
    x.refresh_from_db()
    assert x.status == "TOWN_REVIEWED" and budget(c, tree.town1).approved == Decimal("5000.00")


def test_town_without_budget_uses_the_organisers_pool_or_is_refused(tree):
    c = campaign(tree, budgets={tree.district: "6000"})
    x = approved(tree, c)
    assert x.budget.org == tree.district
    c2 = campaign(tree, kind=CampaignKind.SPRING_BREEZE, budgets={tree.town2: "6000"})
    y = reviewed(tree, c2)
    with pytest.raises(DomainError) as err:
        services.approve_application(actor=tree.district_staff, application=y)
    assert err.value.code == "no_budget"


def test_part_payment_returns_the_rest_to_the_budget(tree):
    c = campaign(tree)
    x = approved(tree, c)
    services.record_payment(actor=tree.district_staff, application=x, paid_on=TODAY(), method="CASH",
                            amount="4500")
    b = budget(c, tree.town1)
    assert (b.approved, b.paid) == (Decimal("4500.00"), Decimal("4500.00"))


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"amount": "5000.01"}, "over_approved"),
    ({"amount": "-1"}, "invalid"),
    ({"amount": "12.345"}, "invalid"),
    ({"paid_on": "future"}, "invalid"),
    ({"method": "BANK", "reference": ""}, "required"),
])
def test_bad_payments_are_refused(tree, kwargs, code):
    c = campaign(tree)
    x = approved(tree, c)
    args = {"paid_on": TODAY(), "method": "CASH", "reference": ""}
    args.update(kwargs)
    if args["paid_on"] == "future":
        args["paid_on"] = TODAY() + datetime.timedelta(days=1)
    with pytest.raises(DomainError) as err:
        services.record_payment(actor=tree.district_staff, application=x, **args)
    assert err.value.code == code
    x.refresh_from_db()
    assert x.status == "APPROVED" and not HelpRecord.objects.exists()


def test_steps_out_of_order_are_wrong_stage(tree):
    c = campaign(tree)
    x = applied(tree, c)
    with pytest.raises(DomainError) as err:
        services.approve_application(actor=tree.district_staff, application=x)
    assert err.value.code == "wrong_stage"
    with pytest.raises(DomainError) as err:
        services.record_payment(actor=tree.district_staff, application=x, paid_on=TODAY(), method="CASH")
    assert err.value.code == "wrong_stage"


def test_draft_then_submit(tree):
    c = campaign(tree)
    person = tree.member().person
    x = services.apply_for_member(actor=tree.union1_chair, campaign=c, union=tree.union1, person=person,
                                  data={"child_name": "小红"}, submit=False)
    assert x.status == "DRAFT" and {f["code"] for f in x.findings} == {"required"}
    with pytest.raises(services.NotEligible):
        services.submit_application(actor=tree.union1_chair, application=x)
    x = services.submit_application(actor=tree.union1_chair, application=x, data=CHILD)
    assert (x.status, x.amount, x.findings) == ("SUBMITTED", Decimal("5000.00"), [])


def test_member_withdraws_own_only(tree):
    c = campaign(tree)
    person = tree.member().person
    x = applied(tree, c, person)
    other = tree.member().person
    with pytest.raises(DomainError):
        services.withdraw_own(user=tree.member_user, person=other, application=x)
    x = services.withdraw_own(user=tree.member_user, person=person, application=x)
    assert x.status == "WITHDRAWN"


def test_goods_campaign_hand_over_writes_help_record(tree):
    c = campaign(tree, kind=CampaignKind.SUMMER_COOLING, benefit=BenefitKind.GOODS, fixed_amount=Decimal("150"),
                 goods="防暑降温用品")
    x = approved(tree, c)
    with pytest.raises(DomainError) as err:
        services.record_payment(actor=tree.district_staff, application=x, paid_on=TODAY(), method="CASH")
    assert err.value.code == "goods_only"
    g = services.hand_over_goods(actor=tree.town1_cadre, application=x, quantity=2, given_on=TODAY())
    x.refresh_from_db()
    assert x.status == "PAID" and g.items == "防暑降温用品"
    assert HelpRecord.objects.get(source_key=f"welfare.GoodsDistribution:{g.pk}").goods == "防暑降温用品 × 2"
    assert budget(c, tree.town1).paid == Decimal("150.00")


def test_goods_to_a_site_consume_the_budget(tree):
    c = campaign(tree, kind=CampaignKind.SUMMER_COOLING, budgets={tree.town1: "1000"})
    services.record_goods(actor=tree.town1_cadre, campaign=c, org=tree.town1, items="西瓜", quantity=50,
                          value="800", given_on=TODAY(), site="某建筑工地")
    with pytest.raises(DomainError) as err:
        services.record_goods(actor=tree.town1_cadre, campaign=c, org=tree.town1, items="绿豆汤", quantity=10,
                              value="300", given_on=TODAY(), site="另一工地")
    assert err.value.code == "over_budget"
    with pytest.raises(DomainError) as err:  # a union does not spend its town's budget
        services.record_goods(actor=tree.union1_chair, campaign=c, org=tree.union1, items="绿豆汤", quantity=1,
                              value="10", given_on=TODAY(), site="车间")
    assert err.value.code == "not_budget_holder"
    assert GoodsDistribution.objects.count() == 1
    b = budget(c, tree.town1)
    assert (b.approved, b.paid) == (Decimal("800.00"), Decimal("800.00"))


def test_budget_cannot_go_below_approved_nor_to_a_union(tree):
    c = campaign(tree)
    approved(tree, c)
    with pytest.raises(DomainError) as err:
        services.set_budget(actor=tree.district_staff, campaign=c, org=tree.town1, allocated="4999.99")
    assert err.value.code == "below_approved"
    with pytest.raises(DomainError):
        services.set_budget(actor=tree.district_staff, campaign=c, org=tree.union1, allocated="100")
    b = services.set_budget(actor=tree.district_staff, campaign=c, org=tree.town1, allocated="30000")
    assert b.allocated == Decimal("30000.00")


GOOD = {"kind": "GOLDEN_AUTUMN", "year": 2026, "title": "2026年金秋助学", "opens_on": datetime.date(2026, 8, 1),
        "closes_on": datetime.date(2026, 9, 30), "unions_apply": True, "benefit": "BY_SCHOOL_LEVEL",
        "school_amounts": {"HIGH_SCHOOL": "3000", "UNDERGRADUATE": "5000"}, "hardship_categories": ["DEEP"]}


@pytest.mark.parametrize(("change", "field"), [
    ({"closes_on": datetime.date(2026, 7, 1)}, "closes_on"),
    ({"benefit": "FIXED", "fixed_amount": ""}, "fixed_amount"),
    ({"school_amounts": {}}, "school_amounts"),
    ({"unions_apply": False}, "unions_apply"),
    ({"year": 1990}, "year"),
    ({"title": " "}, "title"),
])
def test_campaign_definition_is_validated(tree, change, field):
    with pytest.raises(DomainError) as err:
        services.create_campaign(actor=tree.district_staff, org=tree.district, data={**GOOD, **change})
    assert err.value.field == field


def test_campaign_opens_only_with_a_budget(tree):
    c = services.create_campaign(actor=tree.district_staff, org=tree.district, data=GOOD)
    assert c.hardship_required and c.hardship_categories == "DEEP"
    with pytest.raises(DomainError) as err:
        services.set_campaign_status(actor=tree.district_staff, campaign=c, status=CampaignStatus.OPEN)
    assert err.value.code == "no_budget"
    services.set_budget(actor=tree.district_staff, campaign=c, org=tree.town1, allocated="10000")
    c = services.set_campaign_status(actor=tree.district_staff, campaign=c, status=CampaignStatus.OPEN)
    assert c.status == "OPEN"


def test_application_rows_status_values(tree):
    assert set(ApplicationStatus.values) >= {"DRAFT", "SUBMITTED", "TOWN_REVIEWED", "APPROVED", "PAID", "REJECTED",
                                             "WITHDRAWN"}
