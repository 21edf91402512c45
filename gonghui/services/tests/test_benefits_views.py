"""Pages of member benefits: lists with filters and exports, details with history and steps, the
member's e-card (QR, offers), the public verify page (check, merchant sign-in, redemption, rate
limit). Assertions on codes and statuses, never on the page's language."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.services.models.benefits import Merchant, MerchantStatus, Offer, OfferStatus, Redemption
from gonghui.services.services import benefits as services
from gonghui.services.testing.benefits import PIN, member_person, merchant, offer, redeem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_lists_filter_search_and_export_audited(tree):
    o = offer(tree, merchant(tree, name="好味面馆"))
    redeem(tree, o, member_person(tree))
    c = _client(tree.district_staff)
    r = c.get(reverse("services:merchant_list"), {"q": "好味", "status": "ACTIVE", "category": "FOOD"})
    assert r.status_code == 200 and list(r.context["page"].items) == [o.merchant]
    r = c.get(reverse("services:merchant_list"), {"q": "没有"})
    assert list(r.context["page"].items) == []
    r = c.get(reverse("services:offer_list"), {"valid": "1", "org": tree.town1.pk})
    assert list(r.context["page"].items) == [o]
    r = c.get(reverse("services:redemption_list"), {"merchant": o.merchant.pk})
    assert r.status_code == 200 and len(r.context["page"].items) == 1
    for name in ("services:merchant_export", "services:offer_export", "services:redemption_export"):
        r = c.get(reverse(name))
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert set(AuditEvent.objects.filter(action__endswith="_export").values_list("action", flat=True)) == {
        "services.merchant_export", "services.offer_export", "services.redemption_export"}


def test_redemption_filter_rejects_end_before_start(tree):
    r = _client(tree.district_staff).get(reverse("services:redemption_list"),
                                         {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert r.status_code == 200 and "date_to" in r.context["form"].errors


def test_stats_page_counts_per_merchant_per_month(tree):
    o = offer(tree)
    redeem(tree, o, member_person(tree))
    redeem(tree, o, member_person(tree))
    r = _client(tree.town1_cadre).get(reverse("services:benefit_stats"))
    assert r.status_code == 200
    (row,) = r.context["rows"]
    assert row[4] == 2 and sum(r.context["months"]) == 2
    assert _client(tree.town2_cadre).get(reverse("services:benefit_stats")).context["rows"] == []
    assert _client(tree.district_staff).get(reverse("services:benefit_stats"), {"year": "1900"}).status_code == 400


def test_sign_a_merchant_through_the_page(tree):
    c = _client(tree.town1_cadre)
    assert c.get(reverse("services:merchant_create")).status_code == 200
    today = datetime.date.today()
    data = {"org": tree.town1.pk, "name": "康体药房", "category": "HEALTH", "address": "市心路8号",
            "agreement_start": today.isoformat(), "agreement_end": (today - datetime.timedelta(days=1)).isoformat()}
    r = c.post(reverse("services:merchant_create"), data)
    assert r.status_code == 400 and "agreement_end" in r.context["form"].errors and not Merchant.objects.exists()
    data["agreement_end"] = (today + datetime.timedelta(days=200)).isoformat()
    data["pin"] = "583920"
    r = c.post(reverse("services:merchant_create"), data)
    m = Merchant.objects.get()
    assert r.status_code == 302 and m.has_pin and m.org == tree.town1


def test_merchant_detail_steps_and_history(tree):
    m = merchant(tree)
    c = _client(tree.town1_cadre)
    r = c.get(reverse("services:merchant_detail", args=[m.pk]))
    assert r.status_code == 200 and set(r.context["step_forms"]) == {"suspend", "expire", "pin"}
    assert r.context["history"]
    r = c.post(reverse("services:merchant_step", args=[m.pk, "suspend"]), {"suspend-reason": ""})
    assert r.status_code == 400 and Merchant.objects.get().status == MerchantStatus.ACTIVE
    r = c.post(reverse("services:merchant_step", args=[m.pk, "suspend"]), {"suspend-reason": "投诉"})
    assert r.status_code == 302 and Merchant.objects.get().status == MerchantStatus.SUSPENDED
    r = c.post(reverse("services:merchant_step", args=[m.pk, "pin"]), {"pin-pin": "583920", "pin-pin2": "583921"})
    assert r.status_code == 400
    r = c.get(reverse("services:merchant_detail", args=[m.pk]))
    assert set(r.context["step_forms"]) == {"resume", "expire", "pin"}
    assert c.post(reverse("services:merchant_step", args=[m.pk, "nope"])).status_code == 404


def test_offer_pages(tree):
    m = merchant(tree)
    c = _client(tree.town1_cadre)
    url = reverse("services:offer_create", args=[m.pk])
    assert c.get(url).status_code == 200
    data = {"title": "满100减20", "discount": "满100减20", "valid_from": m.agreement_start.isoformat(),
            "valid_to": m.agreement_end.isoformat(), "limit": "PER_MONTH", "limit_count": ""}
    r = c.post(url, data)
    assert r.status_code == 400 and "limit_count" in r.context["form"].errors and not Offer.objects.exists()
    data["limit_count"] = "2"
    assert c.post(url, data).status_code == 302
    o = Offer.objects.get()
    r = c.get(reverse("services:offer_detail", args=[o.pk]))
    assert r.status_code == 200 and r.context["valid_now"] and set(r.context["step_forms"]) == {"withdraw"}
    assert c.get(reverse("services:offer_edit", args=[o.pk])).status_code == 200
    r = c.post(reverse("services:offer_step", args=[o.pk, "withdraw"]), {"withdraw-reason": "活动结束"})
    assert r.status_code == 302 and Offer.objects.get().status == OfferStatus.WITHDRAWN


def _link(tree, person):
    person.account = tree.member_user
    person.save(update_fields=["account"])


def test_my_card_shows_a_qr_and_offers_open_to_me(tree):
    o = offer(tree)
    offer(tree, merchant(tree, org=tree.town2), title="北干专享")  # another town's: not open to union1
    person = member_person(tree)
    _link(tree, person)
    r = _client(tree.member_user).get(reverse("services:my_card"))
    assert r.status_code == 200 and r.context["qr"].startswith("<svg")
    assert r.context["offers"] == [o]
    assert "no-store" in r["Cache-Control"] or "no-cache" in r["Cache-Control"]
    assert person.id_number_masked not in r.context["card_url"]
    token = r.context["card_url"].split("?t=", 1)[1]
    assert services.verify_card(token).person_id == person.pk


def test_my_card_404_without_a_person_and_no_qr_without_membership(tree):
    assert _client(tree.member_user).get(reverse("services:my_card")).status_code == 404
    person = member_person(tree)
    person.memberships.update(status="LEFT", ended_on=datetime.date.today())
    _link(tree, person)
    r = _client(tree.member_user).get(reverse("services:my_card"))
    assert r.status_code == 200 and r.context["qr"] is None


def test_verify_page_public_flow(tree):
    o = offer(tree)
    person = member_person(tree)
    token = services.card_token(person)
    url = reverse("services:card_verify")
    c = Client()
    r = c.get(url, {"t": token})
    assert r.status_code == 200 and r.context["check"].result == "valid" and r.context["merchant"] is None
    assert person.name not in r.content.decode() and person.id_number_masked not in r.content.decode()
    r = c.post(url, {"t": token, "action": "redeem", "offer": o.pk})
    assert r.status_code == 400 and not Redemption.objects.exists()
    r = c.post(url, {"t": token, "action": "login", "login-merchant_code": o.merchant.code, "login-pin": "000001"})
    assert r.status_code == 400 and "pin" in r.context["login_form"].errors
    r = c.post(url, {"t": token, "action": "login", "login-merchant_code": o.merchant.code, "login-pin": PIN})
    assert r.status_code == 302
    r = c.get(url, {"t": token})
    assert r.context["merchant"] == o.merchant and r.context["offers"] == [o]
    r = c.post(url, {"t": token, "action": "redeem", "offer": o.pk})
    assert r.status_code == 302 and Redemption.objects.filter(person=person, offer=o).count() == 1
    r = c.post(url, {"t": token, "action": "redeem", "offer": o.pk})  # a double tap: the code is used
    assert r.status_code == 400 and Redemption.objects.filter(person=person, offer=o).count() == 1
    later = timezone.now() + datetime.timedelta(minutes=7)  # expired, but inside the redemption grace
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        assert c.get(url, {"t": token}).context["check"].result == "valid"  # for the signed-in merchant
        assert Client().get(url, {"t": token}).context["check"].result == "expired"  # for anyone else
    c.post(url, {"t": token, "action": "logout"})
    assert c.get(url, {"t": token}).context["merchant"] is None


def test_verify_page_invalid_code(tree):
    r = Client().get(reverse("services:card_verify"), {"t": "not-a-code"})
    assert r.status_code == 200 and r.context["check"].result == "invalid"


@override_settings(SERVICES_BENEFITS_RULES={"verify_rate": "2/min"})
def test_verify_page_is_rate_limited(tree):
    c = Client()
    url = reverse("services:card_verify")
    assert [c.get(url, {"t": "x"}).status_code for _ in range(3)] == [200, 200, 429]
    assert c.get(url, {"t": "x"})["Retry-After"]


def test_overview_card_and_due_line_in_one_query(tree, django_assert_num_queries):
    from gonghui.services.selectors import benefits as selectors

    m = merchant(tree)
    Merchant.objects.filter(pk=m.pk).update(agreement_end=datetime.date.today() + datetime.timedelta(days=5))
    merchant(tree, org=tree.town2)
    tree.town1_cadre.scope_paths("services.change")  # roles loaded once per request, as on the dashboard
    with django_assert_num_queries(1):
        due = selectors.due_agreements_summary(tree.town1_cadre)
    assert (due.overdue, due.soon) == (0, 1)
    assert selectors.due_agreements_summary(tree.town2_cadre) is None
    assert selectors.due_agreements_summary(tree.union1_chair) is None
    card = selectors.overview_card(tree.town1_cadre)
    assert [row.value for row in card.rows] == [1, 0, 0]
    r = _client(tree.town1_cadre).get(reverse("services:overview"))
    assert r.status_code == 200
