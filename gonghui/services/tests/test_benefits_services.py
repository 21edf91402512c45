"""Services of member benefits: signing merchants and offers (dates, PIN, workflow), the e-card
token (signed, short-lived, no PII), verification, redemption with per-member limits."""

import datetime

import pytest
from django.core import signing
from django.test import override_settings
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.members.models import MembershipStatus
from gonghui.services.models.benefits import Merchant, MerchantStatus, Offer, OfferLimit, OfferStatus, Redemption
from gonghui.services.services import benefits as services
from gonghui.services.testing.benefits import PIN, member_person, merchant, offer, redeem

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _code(fn):
    with pytest.raises(DomainError) as exc:
        fn()
    return exc.value.code, exc.value.field


def test_create_merchant_gives_a_code_hashes_the_pin_and_audits(tree):
    m = merchant(tree)
    assert m.code.startswith("PH") and len(m.code) == 8
    assert m.pin_hash and PIN not in m.pin_hash and m.pin_set_at
    ev = AuditEvent.objects.get(action="services.merchant_create")
    assert "pin_hash" not in ev.after and ev.after["pin_set"] is True and PIN not in str(ev.after)


@pytest.mark.parametrize("kwargs, code, field", [
    ({"name": " "}, "required", "name"),
    ({"category": "X"}, "invalid_category", "category"),
    ({"agreement_end": datetime.date(2020, 1, 1), "agreement_start": datetime.date(2021, 1, 1)},
     "end_before_start", "agreement_end"),
    ({"agreement_start": datetime.date(1800, 1, 1)}, "invalid_date", "agreement_start"),
    ({"contact_phone": "abc"}, "invalid_phone", "contact_phone"),
    ({"pin": "12"}, "invalid_pin", "pin"),
    ({"pin": "123456"}, "weak_pin", "pin"),
    ({"pin": "111111"}, "weak_pin", "pin"),
])
def test_create_merchant_rejects_bad_input_and_saves_nothing(tree, kwargs, code, field):
    today = TODAY()
    base = {"actor": tree.district_staff, "org": tree.town1, "name": "好味餐厅", "category": "FOOD", "address": "路1号",
            "agreement_start": today, "agreement_end": today + datetime.timedelta(days=100), "pin": "730914"}
    assert _code(lambda: services.create_merchant(**{**base, **kwargs})) == (code, field)
    assert not Merchant.objects.exists() and not AuditEvent.objects.exists()


def test_merchant_is_signed_by_the_district_or_a_town_only(tree):
    today = TODAY()
    assert _code(lambda: services.create_merchant(
        actor=tree.district_staff, org=tree.union1, name="x", category="FOOD", address="y", agreement_start=today,
        agreement_end=today))[0] == "invalid_org"


def test_suspend_resume_expire_workflow(tree):
    m = merchant(tree)
    assert _code(lambda: services.suspend_merchant(actor=tree.town1_cadre, merchant=m, reason=""))[0] == "required"
    m = services.suspend_merchant(actor=tree.town1_cadre, merchant=m, reason="顾客投诉")
    assert m.status == MerchantStatus.SUSPENDED
    assert _code(lambda: services.suspend_merchant(actor=tree.town1_cadre, merchant=m, reason="x"))[0] == "wrong_stage"
    m = services.resume_merchant(actor=tree.town1_cadre, merchant=m)
    assert m.status == MerchantStatus.ACTIVE
    m = services.expire_merchant(actor=tree.town1_cadre, merchant=m, reason="协议终止")
    assert m.status == MerchantStatus.EXPIRED
    assert _code(lambda: services.resume_merchant(actor=tree.town1_cadre, merchant=m))[0] == "wrong_stage"
    assert _code(lambda: services.set_pin(actor=tree.town1_cadre, merchant=m, pin="730915"))[0] == "wrong_stage"
    actions = [e.action for e in AuditEvent.objects.order_by("id")]
    assert actions[-3:] == ["services.merchant_suspend", "services.merchant_resume", "services.merchant_expire"]


def test_nightly_task_expires_ended_agreements(tree):
    m = merchant(tree)
    Merchant.objects.filter(pk=m.pk).update(agreement_end=TODAY() - datetime.timedelta(days=1))
    assert services.expire_ended_agreements() == 1
    assert Merchant.objects.get(pk=m.pk).status == MerchantStatus.EXPIRED
    assert services.expire_ended_agreements() == 0


def test_offer_must_run_inside_the_agreement_and_per_month_needs_a_count(tree):
    m = merchant(tree)
    kw = {"actor": tree.town1_cadre, "merchant": m, "title": "九折", "discount": "九折",
          "valid_from": m.agreement_start}
    assert _code(lambda: services.create_offer(**kw, valid_to=m.agreement_end + datetime.timedelta(days=1))) == (
        "outside_agreement", "valid_to")
    assert _code(lambda: services.create_offer(**kw, valid_to=m.agreement_start - datetime.timedelta(days=1)))[0] == \
        "end_before_start"
    assert _code(lambda: services.create_offer(**kw, valid_to=m.agreement_end, limit="PER_MONTH"))[1] == "limit_count"
    o = services.create_offer(**kw, valid_to=m.agreement_end, limit="PER_MONTH", limit_count=2)
    assert o.limit_count == 2 and Offer.objects.count() == 1


def test_agreement_cannot_shrink_under_an_active_offer(tree):
    o = offer(tree)
    m = o.merchant
    assert _code(lambda: services.update_merchant(
        actor=tree.town1_cadre, merchant=m, name=m.name, category=m.category, address=m.address,
        agreement_start=m.agreement_start, agreement_end=m.agreement_end - datetime.timedelta(days=10)))[0] == \
        "offer_outside_agreement"
    services.withdraw_offer(actor=tree.town1_cadre, offer=o, reason="活动结束")
    services.update_merchant(actor=tree.town1_cadre, merchant=m, name=m.name, category=m.category, address=m.address,
                             agreement_start=m.agreement_start,
                             agreement_end=m.agreement_end - datetime.timedelta(days=10))
    assert _code(lambda: services.reinstate_offer(actor=tree.town1_cadre, offer=o))[0] == "outside_agreement"
    assert Offer.objects.get(pk=o.pk).status == OfferStatus.WITHDRAWN


def test_card_token_names_no_id_number_and_expires(tree, settings):
    person = member_person(tree)
    token = services.card_token(person)
    raw = signing.loads(token, salt=services.CARD_SALT)
    assert raw["p"] == person.pk and set(raw) == {"p", "n"}  # internal id and a nonce only
    assert services.card_token(person) != token
    assert person.id_number_masked[:6] not in token
    check = services.verify_card(token)
    assert (check.result, check.union_name) == ("valid", tree.union1.name)
    assert check.masked_name.startswith(person.name[0]) and check.masked_name != person.name
    later = timezone.now() + datetime.timedelta(minutes=6)
    from unittest import mock

    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        assert services.verify_card(token).result == "expired"
        # the redemption grace still accepts it for a few minutes
        assert services.verify_card(token, grace=True).result == "valid"
    assert services.verify_card("garbage").result == "invalid"
    assert services.verify_card(token[:-2] + "xx").result == "invalid"
    # a genuine signature without a well-formed nonce is not a card code
    for payload in ({"p": person.pk}, {"p": person.pk, "n": ""}, {"p": person.pk, "n": "X" * 16}):
        assert services.verify_card(signing.dumps(payload, salt=services.CARD_SALT)).result == "invalid"


def test_verify_says_not_member_after_leaving(tree):
    person = member_person(tree)
    person.memberships.update(status=MembershipStatus.LEFT, ended_on=TODAY())
    assert services.verify_card(services.card_token(person)).result == "not_member"


def test_redeem_logs_and_audits(tree):
    o = offer(tree)
    person = member_person(tree)
    x = redeem(tree, o, person)
    assert (x.person, x.union, x.merchant, x.org) == (person, tree.union1, o.merchant, tree.town1)
    assert AuditEvent.objects.filter(action="services.redemption_create", object_id=str(x.pk)).exists()


def test_once_limit(tree):
    o = offer(tree, limit=OfferLimit.ONCE)
    person = member_person(tree)
    redeem(tree, o, person)
    assert _code(lambda: redeem(tree, o, person)) == ("limit_reached", "offer")
    redeem(tree, o, member_person(tree))  # another member may
    assert Redemption.objects.count() == 2


def test_per_month_limit_counts_this_month_only(tree):
    o = offer(tree, limit=OfferLimit.PER_MONTH, limit_count=2)
    person = member_person(tree)
    redeem(tree, o, person)
    redeem(tree, o, person)
    assert _code(lambda: redeem(tree, o, person))[0] == "limit_reached"
    Redemption.objects.filter(person=person).update(redeemed_at=timezone.now() - datetime.timedelta(days=40))
    redeem(tree, o, person)
    assert services.uses_left(o, person) == 1


def test_redeem_refusals(tree):
    o = offer(tree)
    person = member_person(tree)
    other_merchant = merchant(tree)
    assert _code(lambda: services.redeem(token="bad", merchant=o.merchant, offer_id=o.pk))[0] == "invalid_token"
    token = services.card_token(person)
    assert _code(lambda: services.redeem(token=token, merchant=other_merchant, offer_id=o.pk))[0] == "wrong_offer"
    assert _code(lambda: services.redeem(token=token, merchant=o.merchant, offer_id="x"))[0] == "wrong_offer"
    outsider = member_person(tree, union=tree.union2)  # town2: not in town1's merchant's area
    assert _code(lambda: redeem(tree, o, outsider))[0] == "outside_area"
    services.withdraw_offer(actor=tree.town1_cadre, offer=o, reason="停")
    assert _code(lambda: redeem(tree, o, person))[0] == "offer_not_valid"
    services.reinstate_offer(actor=tree.town1_cadre, offer=o)
    services.suspend_merchant(actor=tree.town1_cadre, merchant=o.merchant, reason="整改")
    assert _code(lambda: redeem(tree, o, person))[0] == "merchant_inactive"
    assert not Redemption.objects.exists()


def test_district_merchant_serves_every_town(tree):
    o = offer(tree, merchant(tree, org=tree.district))
    redeem(tree, o, member_person(tree, union=tree.union2))
    redeem(tree, o, member_person(tree))
    assert Redemption.objects.count() == 2


@override_settings(SERVICES_BENEFITS_RULES={"pin_rate": "3/h"})
def test_authenticate_merchant_wrong_pin_and_rate_limit(tree):
    from django.core.cache import cache

    cache.clear()
    m = merchant(tree)
    assert services.authenticate_merchant(m.code.lower(), PIN) == m
    assert _code(lambda: services.authenticate_merchant(m.code, "000001")) == ("wrong_pin", "pin")
    assert _code(lambda: services.authenticate_merchant("PH999999", PIN))[0] == "wrong_pin"
    assert _code(lambda: services.authenticate_merchant(m.code, "000002"))[0] == "wrong_pin"
    # three failures from this client: even the right PIN is no longer checked
    assert _code(lambda: services.authenticate_merchant(m.code, PIN))[0] == "too_many_attempts"
    # and per code, from any client
    assert _code(lambda: services.authenticate_merchant(m.code, "000003", ident="10.0.0.8"))[0] == "wrong_pin"
    assert _code(lambda: services.authenticate_merchant(m.code, PIN, ident="10.0.0.7"))[0] == "too_many_attempts"
    cache.clear()
    for _i in range(5):  # successes are not counted: a till may log many redemptions through the API
        assert services.authenticate_merchant(m.code, PIN, ident="10.0.0.9") == m
    cache.clear()


def test_a_scanned_code_logs_one_use_of_an_offer(tree):
    from django.core.cache import cache

    o = offer(tree)  # unlimited: only the code's single use stops a replay or a double tap
    person = member_person(tree)
    token = services.card_token(person)
    x = services.redeem(token=token, merchant=o.merchant, offer_id=o.pk)
    assert x.card_nonce == signing.loads(token, salt=services.CARD_SALT)["n"]
    cache.clear()  # the mark is in the database, not in the cache
    assert _code(lambda: services.redeem(token=token, merchant=o.merchant, offer_id=o.pk)) == ("code_used", "token")
    o2 = offer(tree, o.merchant, title="满百减十")
    services.redeem(token=token, merchant=o.merchant, offer_id=o2.pk)  # another offer of the same visit
    redeem(tree, o, person)  # a refreshed code
    assert Redemption.objects.filter(person=person).count() == 3


def test_code_used_when_only_the_database_constraint_catches_the_replay(tree, monkeypatch):
    """The check before the insert missed it (as a race would): the unique constraint refuses the
    row inside a savepoint and the same `code_used` is raised; nothing partial is saved."""
    o = offer(tree)
    token = services.card_token(member_person(tree))
    services.redeem(token=token, merchant=o.merchant, offer_id=o.pk)
    real, calls = services._code_used, []

    def missed_once(offer_, nonce):
        calls.append(nonce)
        return False if len(calls) == 1 else real(offer_, nonce)

    monkeypatch.setattr(services, "_code_used", missed_once)
    assert _code(lambda: services.redeem(token=token, merchant=o.merchant, offer_id=o.pk)) == ("code_used", "token")
    assert len(calls) == 2 and Redemption.objects.count() == 1
    assert AuditEvent.objects.filter(action="services.redemption_create").count() == 1


def test_card_nonce_unique_per_offer_in_the_database(tree):
    from django.db import IntegrityError, transaction

    o = offer(tree)
    o2 = offer(tree, o.merchant, title="满百减十")
    x = redeem(tree, o, member_person(tree))
    values = {"org": x.org, "merchant": x.merchant, "person": x.person, "union": x.union,
              "redeemed_at": x.redeemed_at}
    Redemption.objects.create(offer=o2, card_nonce=x.card_nonce, **values)  # another offer: allowed
    for _i in range(2):  # rows without a code (older rows, imports) are not constrained
        Redemption.objects.create(offer=o, card_nonce="", **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        Redemption.objects.create(offer=o, card_nonce=x.card_nonce, **values)
    assert Redemption.objects.filter(offer=o).count() == 3


def test_merchant_session_ends_after_the_configured_hours(tree):
    m = merchant(tree)
    value = services.merchant_session_value(m)
    assert services.merchant_of_session(value) == m
    assert services.merchant_of_session({**value, "since": value["since"] - 13 * 3600}) is None
    assert services.merchant_of_session({k: v for k, v in value.items() if k != "since"}) is None


def test_new_pin_ends_the_merchant_session(tree):
    m = merchant(tree)
    value = services.merchant_session_value(m)
    assert services.merchant_of_session(value) == m
    services.set_pin(actor=tree.town1_cadre, merchant=m, pin="482913")
    assert services.merchant_of_session(value) is None
    assert services.authenticate_merchant(m.code, "482913") == m
    assert AuditEvent.objects.filter(action="services.merchant_pin").exists()
