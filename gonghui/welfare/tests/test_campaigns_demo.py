"""seed_demo's campaigns (core.demo.welfare.campaigns) at small scale: rows the services could have
written — no budget overspent, paid ≤ approved, one live application per person, kind and year,
a payment or goods and a help record for every paid application, 金秋助学 only for people with a
hardship file (their help records on it) — in several towns including
城厢街道 and 北干街道, member1's applications, and the demo accounts see the pages."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.members.models import Person
from gonghui.welfare.models.campaigns import (
    LIVE_APPLICATION_STATUSES,
    CampaignApplication,
    CampaignBudget,
    CampaignPayment,
    GoodsDistribution,
)
from gonghui.welfare.models.hardship import HardshipFile, HelpRecord

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_campaigns_follow_the_rules_and_show(seeded):
    assert not CampaignBudget.objects.filter(approved__gt=F("allocated")).exists()
    assert not CampaignBudget.objects.filter(paid__gt=F("approved")).exists()
    live = Counter(CampaignApplication.objects.filter(status__in=LIVE_APPLICATION_STATUSES)
                   .values_list("person_id", "kind", "year"))
    assert live and max(live.values()) == 1
    statuses = set(CampaignApplication.objects.values_list("status", flat=True))
    assert {"SUBMITTED", "TOWN_REVIEWED", "APPROVED", "PAID", "REJECTED"} <= statuses
    paid = CampaignApplication.objects.filter(status="PAID")
    assert paid.count() == CampaignPayment.objects.count() + GoodsDistribution.objects.filter(
        application__isnull=False).count()
    assert HelpRecord.objects.filter(source_key__startswith="welfare.CampaignPayment:").count() \
        == CampaignPayment.objects.count()
    # 金秋助学 requires a hardship file: every applicant has one on file, and their help records sit on it.
    golden = CampaignApplication.objects.filter(kind="GOLDEN_AUTUMN")
    assert golden.exists() and golden.filter(campaign__hardship_required=False).count() == 0
    on_file = set(HardshipFile.objects.filter(status="ACTIVE").values_list("person_id", flat=True))
    assert set(golden.values_list("person_id", flat=True)) <= on_file
    assert not HelpRecord.objects.filter(source_key__startswith="welfare.CampaignPayment:", person_id__in=on_file,
                                         file__isnull=True).exists()
    towns = set(CampaignApplication.objects.values_list("town__name", flat=True))
    assert {"城厢街道总工会", "北干街道总工会"} <= towns and len(towns) >= 3
    member1 = Person.objects.get(account=seeded["member1"])
    assert CampaignApplication.objects.filter(person=member1).count() >= 2
    web = Client()
    for name in ("district", "town1", "town2", "union1"):
        web.force_login(seeded[name])
        for url in ("campaign_list", "application_list", "payment_list", "goods_list"):
            response = web.get(reverse(f"welfare:{url}"))
            assert response.status_code == 200, (name, url)
    web.force_login(seeded["town1"])
    assert web.get(reverse("welfare:application_list")).context["page"].items
    web.force_login(seeded["member1"])
    page = web.get(reverse("welfare:my_applications"))
    assert page.status_code == 200 and page.context["mine"]
