"""Services of the `auth` area: SMS one-time codes, phone sign-in, sign-up, password reset.

Everything here runs for a visitor who is not signed in yet, so `actor` is None or absent; the
client address comes from the request context (gonghui.core.context.current_ip).

Codes: `request_code` checks the limits (rules/auth.py), stores the code's keyed hash, commits,
then hands the text to the SMS backend outside the transaction (a slow gateway must not hold a
database lock; SQLite takes its write lock at BEGIN). A code is checked in two steps: a wrong
guess is counted in a transaction of its own, so the count survives the refusal; a right one is
consumed (locked, marked used) in the same transaction as the change it authorises, so it works
once. Call these services outside an outer transaction, or wrong guesses are not counted.

Enumeration: asking for a code answers the same whether the number has an account or not.
Whether it has one is said only after a correct code, i.e. to the holder of the phone.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import authenticate, get_user_model, password_validation
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from gonghui.core import audit
from gonghui.core.context import current_ip
from gonghui.core.errors import DomainError
from gonghui.core.validators import validate_mobile

from .. import sms
from ..models.auth import CodePurpose, SmsCode
from ..policies.auth import may_sign_in
from ..rules.auth import rules
from ..selectors import auth as selectors

NAME_MAX_LENGTH = 32
USERNAME_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"
USERNAME_RANDOM_LENGTH = 10
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
ACCOUNT_AUDIT_FIELDS = ("username", "display_name", "phone_masked", "phone_verified_at", "is_active")


class CodeThrottled(DomainError):
    """Too many codes for now; `retry_after` seconds until the next may be asked for."""

    def __init__(self, message, *, code, retry_after):
        super().__init__(message, code=code, field="phone")
        self.retry_after = max(1, int(retry_after))


@dataclass(frozen=True)
class CodeSent:
    expires_in: int  # seconds the code is valid
    resend_in: int  # seconds until another code may be asked for


# --- input -------------------------------------------------------------------------------------
def clean_phone(value) -> str:
    """The 11-digit mobile number, or the DomainError saying what is wrong with it."""
    if not (value or "").strip():
        raise DomainError(_("Enter your mobile number."), code="phone_required", field="phone")
    try:
        return validate_mobile(value)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="phone_format", field="phone") from exc


def clean_name(value) -> str:
    name = " ".join(str(value or "").split())
    if CONTROL_CHARACTERS.search(name):
        raise DomainError(_("The name contains control characters."), code="name_invalid", field="name")
    if not name:
        raise DomainError(_("Enter your name."), code="name_required", field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(_("A name has at most %(n)d characters.") % {"n": NAME_MAX_LENGTH},
                          code="name_too_long", field="name")
    return name


def _clean_purpose(purpose) -> str:
    if purpose not in CodePurpose.values:
        raise DomainError(_("Choose what the code is for: sign in, sign up or password reset."),
                          code="purpose_invalid", field="purpose")
    return purpose


@sensitive_variables("password")
def _validate_password(password, user, field):
    try:
        password_validation.validate_password(password or "", user=user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="password_invalid", field=field) from exc


# --- codes ---------------------------------------------------------------------------------------
def _code_hash(phone_hash: str, purpose: str, code: str) -> str:
    return salted_hmac("gonghui.portal.sms_code", f"{phone_hash}:{purpose}:{code}", algorithm="sha256").hexdigest()


def _new_code(length: int) -> str:
    return f"{secrets.randbelow(10**length):0{length}d}"


def _message_text(purpose: str, code: str, minutes: int) -> str:
    texts = {
        CodePurpose.LOGIN: _("Your sign-in code for the union member service is %(code)s, valid for %(minutes)d "
                             "minutes. Never tell it to anyone."),
        CodePurpose.SIGNUP: _("Your sign-up code for the union member service is %(code)s, valid for %(minutes)d "
                              "minutes. If you did not ask for it, ignore this message."),
        CodePurpose.RESET: _("Your password reset code for the union member service is %(code)s, valid for "
                             "%(minutes)d minutes. If you did not ask for it, ignore this message."),
    }
    return texts[purpose] % {"code": code, "minutes": minutes}


def _wait_error(seconds):
    return CodeThrottled(ngettext("A code was just sent. You can ask for another in %(n)d second.",
                                  "A code was just sent. You can ask for another in %(n)d seconds.", seconds)
                         % {"n": seconds}, code="code_cooldown", retry_after=seconds)


def _check_limits(phone_hash: str, ip, now, r):
    """Raise CodeThrottled when this number or address has had its share of codes."""
    sent = SmsCode.objects.filter(phone_hash=phone_hash)
    last = sent.order_by("-created_at").values_list("created_at", flat=True).first()
    if last is not None and (now - last).total_seconds() < r.resend_cooldown_seconds:
        raise _wait_error(int(r.resend_cooldown_seconds - (now - last).total_seconds() + 0.999))
    hour_ago, day_ago = now - timedelta(hours=1), now - timedelta(days=1)
    if sent.filter(created_at__gt=hour_ago).count() >= r.codes_per_phone_per_hour:
        first = sent.filter(created_at__gt=hour_ago).order_by("created_at").values_list("created_at", flat=True)[0]
        raise CodeThrottled(_("This number has been sent %(n)d codes in the last hour. Try again later or sign in "
                              "with your password.") % {"n": r.codes_per_phone_per_hour},
                            code="code_phone_limit", retry_after=(first + timedelta(hours=1) - now).total_seconds())
    if sent.filter(created_at__gt=day_ago).count() >= r.codes_per_phone_per_day:
        first = sent.filter(created_at__gt=day_ago).order_by("created_at").values_list("created_at", flat=True)[0]
        raise CodeThrottled(_("This number has been sent %(n)d codes today. Try again tomorrow or sign in with "
                              "your password.") % {"n": r.codes_per_phone_per_day},
                            code="code_phone_daily_limit",
                            retry_after=(first + timedelta(days=1) - now).total_seconds())
    if ip and SmsCode.objects.filter(ip=ip, created_at__gt=hour_ago).count() >= r.codes_per_ip_per_hour:
        raise CodeThrottled(_("Too many codes were asked for from this network in the last hour. Try again "
                              "later."), code="code_ip_limit", retry_after=3600)


def request_code(*, phone, purpose, actor=None) -> CodeSent:
    """Send a one-time code for `purpose` to `phone` (whether or not it has an account)."""
    phone = clean_phone(phone)
    purpose = _clean_purpose(purpose)
    if not sms.is_available():
        raise DomainError(_("Codes by SMS are not available on this site. Sign in with your password, or ask "
                            "your union."), code="sms_unavailable", field="phone")
    r, ip, now = rules(), current_ip.get(), timezone.now()
    phone_hash = selectors.phone_hash(phone)
    # Two requests for one number at the same moment: the cache's atomic add lets one through
    # (the row count alone cannot, there is no row to lock before the first code).
    guard = f"portal-sms-send:{phone_hash}"
    if not cache.add(guard, 1, timeout=r.resend_cooldown_seconds):
        raise _wait_error(selectors.seconds_until_resend(phone, r.resend_cooldown_seconds) or 1)
    try:
        code = _new_code(r.code_length)
        with transaction.atomic():
            _check_limits(phone_hash, ip, now, r)
            row = SmsCode.objects.create(phone_hash=phone_hash, purpose=purpose, ip=ip, created_at=now,
                                         code_hash=_code_hash(phone_hash, purpose, code),
                                         expires_at=now + timedelta(seconds=r.code_ttl_seconds))
    except DomainError:
        cache.delete(guard)
        raise
    minutes = max(1, r.code_ttl_seconds // 60)
    try:
        sms.send(sms.SmsMessage(phone=phone, text=_message_text(purpose, code, minutes), code=code,
                                purpose=purpose, minutes=minutes))
    except sms.SmsSendError as exc:
        # Not sent: forget it, so it neither counts against the limits nor blocks a retry.
        SmsCode.objects.filter(pk=row.pk).delete()
        cache.delete(guard)
        if isinstance(exc, sms.SmsUnavailable):
            raise DomainError(_("Codes by SMS are not available on this site. Sign in with your password, or ask "
                                "your union."), code="sms_unavailable", field="phone") from exc
        raise DomainError(_("The SMS could not be sent. Check the number and try again in a moment."),
                          code="sms_failed", field="phone") from exc
    return CodeSent(expires_in=r.code_ttl_seconds, resend_in=r.resend_cooldown_seconds)


def _code_refused(message, code):
    return DomainError(message, code=code, field="code")


def _check_code(phone: str, purpose: str, code) -> int:
    """The id of the live code of this number and purpose that `code` matches. A wrong guess is
    counted (committed) before the refusal is raised."""
    code = "".join(ch for ch in str(code or "") if not ch.isspace())
    if not code:
        raise _code_refused(_("Enter the code from the SMS."), "code_required")
    r = rules()
    phone_hash = selectors.phone_hash(phone)
    refusal = None
    with transaction.atomic():
        row = (SmsCode.objects.select_for_update()
               .filter(phone_hash=phone_hash, purpose=purpose, used_at__isnull=True, expires_at__gt=timezone.now())
               .order_by("-created_at", "-pk").first())
        if row is None:
            raise _code_refused(_("This code is no longer valid (codes last %(minutes)d minutes and work once). "
                                  "Ask for a new one.") % {"minutes": max(1, r.code_ttl_seconds // 60)},
                                "code_expired")
        if row.attempts >= r.max_code_attempts:
            raise _code_refused(_("Too many wrong codes. Ask for a new code."), "code_attempts")
        if constant_time_compare(row.code_hash, _code_hash(phone_hash, purpose, code)):
            return row.pk
        row.attempts += 1
        row.save(update_fields=["attempts"])
        left = r.max_code_attempts - row.attempts
        refusal = (_code_refused(ngettext("The code is wrong. You can try %(n)d more time.",
                                          "The code is wrong. You can try %(n)d more times.", left) % {"n": left},
                                 "code_wrong") if left
                   else _code_refused(_("Too many wrong codes. Ask for a new code."), "code_attempts"))
    raise refusal


def _consume_code(pk: int, now):
    """Inside the caller's transaction: mark the code used, once."""
    row = SmsCode.objects.select_for_update().get(pk=pk)
    if row.used_at is not None:
        raise _code_refused(_("This code was already used. Ask for a new one."), "code_used")
    row.used_at = now
    row.save(update_fields=["used_at"])


# --- sign in -------------------------------------------------------------------------------------
def _axes_username(phone: str, user) -> str:
    """What django-axes counts failures under: the account's username, or, for a number with no
    account, a name no account can have (":" is not allowed in usernames) that holds no number."""
    return user.get_username() if user is not None else "phone:" + selectors.phone_hash(phone)[:24]


def _locked_out(request) -> bool:
    if getattr(request, "axes_locked_out", False):
        request.axes_locked_out = False  # we answer it on the form; AxesMiddleware would swap pages
        return True
    return False


def _failures_key(ip) -> str:
    return f"portal-password-failures:{ip}:{int(timezone.now().timestamp() // 3600)}"


def _address_blocked(ip) -> bool:
    return bool(ip) and (cache.get(_failures_key(ip)) or 0) >= rules().password_failures_per_ip_per_hour


def _count_failure(ip):
    if not ip:
        return
    key = _failures_key(ip)
    cache.add(key, 0, timeout=3600 + 60)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=3600 + 60)


@sensitive_variables("password")
def authenticate_phone_password(*, request, phone, password):
    """The active account with this number and password, through django-axes (lockout per
    account and client address, as on the cadres' sign-in page), and at most
    `password_failures_per_ip_per_hour` failures from one address for all numbers together."""
    phone = clean_phone(phone)
    if not password:
        raise DomainError(_("Enter your password."), code="password_required", field="password")
    ip = current_ip.get()
    if _address_blocked(ip):
        raise DomainError(_("Too many failed sign-ins from this network in the last hour. Sign in with an SMS "
                            "code, or try again later."), code="locked_out")
    account = selectors.account_by_phone(phone)
    user = authenticate(request=request, username=_axes_username(phone, account), password=password)
    if _locked_out(request):
        _count_failure(ip)
        raise DomainError(_("Too many failed sign-ins: this account is locked for a while. Sign in with an SMS "
                            "code, or reset your password."), code="locked_out")
    if user is None:
        _count_failure(ip)
        from django.conf import settings

        raise DomainError(_("The mobile number or the password is wrong. After %(limit)s failed attempts the "
                            "account is locked for a while.") % {"limit": settings.AXES_FAILURE_LIMIT},
                          code="invalid_credentials")
    return user


def _usable_account(phone):
    account = selectors.account_by_phone(phone)
    if account is None:
        raise DomainError(_("No account uses this mobile number yet. Sign up first."), code="no_account",
                          field="phone")
    if not may_sign_in(account):
        raise DomainError(_("This account is disabled. Ask your union."), code="account_disabled", field="phone")
    return account


def sign_in_with_code(*, phone, code, actor=None):
    """The account of `phone`, proven by a sign-in code (consumed). The caller logs it in."""
    phone = clean_phone(phone)
    pk = _check_code(phone, CodePurpose.LOGIN, code)
    account = _usable_account(phone)
    now = timezone.now()
    with transaction.atomic():
        _consume_code(pk, now)
        User = get_user_model()  # noqa: N806
        if account.phone_verified_at is None:
            User.objects.filter(pk=account.pk).update(phone_verified_at=now)
            account.phone_verified_at = now
        audit.record(actor=account, action="portal.account.code_login", obj=account,
                     after={"phone_masked": account.phone_masked})
    return account


# --- sign up -------------------------------------------------------------------------------------
def _new_username(prefix):
    User = get_user_model()  # noqa: N806
    while True:
        username = prefix + "".join(secrets.choice(USERNAME_ALPHABET) for _i in range(USERNAME_RANDOM_LENGTH))
        if not User.objects.filter(username__iexact=username).exists():
            return username


def _phone_registered():
    return DomainError(_("This mobile number already has an account. Sign in, or reset the password if you have "
                         "forgotten it."), code="phone_registered", field="phone")


@sensitive_variables("password")
def create_portal_account(*, phone, name, password, verified_at=None, actor=None):
    """Inside the caller's transaction: a new account with no roles whose login is `phone`.
    Also used by the demo data and test helpers (which have no code to prove the number)."""
    User = get_user_model()  # noqa: N806
    user = User(username=_new_username(rules().username_prefix), display_name=name, phone_verified_at=verified_at)
    user.set_phone(phone)
    user.set_password(password)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        if "phone_hash" in exc.message_dict or "__all__" in exc.message_dict:
            raise _phone_registered() from exc
        raise
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same number signed up a moment ago
        raise _phone_registered() from exc
    audit.record(actor=actor or user, action="portal.account.signup", obj=user,
                 after=audit.snapshot(user, fields=ACCOUNT_AUDIT_FIELDS))
    return user


@sensitive_variables("password")
def sign_up(*, phone, code, name, password, actor=None):
    """A worker's own account: phone proven by a sign-up code, a name, a password Django's
    validators accept. No roles; the portal offers 实名入会 until the account is linked to a member."""
    phone = clean_phone(phone)
    name = clean_name(name)
    probe = get_user_model()(username="", display_name=name)
    _validate_password(password, probe, "password1")
    pk = _check_code(phone, CodePurpose.SIGNUP, code)
    if selectors.phone_taken(phone):
        raise _phone_registered()
    now = timezone.now()
    with transaction.atomic():
        _consume_code(pk, now)
        return create_portal_account(phone=phone, name=name, password=password, verified_at=now)


# --- password reset ------------------------------------------------------------------------------
@sensitive_variables("new_password")
def reset_password(*, phone, code, new_password, actor=None):
    """A new password for the account of `phone`, proven by a reset code. Signs out its other
    sessions (the password hash changes), revokes its API tokens and lifts a sign-in lockout."""
    from axes.utils import reset as reset_lockout

    from gonghui.accounts.models import ApiToken

    phone = clean_phone(phone)
    pk = _check_code(phone, CodePurpose.RESET, code)
    account = _usable_account(phone)
    _validate_password(new_password, account, "new_password1")
    now = timezone.now()
    User = get_user_model()  # noqa: N806
    with transaction.atomic():
        _consume_code(pk, now)
        user = User.objects.select_for_update().get(pk=account.pk)
        user.set_password(new_password)
        user.must_change_password = False
        user.phone_verified_at = user.phone_verified_at or now
        user.save(update_fields=["password", "must_change_password", "phone_verified_at"])
        revoked = ApiToken.objects.live().filter(user=user).update(revoked_at=now)
        audit.record(actor=user, action="portal.account.password_reset", obj=user,
                     after={"tokens_revoked": revoked})
    reset_lockout(username=user.get_username())
    return user


# --- housekeeping --------------------------------------------------------------------------------
def purge_codes(*, now=None) -> int:
    """Delete codes older than `code_retention_days` (the limits look back one day at most)."""
    cutoff = (now or timezone.now()) - timedelta(days=rules().code_retention_days)
    deleted, _per_model = SmsCode.objects.filter(created_at__lt=cutoff).delete()
    return deleted
