"""At the same moment: one code used by two requests signs in once; two sign-ups of one number
make one account; wrong guesses from parallel requests are all counted (the code row is locked).
The threaded tests stage the real races on PostgreSQL (SQLite serialises writers)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from gonghui.core.testing.race import race
from gonghui.portal.models.auth import CodePurpose, SmsCode
from gonghui.portal.services import auth as services
from gonghui.portal.testing.auth import last_code, new_phone, portal_account, reset_sms_state

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
pytestmark = [pytest.mark.postgres, needs_postgres, pytest.mark.django_db(transaction=True)]
PASSWORD = "Hongshan-river-2027"


@pytest.fixture(autouse=True)
def _fresh():
    reset_sms_state()
    yield
    reset_sms_state()


def test_one_code_two_sign_ins():
    account = portal_account()
    phone = account.phone()
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    code = last_code(phone)
    outcomes = race([lambda: services.sign_in_with_code(phone=phone, code=code)] * 2)
    assert outcomes[-1] == "won" and outcomes.count("won") == 1
    assert set(outcomes) - {"won"} <= {"code_used", "code_expired"}


def test_two_sign_ups_of_one_number():
    """Only the newest code of a number counts and it works once, so one sign-up wins; the
    database's unique number is the last line (create_portal_account turns it into
    `phone_registered`)."""
    phone = new_phone()
    services.request_code(phone=phone, purpose=CodePurpose.SIGNUP)
    code = last_code(phone)
    outcomes = race([lambda: services.sign_up(phone=phone, code=code, name="王小明", password=PASSWORD)] * 2)
    assert outcomes.count("won") == 1, outcomes
    assert get_user_model().objects.filter(phone_hash=services.selectors.phone_hash(phone)).count() == 1


def test_parallel_wrong_guesses_are_all_counted():
    phone = portal_account().phone()
    services.request_code(phone=phone, purpose=CodePurpose.LOGIN)
    wrong = f"{(int(last_code(phone)) + 1) % 10**6:06d}"
    outcomes = race([lambda: services.sign_in_with_code(phone=phone, code=wrong)] * 4)
    assert set(outcomes) == {"code_wrong"}
    assert SmsCode.objects.get().attempts == 4


def test_two_code_requests_at_once_send_one():
    phone = new_phone()
    outcomes = race([lambda: services.request_code(phone=phone, purpose=CodePurpose.LOGIN)] * 3)
    assert outcomes.count("won") == 1 and set(outcomes) - {"won"} == {"code_cooldown"}
    assert SmsCode.objects.count() == 1
