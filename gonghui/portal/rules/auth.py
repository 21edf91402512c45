"""Local policy of the `auth` area (settings.PORTAL_AUTH_RULES overrides any key).

SMS one-time codes guard sign-in, sign-up and password reset on the member portal. The figures
follow common practice of Chinese SMS sign-in (a 6-digit code valid 5 minutes, one new code a
minute per number): what protects a code is how few guesses it allows (5 per code, a handful of
codes per number per hour), and what protects the SMS budget and strangers' phones from being
flooded is the cap per number and per client address.

A whole factory may sign up on one Wi-Fi (one public address) during a membership drive: raise
`codes_per_ip_per_hour` for such a day rather than lowering the per-number caps.
"""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # Digits in a code.
    code_length: int = 6
    # A code is accepted for this long after it was sent.
    code_ttl_seconds: int = 300
    # Wrong guesses a code survives; then a new code is needed.
    max_code_attempts: int = 5
    # One code per number per this many seconds (the "resend in 60 s" of the form).
    resend_cooldown_seconds: int = 60
    # Codes sent to one number in any hour / day, whatever the purpose.
    codes_per_phone_per_hour: int = 5
    codes_per_phone_per_day: int = 10
    # Codes requested from one client address (any numbers) in an hour.
    codes_per_ip_per_hour: int = 30
    # Failed password sign-ins by phone from one client address (any numbers) in an hour; then
    # that address may only sign in by SMS code until the hour is over. django-axes locks one
    # account per address after AXES_FAILURE_LIMIT; this stops one address trying a common
    # password on one number after another. Raise it for a drive on one factory's Wi-Fi.
    password_failures_per_ip_per_hour: int = 30
    # Sent codes (used or not) are kept this long for the limits and for questions, then purged.
    code_retention_days: int = 7
    # Prefix of the usernames given to accounts that sign up on the portal (m-xxxxxxxxxx).
    username_prefix: str = "m-"


def rules() -> Rules:
    overrides = dict(getattr(settings, "PORTAL_AUTH_RULES", {}) or {})
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
