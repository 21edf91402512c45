"""Mutual aid claims the covered member files for themself (issue 11, the member portal): the same
validation and duplicate checks as the union's claims, own coverage only, paid coverage only; the
member sends it to the union, which checks it and submits it or returns it with a reason; the
member corrects and re-sends, or withdraws before the union submits. Audited and notified."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.accounts.roles import Role
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Notification
from gonghui.core.testing.factories import user_with_role
from gonghui.members.models import Person
from gonghui.welfare.models.mutualaid import ClaimInvoice, ClaimStatus, MutualAidClaim
from gonghui.welfare.selectors import mutualaid as selectors
from gonghui.welfare.services import mutualaid as services
from gonghui.welfare.testing.mutualaid import claim, covered, pdf, plan, stay

pytestmark = pytest.mark.django_db
D = Decimal
DAY = datetime.timedelta(days=1)


def code_of(call):
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value.code


def linked(tree, p, user=None, *, union=None, paid=True):
    """A member of union1 (or `union`) whose portal login is `user` (default member1), covered by
    `p` (paid unless `paid` is False). Returns the coverage."""
    m = tree.member(union=union or tree.union1)
    Person.objects.filter(pk=m.person.pk).update(account=user or tree.member_user)
    (cov,) = covered(tree, p, union=union, people=[m.person], paid=paid)
    return cov


def values(**overrides):
    admitted, discharged = stay()
    return {"kind": "HOSPITAL", "hospital": "萧山区第一人民医院", "admitted_on": admitted, "discharged_on": discharged,
            "diagnosis": "急性阑尾炎", "invoice_numbers": "FP2026001 fp2026002", "total_cost": D("12000.00"),
            "eligible_cost": D("8500.00"), **overrides}


def start(tree, cov, user=None, **overrides):
    return services.create_member_claim(actor=user or tree.member_user, coverage=cov, **values(**overrides))


def sent(tree, cov, user=None, **overrides):
    c = start(tree, cov, user, **overrides)
    services.add_member_document(actor=user or tree.member_user, claim=c, upload=pdf())
    return services.send_claim(actor=user or tree.member_user, claim=c)


def test_a_member_starts_a_claim_on_their_own_paid_coverage(tree):
    cov = linked(tree, plan(tree))
    c = start(tree, cov)
    assert (c.status, c.filed_by_member, c.with_member, c.union, c.person_id) == (
        ClaimStatus.DRAFT, True, True, tree.union1, cov.person_id)
    assert c.invoice_numbers == "FP2026001 FP2026002"
    assert set(ClaimInvoice.objects.filter(claim=c, live=True).values_list("number", flat=True)) == {
        "FP2026001", "FP2026002"}
    event = AuditEvent.objects.get(action="welfare.mutualaid_claim_create", object_id=str(c.pk))
    assert event.actor == tree.member_user and event.after["by_member"] is True
    assert "急性阑尾炎" not in str(event.after)  # the diagnosis never reaches the audit trail


def test_only_the_covered_persons_own_login(tree):
    p = plan(tree)
    cov = linked(tree, p)
    other = user_with_role(tree.union1, Role.MEMBER, username="member2")
    linked(tree, p, other)
    for user in (other, tree.union1_chair, tree.district_staff, tree.outsider):
        with pytest.raises(PermissionDenied):
            start(tree, cov, user)
    c = start(tree, cov)
    for user in (other, tree.union1_chair):
        with pytest.raises(PermissionDenied):
            services.add_member_document(actor=user, claim=c, upload=pdf())
        with pytest.raises(PermissionDenied):
            services.send_claim(actor=user, claim=c)
        with pytest.raises(PermissionDenied):
            services.withdraw_member_claim(actor=user, claim=c)
    union_claim = claim(tree, cov, when=stay(40))  # filed by the district: the member does not drive it
    with pytest.raises(PermissionDenied):
        services.send_claim(actor=tree.member_user, claim=union_claim)


def test_unpaid_coverage_is_refused(tree):
    cov = linked(tree, plan(tree), paid=False)
    assert code_of(lambda: start(tree, cov)) == "not_paid"
    assert not MutualAidClaim.objects.exists()


@pytest.mark.parametrize("change, code", [
    ({"eligible_cost": D("13000")}, "eligible_above_total"),
    ({"total_cost": D("0")}, "bad_amount"),
    ({"invoice_numbers": "发票一"}, "bad_invoice"),
    ({"invoice_numbers": ""}, "required"),
    ({"hospital": " "}, "required"),
    ({"diagnosis": ""}, "required"),
    ({"kind": "DENTAL"}, "bad_kind"),
    ({"discharged_on": services.today() - 400 * DAY, "admitted_on": services.today() - 401 * DAY}, "not_covered"),
    ({"admitted_on": services.today() + DAY, "discharged_on": services.today() + 2 * DAY}, "date_in_future"),
    ({"discharged_on": services.today() - 30 * DAY, "admitted_on": services.today() - 20 * DAY}, "date_order"),
])
def test_the_unions_validation_applies(tree, change, code):
    cov = linked(tree, plan(tree))
    assert code_of(lambda: start(tree, cov, **change)) == code
    assert not MutualAidClaim.objects.exists()


def test_claim_too_late_as_for_the_union(tree, settings):
    settings.WELFARE_MUTUALAID_RULES = {"claim_within_days": 10}
    cov = linked(tree, plan(tree))
    assert code_of(lambda: start(tree, cov)) == "claim_too_late"


def test_duplicates_refused_as_today(tree):
    cov = linked(tree, plan(tree))
    union_claim = claim(tree, cov, invoices="FP0009")
    assert code_of(lambda: start(tree, cov, invoice_numbers="FP0009 FP0010", admitted_on=stay(40)[0],
                                 discharged_on=stay(40)[1])) == "duplicate_invoice"
    assert code_of(lambda: start(tree, cov, admitted_on=union_claim.admitted_on,
                                 discharged_on=union_claim.discharged_on)) == "duplicate_stay"
    mine = start(tree, cov, admitted_on=stay(40)[0], discharged_on=stay(40)[1], invoice_numbers="FP20")
    # and the union cannot file the member's invoices again either
    assert code_of(lambda: claim(tree, cov, invoices="fp20", when=stay(50, 2))) == "duplicate_invoice"
    # a correction is not its own duplicate
    services.update_member_claim(actor=tree.member_user, claim=mine, **values(
        admitted_on=stay(40)[0], discharged_on=stay(40)[1], invoice_numbers="FP20 FP21", hospital="浙江省人民医院"))
    mine.refresh_from_db()
    assert mine.hospital == "浙江省人民医院"
    assert set(ClaimInvoice.objects.filter(claim=mine).values_list("number", flat=True)) == {"FP20", "FP21"}
    assert code_of(lambda: services.update_member_claim(actor=tree.member_user, claim=mine, **values(
        admitted_on=stay(40)[0], discharged_on=stay(40)[1], invoice_numbers="FP0009"))) == "duplicate_invoice"


def test_documents_checked_as_the_unions(tree, settings):
    cov = linked(tree, plan(tree))
    c = start(tree, cov)
    fake = SimpleUploadedFile("发票.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    union_c = claim(tree, cov, invoices="FPX1", when=stay(50, 2))
    union_code = code_of(lambda: services.add_document(actor=tree.district_staff, claim=union_c, upload=(
        SimpleUploadedFile("发票.pdf", b"MZ not a pdf at all", content_type="application/pdf"))))
    assert code_of(lambda: services.add_member_document(actor=tree.member_user, claim=c, upload=fake)) == union_code
    assert code_of(lambda: services.add_member_document(actor=tree.member_user, claim=c, upload=None)) == "required"
    settings.WELFARE_MUTUALAID_RULES = {"max_documents": 1}
    services.add_member_document(actor=tree.member_user, claim=c, upload=pdf())
    assert code_of(lambda: services.add_member_document(actor=tree.member_user, claim=c, upload=pdf())) == \
        "too_many_documents"


def test_send_return_correct_resend_submit_approve_pay(tree):
    cov = linked(tree, plan(tree))
    c = start(tree, cov)
    assert code_of(lambda: services.send_claim(actor=tree.member_user, claim=c)) == "documents_missing"
    # an unsent draft is the member's alone
    assert not selectors.claims(tree.union1_chair).filter(pk=c.pk).exists()
    assert code_of(lambda: services.submit_claim(actor=tree.union1_chair, claim=c)) == "with_member"
    services.add_member_document(actor=tree.member_user, claim=c, upload=pdf())
    c = services.send_claim(actor=tree.member_user, claim=c)
    assert c.to_check and c.sent_by_member_at is not None
    assert selectors.claims(tree.union1_chair).filter(selectors.TO_CHECK, pk=c.pk).exists()
    told = set(Notification.objects.filter(url__contains=f"/claims/{c.pk}/").values_list("recipient", flat=True))
    assert told == {tree.union1_chair.pk, tree.union1_staff.pk}
    # once sent the member cannot change it; the union cannot withdraw it (it returns it)
    assert code_of(lambda: services.add_member_document(actor=tree.member_user, claim=c, upload=pdf())) == \
        "with_union"
    assert code_of(lambda: services.withdraw_claim(actor=tree.union1_chair, claim=c)) == "member_claim"
    assert code_of(lambda: services.return_claim(actor=tree.union1_chair, claim=c, reason=" ")) == "required"
    with pytest.raises(PermissionDenied):
        services.return_claim(actor=tree.union2_chair, claim=c, reason="x")
    c = services.return_claim(actor=tree.union1_chair, claim=c, reason="请补充出院小结")
    assert c.with_member and c.return_reason == "请补充出院小结" and c.returned_at is not None
    assert Notification.objects.filter(recipient=tree.member_user, title__contains="请补充出院小结").exists()
    assert selectors.claims(tree.union1_chair).filter(pk=c.pk).exists()  # the union still sees it, returned
    assert code_of(lambda: services.submit_claim(actor=tree.union1_chair, claim=c)) == "with_member"
    assert code_of(lambda: services.return_claim(actor=tree.union1_chair, claim=c, reason="x")) == "wrong_stage"
    services.add_member_document(actor=tree.member_user, claim=c, upload=pdf("出院小结.pdf"))
    c = services.send_claim(actor=tree.member_user, claim=c)
    c = services.submit_claim(actor=tree.union1_chair, claim=c)
    assert c.status == ClaimStatus.SUBMITTED
    assert code_of(lambda: services.withdraw_member_claim(actor=tree.member_user, claim=c)) == "wrong_stage"
    services.review_claim(actor=tree.town1_cadre, claim=c)
    c = services.approve_claim(actor=tree.district_staff, claim=c)
    assert c.approved_amount == D("4000.00")
    services.pay_claim(actor=tree.district_staff, claim=c, paid_on=services.today(), reference="PAY-1")
    mine = Notification.objects.filter(recipient=tree.member_user).count()
    assert mine == 3  # returned, approved, paid
    actions = list(AuditEvent.objects.filter(object_id=str(c.pk), object_type="welfare.MutualAidClaim")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["welfare.mutualaid_claim_create", "welfare.mutualaid_claim_document_add",
                       "welfare.mutualaid_claim_send", "welfare.mutualaid_claim_return",
                       "welfare.mutualaid_claim_document_add", "welfare.mutualaid_claim_send",
                       "welfare.mutualaid_claim_submit", "welfare.mutualaid_claim_review",
                       "welfare.mutualaid_claim_approve", "welfare.mutualaid_claim_pay"]


def test_member_withdraws_before_the_union_submits(tree):
    cov = linked(tree, plan(tree))
    c = sent(tree, cov)
    c = services.withdraw_member_claim(actor=tree.member_user, claim=c)
    assert c.status == ClaimStatus.WITHDRAWN
    assert not ClaimInvoice.objects.filter(claim=c, live=True).exists()
    assert Notification.objects.filter(recipient=tree.union1_chair, key__contains=":withdrawn:").exists()
    again = start(tree, cov)  # the same invoices and days are free again
    assert again.pk != c.pk
    assert code_of(lambda: services.withdraw_member_claim(actor=tree.member_user, claim=c)) == "wrong_stage"


def test_member_removes_a_document_only_while_the_claim_is_with_them(tree):
    cov = linked(tree, plan(tree))
    c = start(tree, cov)
    doc = services.add_member_document(actor=tree.member_user, claim=c, upload=pdf())
    services.remove_member_document(actor=tree.member_user, document=doc)
    assert not c.documents.exists()
    doc = services.add_member_document(actor=tree.member_user, claim=c, upload=pdf())
    services.send_claim(actor=tree.member_user, claim=c)
    assert code_of(lambda: services.remove_member_document(actor=tree.member_user, document=doc)) == "with_union"
    services.remove_document(actor=tree.union1_chair, document=doc)  # the union may, while checking it
