"""Permission matrix of member benefits: role × action × in scope / out of scope.

A town1 merchant: managed (edit, steps, offers, PIN) by whoever has `services.change` over town1
(the district and town1's cadre); read below town1 (union1's chair and staff: the merchants their
members may use), 404 for town2 and union2. Members and outsiders: 403 on the lists, 404 on the
records. At the service level a refusal is PermissionDenied and nothing changes."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.services.models.benefits import Merchant, MerchantStatus, Offer, OfferStatus
from gonghui.services.services import benefits as services
from gonghui.services.testing.benefits import merchant, offer

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
MANAGERS = {"district_staff", "town1_cadre"}
READERS = MANAGERS | {"union1_chair", "union1_staff"}
LIST_READERS = {"district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair"}


def _m(t):
    return merchant(t)


def _o(t):
    return offer(t)


ACTIONS = {  # action: (build, call, check it changed)
    "merchant_create": (lambda t: None, lambda u, x, t: services.create_merchant(
        actor=u, org=t.town1, name="新店", category="FOOD", address="路1号",
        agreement_start=services.today(), agreement_end=services.today()),
        lambda x, t: Merchant.objects.filter(name="新店").exists()),
    "merchant_update": (_m, lambda u, x, t: services.update_merchant(
        actor=u, merchant=x, name="改名", category=x.category, address=x.address,
        agreement_start=x.agreement_start, agreement_end=x.agreement_end),
        lambda x, t: Merchant.objects.get(pk=x.pk).name == "改名"),
    "merchant_suspend": (_m, lambda u, x, t: services.suspend_merchant(actor=u, merchant=x, reason="投诉"),
                         lambda x, t: Merchant.objects.get(pk=x.pk).status == MerchantStatus.SUSPENDED),
    "merchant_pin": (_m, lambda u, x, t: services.set_pin(actor=u, merchant=x, pin="482913"),
                     lambda x, t: Merchant.objects.get(pk=x.pk).pin_set_at != x.pin_set_at),
    "offer_create": (_m, lambda u, x, t: services.create_offer(
        actor=u, merchant=x, title="新优惠", discount="九折", valid_from=x.agreement_start, valid_to=x.agreement_end),
        lambda x, t: Offer.objects.filter(title="新优惠").exists()),
    "offer_withdraw": (_o, lambda u, x, t: services.withdraw_offer(actor=u, offer=x, reason="停"),
                       lambda x, t: Offer.objects.get(pk=x.pk).status == OfferStatus.WITHDRAWN),
}


@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, role):
    user = getattr(tree, role)
    for action, (build, call, changed) in ACTIONS.items():
        x = build(tree)
        if role in MANAGERS:
            call(user, x, tree)
            assert changed(x, tree), (role, action)
        else:
            with pytest.raises(PermissionDenied):
                call(user, x, tree)
            assert not changed(x, tree), (role, action)


@pytest.mark.parametrize("role", ROLES)
def test_pages_404_out_of_scope_403_when_not_allowed(tree, role):
    o = offer(tree)
    m = o.merchant
    c = Client()
    c.force_login(getattr(tree, role))
    detail = c.get(reverse("services:merchant_detail", args=[m.pk])).status_code
    offer_detail = c.get(reverse("services:offer_detail", args=[o.pk])).status_code
    edit = c.get(reverse("services:merchant_edit", args=[m.pk])).status_code
    add = c.get(reverse("services:offer_create", args=[m.pk])).status_code
    withdraw = c.post(reverse("services:offer_step", args=[o.pk, "withdraw"]), {"withdraw-reason": "停"}).status_code
    suspend = c.post(reverse("services:merchant_step", args=[m.pk, "suspend"]), {"suspend-reason": "投诉"}).status_code
    if role in MANAGERS:
        assert (detail, offer_detail, edit, add, withdraw, suspend) == (200, 200, 200, 200, 302, 302), role
    elif role in READERS:
        assert (detail, offer_detail, edit, add, withdraw, suspend) == (200, 200, 404, 404, 404, 404), role
    else:
        assert (detail, offer_detail, edit, add, withdraw, suspend) == (404, 404, 404, 404, 404, 404), role
    assert (Merchant.objects.get().status == MerchantStatus.SUSPENDED) == (role in MANAGERS)
    assert (Offer.objects.get().status == OfferStatus.WITHDRAWN) == (role in MANAGERS)
    lists = [c.get(reverse(n)).status_code for n in (
        "services:merchant_list", "services:offer_list", "services:redemption_list", "services:benefit_stats",
        "services:merchant_export", "services:offer_export", "services:redemption_export")]
    assert lists == ([200] * 7 if role in LIST_READERS else [403] * 7), role
    create = c.get(reverse("services:merchant_create")).status_code
    assert create == (200 if role in {"district_staff", "town1_cadre", "town2_cadre"}
                      else 404 if role in LIST_READERS else 403), role


@pytest.mark.parametrize("role", ROLES)
def test_api_404_out_of_scope_403_when_not_allowed(tree, role):
    o = offer(tree)
    m = o.merchant
    api = api_as(getattr(tree, role))
    get_m, get_o = api.get(f"/merchants/{m.pk}").status_code, api.get(f"/offers/{o.pk}").status_code
    patch_m = api.patch(f"/merchants/{m.pk}", {"address": "新址9号"}).status_code
    step = api.post(f"/offers/{o.pk}/withdraw", {"reason": "停"}).status_code
    if role in MANAGERS:
        assert (get_m, get_o, patch_m, step) == (200, 200, 200, 200), role
    elif role in READERS:
        assert (get_m, get_o, patch_m, step) == (200, 200, 404, 404), role
    else:
        assert (get_m, get_o, patch_m, step) == (404, 404, 404, 404), role
    assert (Merchant.objects.get().address == "新址9号") == (role in MANAGERS)
    created = api.post("/merchants", {"org": tree.town1.pk, "name": "新店", "category": "FOOD", "address": "路",
                                      "agreement_start": "2026-01-01", "agreement_end": "2030-01-01"}).status_code
    # who cannot reach town1 cannot name it: 400 unknown_reference (members and outsiders: 400 or 403)
    assert (created == 201) if role in MANAGERS else created in (400, 403), role
    assert Merchant.objects.filter(name="新店").exists() == (role in MANAGERS)
