"""Selectors of the `auth` area: accounts by mobile number, the live code of a number.

These run before anyone is signed in, so there is no user to scope by: they answer only what
the caller proves (a number it holds a code for, or a password that matches) and the services
never tell a visitor whether a number has an account before that proof.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone

from gonghui.core import pii

from ..models.auth import SmsCode


def phone_hash(number: str) -> str:
    return pii.lookup_hash(number)


def account_by_phone(number: str):
    """The account whose login number this is (active or not), or None."""
    if not number:
        return None
    return get_user_model().objects.filter(phone_hash=phone_hash(number)).first()


def phone_taken(number: str, *, exclude_pk=None) -> bool:
    users = get_user_model().objects.filter(phone_hash=phone_hash(number))
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    return users.exists()


def latest_code(number: str, purpose: str):
    """The newest unused, unexpired code of this number for this purpose, or None."""
    return (SmsCode.objects.filter(phone_hash=phone_hash(number), purpose=purpose, used_at__isnull=True,
                                   expires_at__gt=timezone.now())
            .order_by("-created_at", "-pk").first())


def seconds_until_resend(number: str, cooldown: int) -> int:
    """How long until this number may be sent another code (0: now)."""
    last = (SmsCode.objects.filter(phone_hash=phone_hash(number)).order_by("-created_at")
            .values_list("created_at", flat=True).first())
    if last is None:
        return 0
    waited = (timezone.now() - last).total_seconds()
    return max(0, int(cooldown - waited + 0.999))
