"""The demo rows of the benefits area (core.demo.services.benefits) on the test tree standing in
for the generated district: rows the services would accept (dates inside agreements, limits
respected), merchants in town1 and town2 and the district's, redemptions visible to town1's cadre,
member1's e-card page with data, deterministic."""

from types import SimpleNamespace

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from gonghui.core.demo.generator import TOWN1, TOWN2
from gonghui.core.demo.services import benefits as demo
from gonghui.core.testing.factories import add_org
from gonghui.orgs.models import OrgLevel
from gonghui.services.models.benefits import Merchant, MerchantStatus, Offer, OfferLimit, Redemption
from gonghui.services.services import benefits as services

pytestmark = pytest.mark.django_db


def fake_gen(tree):
    towns = {TOWN1: tree.town1, TOWN2: tree.town2}
    for name in ("衙前镇", "临浦镇"):
        towns[name] = add_org(tree.district, f"{name}总工会", OrgLevel.TOWN)
    for _ in range(6):
        tree.member()
    for _ in range(3):
        tree.member(union=tree.union2)
    member1 = tree.member().person
    member1.account = tree.member_user
    member1.save(update_fields=["account"])
    by_name = {name: SimpleNamespace(id=org.pk) for name, org in towns.items()}
    return SimpleNamespace(seed=2026, scale=SimpleNamespace(name="small"), town_by_name=by_name,
                           root=SimpleNamespace(id=tree.district.pk), union1=SimpleNamespace(id=tree.union1.pk),
                           member1=member1.pk)


def test_demo_rows_follow_the_rules_and_reach_town1_and_town2(tree):
    gen = fake_gen(tree)
    counts = demo.seed(gen)
    assert counts["merchants"] == Merchant.objects.count() >= 15
    assert counts["redemptions"] == Redemption.objects.count() > 0
    orgs = set(Merchant.objects.values_list("org_id", flat=True))
    assert {tree.district.pk, tree.town1.pk, tree.town2.pk} <= orgs
    assert set(Merchant.objects.values_list("status", flat=True)) == set(MerchantStatus.values)
    assert services.authenticate_merchant(Merchant.objects.first().code, demo.DEMO_PIN)
    for o in Offer.objects.select_related("merchant"):
        assert o.merchant.agreement_start <= o.valid_from <= o.valid_to <= o.merchant.agreement_end
    for r in Redemption.objects.select_related("merchant__org", "union"):
        assert r.union.path.startswith(r.merchant.org.path) and r.org_id == r.merchant.org_id
    once = (Redemption.objects.filter(offer__limit=OfferLimit.ONCE).values("offer", "person")
            .annotate(n=Count("pk")).filter(n__gt=1))
    assert not once.exists()
    assert not Redemption.objects.filter(card_nonce="").exists()  # every demo row as if scanned (unique per offer)
    c = Client()
    c.force_login(tree.town1_cadre)
    assert c.get(reverse("services:redemption_list")).context["page"].count > 0
    assert c.get(reverse("services:benefit_stats")).context["rows"]
    c.force_login(tree.member_user)
    r = c.get(reverse("services:my_card"))
    assert r.status_code == 200 and r.context["offers"] and r.context["recent"]
    # deterministic: a second seed on a wiped area writes the same rows
    first = list(Redemption.objects.order_by("redeemed_at", "person_id").values_list("redeemed_at", "person_id"))
    for model in reversed(demo.MODELS):
        model.objects.all().delete()
    demo.seed(gen)
    assert list(Redemption.objects.order_by("redeemed_at", "person_id")
                .values_list("redeemed_at", "person_id")) == first
