"""Test helpers of the `auth` area: worker accounts with a mobile number, the SMS outbox, and
signing in by phone in a test client or a browser. Other areas (joins, home, the member's-day
browser test) use these instead of knowing how the codes work.

    from gonghui.portal.testing.auth import portal_account, sign_in_by_phone
    worker = portal_account(phone="13900001111", name="王小明")   # no roles, phone verified
    client.force_login(worker)                                       # or sign_in_by_phone(client, ...)
"""

import itertools

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .. import sms
from ..services import auth as services

PASSWORD = "test-pass-2026"  # what the core test factories set, so e2e.pages.PASSWORD works too

_numbers = itertools.count(1)


def new_phone() -> str:
    """A mobile number no other call in this process returned (199 + 8 digits)."""
    return f"199{next(_numbers):08d}"


def portal_account(*, phone=None, name="王小明", password=PASSWORD, verified=True):
    """A worker's own account, as sign-up makes it (no roles, not linked to a member)."""
    with transaction.atomic():
        return services.create_portal_account(phone=phone or new_phone(), name=name, password=password,
                                              verified_at=timezone.now() if verified else None)


def give_phone(user, phone=None):
    """Give an existing account (a factory's member user, a cadre) a login number."""
    user.set_phone(phone or new_phone())
    user.phone_verified_at = timezone.now()
    user.save(update_fields=["phone_enc", "phone_hash", "phone_masked", "phone_verified_at"])
    return user


def clear_outbox():
    sms.outbox.clear()


def reset_sms_state():
    """An empty outbox and no send guards or rate counters (they live in the process-wide
    LocMemCache of the test settings, so they would outlive a test)."""
    from django.core.cache import cache

    sms.outbox.clear()
    cache.clear()


def allow_resend(phone):
    """Let `phone` be sent another code now: its codes are moved back past the one-a-minute
    cooldown (validity and order kept), and the send guard is dropped."""
    import datetime

    from django.core.cache import cache
    from django.db.models import F

    from ..models.auth import SmsCode
    from ..selectors.auth import phone_hash

    shift = datetime.timedelta(seconds=services.rules().resend_cooldown_seconds + 1)
    SmsCode.objects.filter(phone_hash=phone_hash(phone)).update(created_at=F("created_at") - shift)
    cache.delete(f"portal-sms-send:{phone_hash(phone)}")


def last_code(phone) -> str | None:
    """The code of the newest SMS sent to `phone` (LocmemBackend, the test settings' backend)."""
    return sms.last_code(phone)


def sign_in_by_phone(client, phone, password=PASSWORD):
    """Post the portal's password sign-in form; returns the response (302 on success)."""
    return client.post(reverse("portal:login"), {"mode": "password", "phone": phone, "password": password})


def sign_up_in_browser(page, *, phone, name="王小明", password=PASSWORD):
    """Playwright: sign up on /m/signup/ (reads the code from the outbox: the live server runs in
    this process). Ends signed in, on the portal home."""
    page.goto(reverse("portal:signup"))
    page.fill("input[name=phone]", phone)
    with page.expect_navigation():
        page.click("button[name=action][value=send]")
    page.fill("input[name=code]", last_code(phone))
    page.fill("input[name=name]", name)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    with page.expect_navigation():
        page.click("button[name=action][value=submit]")


def sign_in_in_browser(page, *, phone, password=PASSWORD):
    """Playwright: phone + password on /m/login/."""
    page.goto(reverse("portal:login"))
    page.fill("input[name=phone]", phone)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[name=action][value=submit]")
