"""Medical mutual aid services: plans, enrolment (bulk, all or nothing, payment), claims (the
payout rules, caps per person per year, duplicate claims, the workflow) and the payout ledger
written to the help records."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.welfare.models.hardship import HelpRecord
from gonghui.welfare.models.mutualaid import (
    ClaimInvoice,
    ClaimStatus,
    MutualAidClaim,
    MutualAidCoverage,
    MutualAidEnrolment,
    PaymentStatus,
)
from gonghui.welfare.services import mutualaid as services
from gonghui.welfare.testing.mutualaid import claim, covered, pdf, plan, reviewed, stay

pytestmark = pytest.mark.django_db
D = Decimal
DAY = datetime.timedelta(days=1)


def code_of(call):
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value.code


# --- plans -------------------------------------------------------------------------------------

def test_plan_rules_are_validated(tree):
    p = plan(tree, open_=False)
    assert code_of(lambda: plan(tree)) == "plan_exists"
    base = {k: getattr(p, k) for k in ("name", "premium", "enrol_from", "enrol_until", "coverage_starts",
                                       "coverage_ends", "hospital_deductible", "hospital_ratio", "hospital_cap",
                                       "serious_sum", "serious_cap", "overall_cap")}
    bad = [({"hospital_ratio": D("1.5")}, "bad_ratio"), ({"premium": D("0")}, "bad_amount"),
           ({"enrol_until": p.enrol_from - DAY}, "date_order"), ({"coverage_ends": p.coverage_starts}, "date_order"),
           ({"serious_sum": D("20000")}, "sum_above_cap"), ({"overall_cap": D("100")}, "overall_below_cap"),
           ({"premium": D("1.234")}, "bad_amount")]
    for change, code in bad:
        assert code_of(lambda c=change: services.update_plan(actor=tree.district_staff, plan=p, year=p.year,
                                                             **{**base, **c})) == code, change
    assert code_of(lambda: services.update_plan(actor=tree.district_staff, plan=p, year=1999, **base)) == "bad_year"


def test_only_the_district_configures_plans(tree):
    p = plan(tree, open_=False)
    for user in (tree.town1_cadre, tree.union1_chair):
        with pytest.raises(PermissionDenied):
            services.open_plan(actor=user, plan=p)
    services.open_plan(actor=tree.district_staff, plan=p)
    assert code_of(lambda: services.update_plan(actor=tree.district_staff, plan=p, year=p.year, name="x",
                                                premium=1)) == "wrong_stage"
    services.close_plan(actor=tree.district_staff, plan=p)
    assert code_of(lambda: services.enrol(actor=tree.union1_chair, plan=p, union=tree.union1)) == "plan_not_open"


# --- enrolment ---------------------------------------------------------------------------------

def test_enrol_every_live_member_then_only_newcomers(tree):
    p = plan(tree)
    people = [tree.member().person for _ in range(3)]
    e = services.enrol(actor=tree.union1_chair, plan=p, union=tree.union1)
    assert (e.people, e.amount_due, e.status) == (3, D("90.00"), PaymentStatus.UNPAID)
    assert set(MutualAidCoverage.objects.filter(enrolment=e).values_list("person_id", flat=True)) == \
        {x.pk for x in people}
    assert code_of(lambda: services.enrol(actor=tree.union1_chair, plan=p, union=tree.union1)) == "nobody_to_enrol"
    newcomer = tree.member().person
    e2 = services.enrol(actor=tree.union1_chair, plan=p, union=tree.union1)
    assert e2.people == 1 and e2.coverages.get().person == newcomer


def test_picked_people_all_or_nothing(tree):
    p = plan(tree)
    a, b = tree.member().person, tree.member().person
    outsider = tree.member(union=tree.union2).person
    before = MutualAidEnrolment.objects.count()
    assert code_of(lambda: services.enrol(actor=tree.union1_chair, plan=p, union=tree.union1,
                                          people=[a.pk, outsider.pk])) == "not_a_member"
    assert MutualAidEnrolment.objects.count() == before and not MutualAidCoverage.objects.exists()
    services.enrol(actor=tree.union1_chair, plan=p, union=tree.union1, people=[a.pk])
    with pytest.raises(DomainError) as exc:
        services.enrol(actor=tree.union1_chair, plan=p, union=tree.union1, people=[a.pk, b.pk])
    assert exc.value.code == "already_covered" and a.name in exc.value.text
    assert MutualAidCoverage.objects.filter(person=b).count() == 0


def test_add_remove_cancel_while_unpaid(tree):
    p = plan(tree)
    a = tree.member().person
    e = services.enrol(actor=tree.union1_staff, plan=p, union=tree.union1, people=[a.pk])
    b = tree.member().person
    e = services.add_people(actor=tree.union1_staff, enrolment=e, people=[b.pk])
    assert (e.people, e.amount_due) == (2, D("60.00"))
    e = services.remove_person(actor=tree.union1_staff, enrolment=e, coverage=e.coverages.get(person=a))
    assert (e.people, e.amount_due) == (1, D("30.00"))
    e = services.cancel_enrolment(actor=tree.union1_staff, enrolment=e)
    assert e.status == PaymentStatus.CANCELLED and not MutualAidCoverage.objects.exists()
    # the people may be enrolled again in another batch
    services.enrol(actor=tree.union1_staff, plan=p, union=tree.union1, people=[a.pk, b.pk])


def test_payment_starts_coverage_and_freezes_the_batch(tree):
    p = plan(tree)
    a = tree.member().person
    e = services.enrol(actor=tree.union1_chair, plan=p, union=tree.union1, people=[a.pk])
    with pytest.raises(PermissionDenied):  # a union does not record its own payment
        services.record_payment(actor=tree.union1_chair, enrolment=e, paid_on=services.today(), reference="X")
    assert code_of(lambda: services.record_payment(actor=tree.town1_cadre, enrolment=e, paid_on=services.today(),
                                                   reference="X", amount=D("29"))) == "amount_mismatch"
    assert code_of(lambda: services.record_payment(actor=tree.town1_cadre, enrolment=e,
                                                   paid_on=services.today() + DAY, reference="X")) == "date_in_future"
    e = services.record_payment(actor=tree.town1_cadre, enrolment=e, paid_on=services.today(), reference="X",
                                amount=D("30.00"))
    cov = e.coverages.get()
    assert e.status == PaymentStatus.PAID and cov.effective_from == max(p.coverage_starts, services.today())
    assert code_of(lambda: services.add_people(actor=tree.union1_chair, enrolment=e)) == "wrong_stage"
    assert code_of(lambda: services.cancel_enrolment(actor=tree.union1_chair, enrolment=e)) == "wrong_stage"


# --- claims: rules -----------------------------------------------------------------------------

def test_payout_rules(tree):
    p = plan(tree, open_=False)
    assert services.compute_payout(p, "HOSPITAL", D("8500")) == D("4000.00")
    assert services.compute_payout(p, "HOSPITAL", D("400")) == D("0.00")
    assert services.compute_payout(p, "HOSPITAL", D("500.03")) == D("0.02")  # half a fen rounds up
    assert services.compute_payout(p, "SERIOUS", D("0")) == D("10000.00")


def test_a_claim_needs_a_paid_coverage_and_dates_inside_it(tree):
    p = plan(tree)
    (unpaid,) = covered(tree, p, paid=False)
    assert code_of(lambda: claim(tree, unpaid)) == "not_paid"
    (cov,) = covered(tree, p, paid_on=services.today() - 10 * DAY)
    assert code_of(lambda: claim(tree, cov, when=stay(days_ago=-1))) == "date_in_future"
    start = cov.effective_from
    if start > p.coverage_starts:
        assert code_of(lambda: claim(tree, cov, when=(start - DAY, start))) == "not_covered"
    assert code_of(lambda: claim(tree, cov, when=(services.today() - 2 * DAY, services.today() - 3 * DAY))) \
        == "date_order"
    recent = (services.today() - 5 * DAY, services.today() - 3 * DAY)
    assert code_of(lambda: claim(tree, cov, eligible="13000", total="12000", when=recent)) == "eligible_above_total"
    assert code_of(lambda: claim(tree, cov, invoices="发票一号", when=recent)) == "bad_invoice"
    assert not MutualAidClaim.objects.exists()


def test_claim_numbers_and_audit(tree):
    p = plan(tree)
    (cov,) = covered(tree, p)
    c = claim(tree, cov, when=(services.today() - 3 * DAY, services.today() - 2 * DAY))
    assert c.number == f"MA{p.year}-00001" and c.status == ClaimStatus.DRAFT and c.town == tree.town1
    assert AuditEvent.objects.filter(action="welfare.mutualaid_claim_create", object_id=str(c.pk)).exists()


# --- duplicates ----------------------------------------------------------------------------------

def test_the_same_invoice_is_refused_naming_the_other_claim(tree):
    p = plan(tree)
    a, b = covered(tree, p, people=[tree.member().person, tree.member().person])
    first = claim(tree, a, invoices="ZJ2026-0001 ZJ2026-0002", when=(services.today() - 9 * DAY,
                                                                      services.today() - 8 * DAY))
    with pytest.raises(DomainError) as exc:
        claim(tree, b, invoices="zj2026-0002", when=(services.today() - 9 * DAY, services.today() - 8 * DAY))
    assert exc.value.code == "duplicate_invoice" and first.number in exc.value.text
    assert exc.value.field == "invoice_numbers"
    services.withdraw_claim(actor=tree.union1_chair, claim=first)  # a withdrawn claim frees its invoices
    assert claim(tree, b, invoices="ZJ2026-0002").status == ClaimStatus.DRAFT


def test_an_overlapping_stay_of_the_same_person_is_refused(tree):
    p = plan(tree)
    (cov,) = covered(tree, p)
    t = services.today()
    first = claim(tree, cov, when=(t - 10 * DAY, t - 5 * DAY))
    with pytest.raises(DomainError) as exc:
        claim(tree, cov, when=(t - 6 * DAY, t - 2 * DAY))
    assert exc.value.code == "duplicate_stay" and first.number in exc.value.text
    assert claim(tree, cov, when=(t - 4 * DAY, t - 2 * DAY)).status == ClaimStatus.DRAFT  # after: fine
    services.reject_claim(actor=tree.district_staff, claim=services.submit_claim(
        actor=tree.district_staff, claim=_with_doc(tree, first)), reason="材料不全")
    assert ClaimInvoice.objects.filter(claim=first, live=True).count() == 0
    assert claim(tree, cov, when=(t - 9 * DAY, t - 6 * DAY)).status == ClaimStatus.DRAFT  # rejected one no longer


def _with_doc(tree, c):
    services.add_document(actor=tree.district_staff, claim=c, upload=pdf())
    return c


# --- caps --------------------------------------------------------------------------------------

def test_approval_is_cut_to_the_benefit_cap(tree):
    p = plan(tree, hospital_cap=D("5000.00"))
    (cov,) = covered(tree, p)
    t = services.today()
    c1 = services.approve_claim(actor=tree.district_staff, claim=reviewed(tree, claim(
        tree, cov, eligible="8500", when=(t - 30 * DAY, t - 25 * DAY))))
    assert (c1.computed_amount, c1.approved_amount) == (D("4000.00"), D("4000.00"))
    c2 = services.approve_claim(actor=tree.district_staff, claim=reviewed(tree, claim(
        tree, cov, eligible="8500", when=(t - 20 * DAY, t - 15 * DAY))))
    assert (c2.computed_amount, c2.approved_amount) == (D("4000.00"), D("1000.00"))
    c3 = reviewed(tree, claim(tree, cov, eligible="8500", when=(t - 10 * DAY, t - 5 * DAY)))
    assert code_of(lambda: services.approve_claim(actor=tree.district_staff, claim=c3)) == "cap_reached"
    cov.refresh_from_db()
    assert (cov.hospital_approved, cov.total_approved) == (D("5000.00"), D("5000.00"))
    assert MutualAidClaim.objects.get(pk=c3.pk).status == ClaimStatus.REVIEWED


def test_the_overall_cap_binds_both_benefits(tree):
    p = plan(tree, overall_cap=D("20000.00"))
    (cov,) = covered(tree, p)
    t = services.today()
    big = services.approve_claim(actor=tree.district_staff, claim=reviewed(tree, claim(
        tree, cov, eligible="40000", total="50000", when=(t - 30 * DAY, t - 20 * DAY))))
    assert big.approved_amount == D("19750.00")
    serious = services.approve_claim(actor=tree.district_staff, claim=reviewed(tree, claim(
        tree, cov, kind="SERIOUS", eligible="0", when=(t - 5 * DAY, t - 5 * DAY))))
    assert (serious.computed_amount, serious.approved_amount) == (D("10000.00"), D("250.00"))


def test_caps_are_per_year_plan(tree):
    """Next year's plan starts from zero for the same person."""
    p = plan(tree, hospital_cap=D("1000.00"), overall_cap=D("10000.00"))
    (cov,) = covered(tree, p)
    c = services.approve_claim(actor=tree.district_staff, claim=reviewed(tree, claim(tree, cov)))
    assert c.approved_amount == D("1000.00")
    nxt = plan(tree, year=p.year + 1, open_=True, hospital_cap=D("1000.00"), overall_cap=D("10000.00"))
    (cov2,) = covered(tree, nxt, people=[cov.person])
    assert services.remaining_caps(nxt, cov2)["HOSPITAL"] == D("1000.00")


def test_nothing_payable_under_the_deductible(tree):
    p = plan(tree)
    (cov,) = covered(tree, p)
    c = reviewed(tree, claim(tree, cov, eligible="300", total="900"))
    assert code_of(lambda: services.approve_claim(actor=tree.district_staff, claim=c)) == "nothing_payable"


# --- workflow and ledger -------------------------------------------------------------------------

def test_full_workflow_to_the_ledger_and_help_record(tree):
    p = plan(tree)
    (cov,) = covered(tree, p)
    c = claim(tree, cov, actor=tree.union1_staff)
    assert code_of(lambda: services.submit_claim(actor=tree.union1_staff, claim=c)) == "documents_missing"
    services.add_document(actor=tree.union1_staff, claim=c, upload=pdf())
    c = services.submit_claim(actor=tree.union1_staff, claim=c)
    with pytest.raises(PermissionDenied):
        services.review_claim(actor=tree.union1_chair, claim=c)
    with pytest.raises(PermissionDenied):
        services.review_claim(actor=tree.town2_cadre, claim=c)
    c = services.review_claim(actor=tree.town1_cadre, claim=c, note="材料齐全")
    with pytest.raises(PermissionDenied):  # the town reviews; the district approves
        services.approve_claim(actor=tree.town1_cadre, claim=c)
    c = services.approve_claim(actor=tree.district_staff, claim=c)
    assert c.approved_amount == D("4000.00")
    assert code_of(lambda: services.pay_claim(actor=tree.district_staff, claim=c, paid_on=services.today(),
                                              reference="")) == "required"
    payout = services.pay_claim(actor=tree.district_staff, claim=c, paid_on=services.today(), reference="PAY-9")
    c.refresh_from_db()
    assert c.status == ClaimStatus.PAID and payout.amount == D("4000.00")
    help_ = HelpRecord.objects.get(source_key=f"welfare.ClaimPayout:{payout.pk}")
    assert (help_.person_id, help_.amount, help_.kind, help_.org) == (cov.person_id, D("4000.00"), "MUTUAL_AID",
                                                                      tree.district)
    assert code_of(lambda: services.pay_claim(actor=tree.district_staff, claim=c, paid_on=services.today(),
                                              reference="again")) == "wrong_stage"
    actions = set(AuditEvent.objects.filter(object_id=str(c.pk), object_type="welfare.MutualAidClaim")
                  .values_list("action", flat=True))
    assert {"welfare.mutualaid_claim_submit", "welfare.mutualaid_claim_review", "welfare.mutualaid_claim_approve",
            "welfare.mutualaid_claim_pay"} <= actions


def test_reject_needs_a_reason_and_the_right_stage(tree):
    p = plan(tree)
    (cov,) = covered(tree, p)
    c = claim(tree, cov, submit=True)
    assert code_of(lambda: services.reject_claim(actor=tree.town1_cadre, claim=c, reason=" ")) == "required"
    c = services.reject_claim(actor=tree.town1_cadre, claim=c, reason="非住院费用")
    assert c.status == ClaimStatus.REJECTED and c.reject_reason == "非住院费用"
    assert code_of(lambda: services.withdraw_claim(actor=tree.union1_chair, claim=c)) == "wrong_stage"
    assert code_of(lambda: services.reject_claim(actor=tree.district_staff, claim=c, reason="x")) == "wrong_stage"


def test_documents_are_checked_by_content(tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = plan(tree)
    (cov,) = covered(tree, p)
    c = claim(tree, cov)
    fake = SimpleUploadedFile("发票.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        services.add_document(actor=tree.union1_chair, claim=c, upload=fake)
    assert exc.value.field == "file" and not c.documents.exists()
    doc = services.add_document(actor=tree.union1_chair, claim=c, upload=pdf())
    services.remove_document(actor=tree.union1_chair, document=doc)
    assert not c.documents.exists()


def test_a_claim_is_made_within_the_window_and_a_serious_illness_is_one_day(tree, settings):
    settings.WELFARE_MUTUALAID_RULES = {"claim_within_days": 10}
    p = plan(tree)
    (cov,) = covered(tree, p)
    assert code_of(lambda: claim(tree, cov, when=stay(days_ago=20))) == "claim_too_late"
    day = services.today() - 5 * DAY
    c = services.create_claim(actor=tree.union1_chair, coverage=cov, kind="SERIOUS", hospital="浙大二院",
                              admitted_on=day, discharged_on=None, diagnosis="恶性肿瘤", invoice_numbers="S0001",
                              total_cost=D("80000"), eligible_cost=D("60000"))
    assert c.discharged_on == c.admitted_on == day


def test_plans_in_draft_take_no_claims_and_withdrawn_claims_stop_there(tree):
    p = plan(tree)
    (cov,) = covered(tree, p)
    c = claim(tree, cov, submit=True)
    c = services.withdraw_claim(actor=tree.union1_staff, claim=c)
    assert c.status == ClaimStatus.WITHDRAWN
    assert code_of(lambda: services.review_claim(actor=tree.town1_cadre, claim=c)) == "wrong_stage"
    assert code_of(lambda: services.add_document(actor=tree.union1_staff, claim=c, upload=pdf())) == "wrong_stage"
