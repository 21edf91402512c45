"""seed_demo's skill leaders (core.demo.honours.leaders) at small scale: rows the services could have
written (the allowance paid by the month boundary rule, once per leader and month, an honour
record per title), and the demo accounts see data on every page."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.demo.honours.leaders import ON
from gonghui.honours.models.awards import HonourRecord
from gonghui.honours.models.leaders import LeaderAllowance, LeaderAllowanceRun, LeaderStatus, SkillLeader
from gonghui.honours.selectors.leaders import overview_card
from gonghui.honours.services import leaders as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def _rows_follow_the_rules(seeded):
    leaders = {x.pk: x for x in SkillLeader.objects.all()}
    assert {x.status for x in leaders.values()} == set(LeaderStatus.values)
    assert LeaderAllowanceRun.objects.count() == 12
    paid = list(LeaderAllowance.objects.values_list("leader_id", "month", "amount"))
    assert len(paid) == len({(pk, m) for pk, m, _a in paid}) > 0
    for pk, month, _amount in paid:
        assert leaders[pk].holds_on(month)
    paid_at = LeaderAllowance.objects.values_list("month", "created_at")
    assert all(timezone.localtime(at).date() == month for month, at in paid_at)  # paid on the run's day
    for x in leaders.values():
        if x.holds_title:
            assert HonourRecord.objects.filter(source_key=f"honours.SkillLeader:{x.pk}", person=x.person).exists()
            assert x.ends_on <= x.term_ends_on
    # the demo's ledger is what the service would have paid: running the last month again pays nobody
    assert services.run_allowances(month=ON).paid_now == 0


def _demo_accounts_see_leaders_and_allowances(seeded):
    for name in ("district", "town1", "town2", "union1"):
        user = seeded[name]
        assert SkillLeader.objects.visible_to(user).exists(), name
        assert LeaderAllowance.objects.visible_to(user).exists(), name
    assert overview_card(seeded["union1"]).rows[0].value >= 1
    for name in ("district", "town1", "union1"):
        c = Client()
        c.force_login(seeded[name])
        assert c.get(reverse("honours:leader_list")).status_code == 200
        r = c.get(reverse("honours:allowance_list"), {"year": ON.year})
        assert r.status_code == 200 and "100.00" in r.content.decode()
        x = SkillLeader.objects.visible_to(seeded[name]).filter(status="SELECTED").first()
        assert c.get(reverse("honours:leader_detail", args=[x.pk])).status_code == 200


def _the_area_wipes_cleanly():
    from gonghui.core.demo.honours import leaders

    for model in reversed(leaders.MODELS):
        model.objects.all().delete()
    assert not SkillLeader.objects.exists() and not LeaderAllowanceRun.objects.exists()


def test_the_small_demo(seeded):
    """One seed for every check (a small seed takes seconds: seeding once per check tripled it)."""
    _rows_follow_the_rules(seeded)
    _demo_accounts_see_leaders_and_allowances(seeded)
    _the_area_wipes_cleanly()
