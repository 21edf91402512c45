"""seed_demo's phone logins: member1 and worker1 sign in on /m/login/ with their demo numbers;
demo_accounts prints the numbers; --no-accounts makes none."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.demo.accounts import DEMO_PASSWORD, DEMO_PHONES
from gonghui.members.selectors import person_of_account
from gonghui.portal.testing.auth import reset_sms_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    reset_sms_state()
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_phone_logins(seeded):
    member1, worker1 = seeded["member1"], seeded["worker1"]
    assert member1.phone() == DEMO_PHONES["member1"] and worker1.phone() == DEMO_PHONES["worker1"]
    assert person_of_account(member1) is not None and person_of_account(worker1) is None
    assert not worker1.role_assignments.exists() and not worker1.is_staff
    for username in ("member1", "worker1"):
        client = Client()
        response = client.post(reverse("portal:login"), {"mode": "password", "phone": DEMO_PHONES[username],
                                                         "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert int(client.session["_auth_user_id"]) == seeded[username].pk
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert DEMO_PHONES["member1"] in out.getvalue() and "worker1" in out.getvalue()


def test_no_accounts_no_phone_logins(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--scale", "small", "--no-accounts", stdout=io.StringIO(), stderr=io.StringIO())
    assert not User.objects.exists()
