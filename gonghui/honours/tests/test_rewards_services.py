"""Skill training rewards (高技能人才培训奖励): the amount comes from the level in the rules, a
certificate is claimed once, and a claim walks union → town → district → payment."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.honours.models.rewards import RewardClaimStatus, SkillRewardBatch, SkillRewardClaim
from gonghui.honours.rules.rewards import amount_for
from gonghui.honours.services import rewards as services
from gonghui.honours.testing.rewards import certificate_no, claim, scan, worker

pytestmark = pytest.mark.django_db
S = RewardClaimStatus


def _create(tree, **kw):
    args = {"actor": tree.union1_chair, "org": tree.union1, "person": worker(tree), "level": "LEVEL3",
            "trade": "电工", "certificate_no": certificate_no(),
            "certificate_on": services.today() - datetime.timedelta(days=10)}
    args.update(kw)
    return services.create_claim(**args)


def _code(exc_info):
    return exc_info.value.code


# --- amounts ----------------------------------------------------------------------------------

def test_default_amount_by_level(tree):
    for level, yuan in [("LEVEL5", "500"), ("LEVEL4", "1000"), ("LEVEL3", "2000"), ("LEVEL2", "3000"),
                        ("LEVEL1", "5000")]:
        c = claim(tree, S.SUBMITTED, level=level)
        assert c.amount == Decimal(yuan), level


def test_amount_from_the_setting_fixed_at_submission(tree, settings):
    settings.HONOURS_REWARDS_RULES = {"amounts": {"LEVEL3": 1800}}
    assert amount_for("LEVEL3") == Decimal("1800.00") and amount_for("LEVEL1") == Decimal("5000.00")
    c = claim(tree, S.SUBMITTED, level="LEVEL3")
    assert c.amount == Decimal("1800.00")
    settings.HONOURS_REWARDS_RULES = {"amounts": {"LEVEL3": 2500}}
    services.town_review(actor=tree.town1_cadre, claim=c, decision="pass")
    approved = services.district_review(actor=tree.district_staff, claim=c, decision="approve")
    assert approved.amount == Decimal("1800.00")  # the amount of the day it was submitted


def test_a_level_set_to_zero_is_not_rewarded(tree, settings):
    settings.HONOURS_REWARDS_RULES = {"amounts": {"LEVEL5": 0}}
    with pytest.raises(DomainError) as e:
        _create(tree, level="LEVEL5")
    assert _code(e) == "level_not_rewarded" and e.value.field == "level"
    with pytest.raises(DomainError) as e:
        _create(tree, level="NONE")
    assert _code(e) == "invalid_level"


# --- one claim per certificate -----------------------------------------------------------------------

def test_duplicate_certificate_refused_even_written_differently(tree):
    _create(tree, certificate_no="3301 0099 ab")
    assert SkillRewardClaim.objects.get().certificate_no == "33010099AB"
    other = worker(tree, tree.union2)
    with pytest.raises(DomainError) as e:
        _create(tree, actor=tree.union2_chair, org=tree.union2, person=other, certificate_no="33010099ab")
    assert _code(e) == "duplicate_certificate" and e.value.field == "certificate_no"
    assert SkillRewardClaim.objects.count() == 1


def test_duplicate_certificate_refused_by_the_database(tree):
    c = claim(tree)
    copy = SkillRewardClaim.objects.get(pk=c.pk)
    copy.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_a_withdrawn_claim_frees_the_number_a_refused_one_does_not(tree):
    refused = claim(tree, S.REJECTED)
    with pytest.raises(DomainError) as e:
        _create(tree, certificate_no=refused.certificate_no)
    assert _code(e) == "duplicate_certificate"
    withdrawn = claim(tree, S.WITHDRAWN)
    again = _create(tree, certificate_no=withdrawn.certificate_no)
    assert again.status == S.DRAFT


def test_editing_to_a_taken_number_is_refused(tree):
    first, second = claim(tree), claim(tree)
    with pytest.raises(DomainError) as e:
        services.update_claim(actor=tree.union1_chair, claim=second, level="LEVEL3", trade="焊工",
                              certificate_no=first.certificate_no, certificate_on=second.certificate_on)
    assert _code(e) == "duplicate_certificate"
    assert SkillRewardClaim.objects.get(pk=second.pk).trade == "电工"


# --- input ------------------------------------------------------------------------------------

BAD_INPUT = [
    ({"certificate_no": ""}, "required", "certificate_no"),
    ({"certificate_no": "12"}, "invalid_certificate_no", "certificate_no"),
    ({"certificate_no": "证书123456"}, "invalid_certificate_no", "certificate_no"),
    ({"trade": " "}, "required", "trade"),
    ({"certificate_on": None}, "required", "certificate_on"),
    ({"certificate_on": datetime.date(2999, 1, 1)}, "date_in_future", "certificate_on"),
    ({"certificate_on": datetime.date(2001, 1, 1)}, "certificate_too_old", "certificate_on"),
]


def test_bad_input_refused_nothing_saved(tree):
    for kw, code, field in BAD_INPUT:
        with pytest.raises(DomainError) as e:
            _create(tree, **kw)
        assert (_code(e), e.value.field) == (code, field), kw
    assert not SkillRewardClaim.objects.exists()


def test_only_for_a_live_member_of_the_union(tree):
    with pytest.raises(DomainError) as e:
        _create(tree, person=worker(tree, tree.union2))
    assert _code(e) == "not_a_member" and e.value.field == "person"
    with pytest.raises(DomainError) as e:
        _create(tree, actor=tree.district_staff, org=tree.town1)
    assert _code(e) == "not_a_union"


def test_submit_needs_the_scan(tree):
    c = claim(tree, with_scan=False)
    with pytest.raises(DomainError) as e:
        services.submit_claim(actor=tree.union1_chair, claim=c)
    assert _code(e) == "scan_missing"


def test_scan_type_checked_from_the_content(tree):
    c = claim(tree, with_scan=False)
    with pytest.raises(DomainError) as e:
        services.attach_scan(actor=tree.union1_chair, claim=c, upload=scan("x.pdf", b"MZ\x90\x00 not a pdf"))
    assert e.value.field == "file"
    c = services.attach_scan(actor=tree.union1_chair, claim=c, upload=scan("证书.pdf"))
    assert c.scan_name == "证书.pdf" and c.scan_kind == "pdf"


# --- workflow ---------------------------------------------------------------------------------------

def test_full_workflow_to_payment(tree):
    c = claim(tree, S.DRAFT)
    on = services.today()
    c = services.submit_claim(actor=tree.union1_chair, claim=c, submitted_on=on)
    assert c.status == S.SUBMITTED and c.review_due_on > on and c.year == on.year
    c = services.town_review(actor=tree.town1_cadre, claim=c, decision="pass")
    assert c.status == S.TOWN_PASSED and c.town_reviewer
    c = services.district_review(actor=tree.district_staff, claim=c, decision="approve")
    assert c.status == S.APPROVED and c.decided_on == on and c.review_due_on is None
    batch = services.pay_claims(actor=tree.district_staff, claim_ids=[c.pk], paid_on=on, reference="财付-2026-01")
    c.refresh_from_db()
    assert (c.status, c.batch, c.paid_on) == (S.PAID, batch, on)
    assert batch.total == c.amount and batch.claims_count == 1 and batch.org == tree.district
    actions = list(AuditEvent.objects.filter(action__startswith="honours.reward_").values_list("action", flat=True))
    for code in ("honours.reward_create", "honours.reward_scan", "honours.reward_submit",
                 "honours.reward_town_pass", "honours.reward_approve", "honours.reward_pay",
                 "honours.reward_batch_pay"):
        assert code in actions


def test_returned_claim_is_corrected_and_submitted_again(tree):
    c = claim(tree, S.RETURNED)
    assert c.return_reason and c.review_due_on is None
    c = services.update_claim(actor=tree.union1_chair, claim=c, level="LEVEL2", trade="电工", issuer="",
                              certificate_no=c.certificate_no, certificate_on=c.certificate_on)
    c = services.submit_claim(actor=tree.union1_chair, claim=c)
    assert c.status == S.SUBMITTED and c.amount == Decimal("3000")


def test_district_return_and_refuse_need_a_reason(tree):
    c = claim(tree, S.TOWN_PASSED)
    with pytest.raises(DomainError) as e:
        services.district_review(actor=tree.district_staff, claim=c, decision="reject", reason="")
    assert (_code(e), e.value.field) == ("required", "reason")
    c = services.district_review(actor=tree.district_staff, claim=c, decision="reject", reason="证书系伪造")
    assert c.status == S.REJECTED and c.reject_reason == "证书系伪造"


def test_steps_out_of_order_are_wrong_stage(tree):
    c = claim(tree, S.SUBMITTED)
    for call in (lambda: services.district_review(actor=tree.district_staff, claim=c, decision="approve"),
                 lambda: services.submit_claim(actor=tree.union1_chair, claim=c),
                 lambda: services.pay_claims(actor=tree.district_staff, claim_ids=[c.pk], paid_on=services.today(),
                                             reference="X1")):
        with pytest.raises(DomainError) as e:
            call()
        assert _code(e) == "wrong_stage"
    passed = claim(tree, S.TOWN_PASSED)
    with pytest.raises(DomainError) as e:
        services.withdraw_claim(actor=tree.union1_chair, claim=passed)
    assert _code(e) == "wrong_stage"


def test_review_date_not_before_submission(tree):
    c = claim(tree, S.SUBMITTED)
    with pytest.raises(DomainError) as e:
        services.town_review(actor=tree.town1_cadre, claim=c, decision="pass",
                             reviewed_on=c.submitted_on - datetime.timedelta(days=1))
    assert _code(e) == "date_order"


def test_a_stale_copy_cannot_approve_twice(tree):
    c = claim(tree, S.TOWN_PASSED)
    mine, theirs = SkillRewardClaim.objects.get(pk=c.pk), SkillRewardClaim.objects.get(pk=c.pk)
    services.district_review(actor=tree.district_staff, claim=mine, decision="approve")
    with pytest.raises(DomainError) as e:
        services.district_review(actor=tree.district_staff, claim=theirs, decision="reject", reason="x")
    assert _code(e) == "wrong_stage"
    assert AuditEvent.objects.filter(action__in=["honours.reward_approve", "honours.reward_reject"]).count() == 1


# --- payment ----------------------------------------------------------------------------------------

def test_payment_is_all_or_nothing(tree):
    a, b, waiting = claim(tree, S.APPROVED), claim(tree, S.APPROVED), claim(tree, S.TOWN_PASSED)
    with pytest.raises(DomainError) as e:
        services.pay_claims(actor=tree.district_staff, claim_ids=[a.pk, b.pk, waiting.pk],
                            paid_on=services.today(), reference="P-1")
    assert _code(e) == "wrong_stage" and waiting.certificate_no in e.value.text
    assert not SkillRewardBatch.objects.exists()
    assert SkillRewardClaim.objects.filter(status=S.PAID).count() == 0
    batch = services.pay_claims(actor=tree.district_staff, claim_ids=[a.pk, b.pk], paid_on=services.today(),
                                reference="P-1", note="十一月批次")
    assert batch.total == a.amount + b.amount and batch.claims_count == 2


def test_payment_reference_unique_and_date_checked(tree):
    a, b = claim(tree, S.APPROVED), claim(tree, S.APPROVED)
    services.pay_claims(actor=tree.district_staff, claim_ids=[a.pk], paid_on=services.today(), reference="P-9")
    with pytest.raises(DomainError) as e:
        services.pay_claims(actor=tree.district_staff, claim_ids=[b.pk], paid_on=services.today(), reference="P-9")
    assert _code(e) == "reference_taken"
    with pytest.raises(DomainError) as e:
        services.pay_claims(actor=tree.district_staff, claim_ids=[b.pk],
                            paid_on=b.decided_on - datetime.timedelta(days=1), reference="P-10")
    assert _code(e) == "date_order"
    with pytest.raises(DomainError) as e:
        services.pay_claims(actor=tree.district_staff, claim_ids=[], paid_on=services.today(), reference="P-11")
    assert _code(e) == "required"


def test_paying_twice_pays_once(tree):
    a = claim(tree, S.APPROVED)
    services.pay_claims(actor=tree.district_staff, claim_ids=[a.pk], paid_on=services.today(), reference="P-1")
    with pytest.raises(DomainError) as e:
        services.pay_claims(actor=tree.district_staff, claim_ids=[a.pk], paid_on=services.today(), reference="P-2")
    assert _code(e) == "wrong_stage"
    assert SkillRewardBatch.objects.count() == 1


# --- totals and due ---------------------------------------------------------------------------------

def test_totals_by_year_town_level(tree):
    from gonghui.honours.selectors.rewards import totals

    claim(tree, S.APPROVED, level="LEVEL3")
    claim(tree, S.PAID, level="LEVEL3")
    claim(tree, S.APPROVED, level="LEVEL1", org=tree.union2)
    claim(tree, S.SUBMITTED, level="LEVEL1")  # not counted
    rows = {(r["town"], r["level"]): r for r in totals(tree.district_staff, year=services.today().year)}
    assert rows[(tree.town1.name, "LEVEL3")]["claims"] == 2
    assert rows[(tree.town1.name, "LEVEL3")]["amount"] == Decimal("4000")
    assert rows[(tree.town1.name, "LEVEL3")]["paid"] == Decimal("2000")
    assert rows[(tree.town2.name, "LEVEL1")]["amount"] == Decimal("5000")
    assert len(rows) == 2
    assert [r["town"] for r in totals(tree.town2_cadre)] == [tree.town2.name]


def test_due_reviews_and_overview(tree, settings):
    from gonghui.honours.selectors.rewards import due_reviews_summary, overview_card

    old = services.today() - datetime.timedelta(days=60)
    claim(tree, S.SUBMITTED, on=old)  # overdue for the town
    claim(tree, S.SUBMITTED)
    claim(tree, S.TOWN_PASSED)
    town = due_reviews_summary(tree.town1_cadre)
    assert (town.overdue, town.soon) == (1, 1)
    district = due_reviews_summary(tree.district_staff)
    assert district.overdue + district.soon == 3
    assert due_reviews_summary(tree.union1_chair) is None
    assert due_reviews_summary(tree.town2_cadre).overdue == 0
    card = overview_card(tree.town1_cadre)
    assert card.rows[0].value == 3 and card.rows[1].alert
    assert overview_card(tree.outsider) is None


def test_every_audit_action_has_a_label(tree):
    from gonghui.core.audit_labels import is_known_action
    from gonghui.honours.selectors.rewards import RewardFilters
    from gonghui.honours.wiring.rewards import ACTION_CODES

    claim(tree, S.PAID)
    handle, rows = services.export_claims(actor=tree.district_staff, filters=RewardFilters())
    handle.close()
    assert rows == 1
    written = set(AuditEvent.objects.filter(action__startswith="honours.reward_").values_list("action", flat=True))
    assert written <= set(ACTION_CODES)
    assert all(is_known_action(code) for code in ACTION_CODES)
