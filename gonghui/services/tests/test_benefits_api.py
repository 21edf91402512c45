"""/merchants, /offers, /redemptions, /member-cards/verify: scoped lists with a fixed query count,
filters, create and update with specific errors and nothing saved on refusal, the steps, the
redemption with code and PIN, the public check."""

import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings

from gonghui.core.testing.api import api_as
from gonghui.services.models.benefits import Merchant, Offer, Redemption
from gonghui.services.services import benefits as services
from gonghui.services.testing.benefits import PIN, member_person, merchant, offer, redeem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_merchant_list_scoped_filtered_constant_queries(tree, django_assert_max_num_queries):
    merchant(tree, name="甲餐厅")
    merchant(tree, org=tree.town2, name="乙超市", category="SHOPPING")
    api = api_as(tree.district_staff)
    api.get("/merchants")
    with django_assert_max_num_queries(8) as few:
        assert api.get("/merchants").json()["count"] == 2
    for i in range(3):
        merchant(tree, name=f"分店{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/merchants").json()["count"] == 5
    assert api.get("/merchants", {"category": "SHOPPING"}).json()["items"][0]["name"] == "乙超市"
    assert api.get("/merchants", {"status": "NOPE"}).status_code == 422
    town2 = api_as(tree.town2_cadre)
    assert town2.get("/merchants").json()["count"] == 1
    # a union reads its town's merchants (and the district's), not another town's
    assert api_as(tree.union1_chair).get("/merchants").json()["count"] == 4


def test_merchant_create_update_steps(tree):
    api = api_as(tree.town1_cadre)
    today = datetime.date.today()
    body = {"org": tree.town1.pk, "name": "乐购超市", "category": "SHOPPING", "address": "市心路1号",
            "agreement_start": today.isoformat(), "agreement_end": (today + datetime.timedelta(days=90)).isoformat()}
    r = api.post("/merchants", {**body, "agreement_end": (today - datetime.timedelta(days=1)).isoformat()})
    assert r.status_code == 400 and (r.json()["code"], r.json()["field"]) == ("end_before_start", "agreement_end")
    r = api.post("/merchants", {**body, "org": tree.town2.pk})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    r = api.post("/merchants", {**body, "pin": "123456"})
    assert r.status_code == 400 and r.json()["code"] == "weak_pin"
    assert api.post("/merchants", {**body, "extra": 1}).status_code == 422
    assert not Merchant.objects.exists()
    r = api.post("/merchants", {**body, "pin": "583920"})
    assert r.status_code == 201 and r.json()["pin_set"] and "pin" not in r.json() and "pin_hash" not in r.json()
    mid = r.json()["id"]
    r = api.patch(f"/merchants/{mid}", {"address": "市心路2号"})
    assert r.status_code == 200 and r.json()["address"] == "市心路2号" and r.json()["name"] == "乐购超市"
    assert api.post(f"/merchants/{mid}/suspend", {"reason": ""}).status_code == 400
    assert api.post(f"/merchants/{mid}/suspend", {"reason": "投诉"}).json()["status"] == "SUSPENDED"
    assert api.post(f"/merchants/{mid}/suspend", {"reason": "x"}).status_code == 409
    assert api.post(f"/merchants/{mid}/resume", {}).json()["status"] == "ACTIVE"
    assert api.post(f"/merchants/{mid}/pin", {"pin": "12"}).json()["code"] == "invalid_pin"
    assert api.post(f"/merchants/{mid}/expire", {"reason": "到期"}).json()["status"] == "EXPIRED"


def test_offer_create_update_withdraw(tree):
    m = merchant(tree)
    api = api_as(tree.town1_cadre)
    body = {"merchant": m.pk, "title": "会员八折", "discount": "八折", "valid_from": m.agreement_start.isoformat(),
            "valid_to": m.agreement_end.isoformat(), "limit": "PER_MONTH"}
    r = api.post("/offers", body)
    assert r.status_code == 400 and r.json()["field"] == "limit_count" and not Offer.objects.exists()
    assert api_as(tree.town2_cadre).post("/offers", {**body, "limit_count": 2}).json()["code"] == "unknown_reference"
    r = api.post("/offers", {**body, "limit_count": 2})
    assert r.status_code == 201 and r.json()["valid_now"] and r.json()["limit_count"] == 2
    oid = r.json()["id"]
    assert api.patch(f"/offers/{oid}", {"discount": "七五折"}).json()["discount"] == "七五折"
    assert api.post(f"/offers/{oid}/withdraw", {"reason": "结束"}).json()["status"] == "WITHDRAWN"
    assert api.post(f"/offers/{oid}/reinstate", {}).json()["status"] == "ACTIVE"
    assert api.get("/offers", {"valid": True}).json()["count"] == 1


def test_redemption_api_and_log(tree):
    o = offer(tree)
    person = member_person(tree)
    token = services.card_token(person)
    api = api_as(tree.town1_cadre)
    body = {"token": token, "merchant_code": o.merchant.code, "pin": "000001", "offer": o.pk}
    r = api.post("/redemptions", body)
    assert r.status_code == 400 and r.json()["code"] == "wrong_pin" and not Redemption.objects.exists()
    r = api.post("/redemptions", {**body, "pin": PIN})
    assert r.status_code == 201 and r.json()["member_masked"] != person.name
    r = api.post("/redemptions", {**body, "pin": PIN})  # the same scanned code again
    assert r.status_code == 400 and r.json()["code"] == "code_used" and Redemption.objects.count() == 1
    with override_settings(SERVICES_BENEFITS_RULES={"pin_rate": "1/h"}):
        r = api.post("/redemptions", {**body, "pin": "000009"})  # already one failure: locked
        assert r.status_code == 429 and r.json()["code"] == "too_many_attempts"
    redeem(tree, o, member_person(tree))
    assert api.get("/redemptions").json()["count"] == 2
    assert api.get("/redemptions", {"merchant": o.merchant.pk}).json()["count"] == 2
    assert api_as(tree.town2_cadre).get("/redemptions").json()["count"] == 0
    assert api_as(tree.town2_cadre).get("/redemptions", {"merchant": o.merchant.pk}).json()["count"] == 0


@override_settings(SERVICES_BENEFITS_RULES={"verify_rate": "2/min"})
def test_card_verify_api_masks_and_is_rate_limited(tree):
    person = member_person(tree)
    api = api_as(tree.union1_chair)
    body = api.get("/member-cards/verify", {"token": services.card_token(person)}).json()
    assert body["result"] == "valid" and body["union_name"] == tree.union1.name and body["masked_name"] != person.name
    assert api.get("/member-cards/verify", {"token": "x"}).json()["result"] == "invalid"
    assert api.get("/member-cards/verify", {"token": "x"}).status_code == 429
