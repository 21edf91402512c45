"""Demo data of portal / auth: the phone logins of the member portal.

member1's number is set with the other demo accounts (core/demo/accounts.py, after this runs).
Here: `worker1`, a worker who signed up on the phone (no roles, not a member yet), so the
portal's 实名入会 path has someone to show it. Only with demo accounts (`seed_demo
--no-accounts` makes no login). No SMS codes are seeded: they are the trace of real requests.
"""

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from gonghui.portal.models.auth import SmsCode

MODELS = (SmsCode,)
WORKER_NAME = "周晓燕"


def seed(gen) -> dict:
    from gonghui.accounts.models import User
    from gonghui.core import pii
    from gonghui.core.demo.accounts import DEMO_PASSWORD, DEMO_PHONES

    if not getattr(gen, "with_accounts", True):
        return {"accounts": 0}
    number = DEMO_PHONES["worker1"]
    # Idempotent across seeds: the same login, its number taken from any other account.
    User.objects.filter(phone_hash=pii.lookup_hash(number)).exclude(username="worker1").update(
        phone_enc="", phone_hash="", phone_masked="", phone_verified_at=None)
    worker, _created = User.objects.get_or_create(username="worker1")
    worker.display_name = WORKER_NAME
    worker.password = make_password(DEMO_PASSWORD)
    worker.is_active, worker.is_staff, worker.is_superuser = True, False, False
    worker.set_phone(number)
    worker.phone_verified_at = timezone.now()
    worker.save()
    worker.role_assignments.all().delete()
    return {"accounts": 1}
