"""seed_demo's skill training rewards (core.demo.honours.rewards) at small scale: rows the
services could have written, every status, and the demo accounts see data on their pages."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.demo.honours.rewards import ON
from gonghui.honours.models.rewards import RewardClaimStatus, SkillRewardBatch, SkillRewardClaim

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_rewards(seeded):
    rows = list(SkillRewardClaim.objects.select_related("batch"))
    assert 15 <= len(rows) <= 120
    assert set(Counter(c.status for c in rows)) == set(RewardClaimStatus.values)
    assert len({c.certificate_no for c in rows}) == len(rows)
    for c in rows:
        assert all(d is None or d <= ON for d in (c.submitted_on, c.decided_on, c.paid_on))
        if c.status == "PAID":
            assert c.batch and c.paid_on == c.batch.paid_on
    for b in SkillRewardBatch.objects.all():
        assert b.total == sum(c.amount for c in b.claims.all()) and b.claims_count == b.claims.count()
    for name in ("union1", "town1", "town2", "district"):
        assert SkillRewardClaim.objects.visible_to(seeded[name]).exists(), name
    client = Client()
    for name in ("district", "town1", "union1"):
        client.force_login(seeded[name])
        page = client.get(reverse("honours:reward_list"))
        assert page.status_code == 200 and page.context["page"].items
        c = SkillRewardClaim.objects.visible_to(seeded[name]).first()
        assert client.get(reverse("honours:reward_detail", args=[c.pk])).status_code == 200
        assert client.get(reverse("honours:reward_totals")).status_code == 200
        assert client.get(reverse("honours:overview")).status_code == 200
    client.force_login(seeded["district"])
    batch = SkillRewardBatch.objects.first()
    assert client.get(reverse("honours:reward_batch_detail", args=[batch.pk])).status_code == 200
    assert client.get(reverse("honours:reward_pay")).status_code == 200
