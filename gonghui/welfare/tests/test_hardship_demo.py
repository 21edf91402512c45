"""seed_demo's hardship files (core.demo.welfare.hardship) at small scale: rows the services could
have written (figures on the file as the calculator computes them from the lines, category of
files on record = the calculator's, the worker in the household), every status, several towns
including union1's, member1 on file, and the demo accounts see them on the pages."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.welfare.models.hardship import HardshipFile, HardshipStatus, HelpRecord
from gonghui.welfare.services import hardship as services

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_the_small_demo(seeded):
    files = list(HardshipFile.objects.select_related("org", "person"))
    assert {f.status for f in files} == set(HardshipStatus.values)
    assert len({f.org.path[:2 * 4] for f in files}) >= 3  # several towns
    for f in files:
        a = services.calculate(f)
        assert (a.persons, a.income, a.rigid_costs, a.unexpected_costs, a.per_capita_monthly, a.category) == (
            f.household_size, f.annual_income, f.annual_rigid_costs, f.annual_unexpected_costs,
            f.per_capita_monthly, f.computed_category), f.number
        assert f.household.filter(relation="SELF", name=f.person.name).count() == 1
        if f.status == HardshipStatus.ACTIVE:
            assert f.category == a.category != "" and f.review_due_on > f.accepted_on
    assert any(f.status == HardshipStatus.ACTIVE and f.review_due_on < services.today() for f in files)
    member1 = User.objects.get(username="member1")
    assert HardshipFile.objects.filter(person__account=member1, status=HardshipStatus.ACTIVE).exists()
    assert HelpRecord.objects.filter(kind="VISIT", file__isnull=False).exists()
    for name in ("district", "town1", "town2", "union1"):
        assert HardshipFile.objects.visible_to(seeded[name]).exists(), name
    c = Client()
    c.force_login(seeded["town1"])
    assert c.get(reverse("welfare:file_list")).status_code == 200
    f = HardshipFile.objects.visible_to(seeded["town1"]).first()
    assert c.get(reverse("welfare:file_detail", args=[f.pk])).status_code == 200
    assert c.post(reverse("welfare:file_reveal", args=[f.pk])).status_code == 200
