"""Every write to accounts: new accounts, passwords, API tokens, role assignments, second-factor
devices.

Keyword-only, `actor=` first; each validates, runs atomically and writes the audit trail.
"""

import datetime
import secrets

import django_otp
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.debug import sensitive_variables
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.policies import require

from .models import ApiToken, RoleAssignment, User, hash_token
from .policies import MANAGE, ROLE_LEVELS, account_refusal, may_assign, role_fits_org
from .roles import Role
from .selectors import role_holdings

MAX_LIVE_TOKENS = 10
# last_used_at is written at most this often per token, so API traffic does not write per call.
TOKEN_TOUCH_INTERVAL = datetime.timedelta(minutes=1)
RAW_TOKEN_MAX_LENGTH = 128

# One-time passwords are read out or copied by people: lower case and digits without the
# look-alikes 0/o and 1/l. 32 symbols × 12 = 60 bits, ample for a password that the sign-in
# lockout guards and that must be changed on first use.
ONE_TIME_PASSWORD_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"
ONE_TIME_PASSWORD_LENGTH = 12
ACCOUNT_AUDIT_FIELDS = ("username", "display_name", "email", "is_active", "must_change_password")


def home_org(user):
    """The org an account's own events are filed under: its highest role assignment, if any.
    Puts token and password events in the trail that the user's managers can read."""
    assignment = (RoleAssignment.objects.filter(user=user).select_related("org")
                  .order_by("org__depth", "org__path").first())
    return assignment.org if assignment else None


def _require_signed_in(actor):
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("Please sign in."))


# --- password ------------------------------------------------------------------------------
@transaction.atomic
def change_password(*, actor, new_password):
    """Set a new password after Django's validators accept it (the caller checked the old one).
    Clears `must_change_password`: the user has now chosen their own."""
    _require_signed_in(actor)
    password_validation.validate_password(new_password, user=actor)
    user = User.objects.select_for_update().get(pk=actor.pk)
    if check_password(new_password, user.password):
        raise DomainError(_("The new password must differ from the current one."),
                          code="password_unchanged", field="new_password1")
    was_forced = user.must_change_password
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    actor.password = user.password
    actor.must_change_password = False
    audit.record(actor=actor, action="accounts.password.change", obj=user, org=home_org(user),
                 after={"must_change_password": False} if was_forced else None)
    return user


def generate_one_time_password():
    """A random, readable password of ONE_TIME_PASSWORD_LENGTH with a letter and a digit."""
    while True:
        value = "".join(secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _i in range(ONE_TIME_PASSWORD_LENGTH))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value


# --- accounts managed by cadres ----------------------------------------------------------------
def _username_taken(username):
    return DomainError(_("The username “%(username)s” is already taken (upper and lower case count as the same "
                         "letter). Choose another, e.g. add the person's initials or a number.")
                       % {"username": username}, code="username_taken", field="username")


def _clean_username(username):
    username = (username or "").strip()
    if not username:
        raise DomainError(_("Enter a username."), code="username_required", field="username")
    if len(username) > 150:
        raise DomainError(_("A username has at most 150 characters."), code="username_too_long", field="username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise DomainError(_("A username may contain only letters, digits and the characters @ . + - _ "
                            "(no spaces)."), code="username_invalid", field="username") from exc
    if User.objects.filter(username__iexact=username).exists():
        raise _username_taken(username)
    return username


def _clean_contact(display_name, email):
    display_name = (display_name or "").strip()
    if not display_name:
        raise DomainError(_("Enter the display name, e.g. the person's full name."),
                          code="display_name_required", field="display_name")
    if len(display_name) > 64:
        raise DomainError(_("A display name has at most 64 characters."), code="display_name_too_long",
                          field="display_name")
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError(_("Enter a valid e-mail address, e.g. name@example.com, or leave it empty."),
                              code="email_invalid", field="email") from exc
    return display_name, email


@sensitive_variables("password")
@transaction.atomic
def create_account(*, actor, org, role, username, display_name, email=""):
    """Open an account for a person with `role` on `org`. Returns (user, one-time password):
    the password exists only in this return value, and the person must replace it when they
    first sign in."""
    require(actor, MANAGE, org)
    role = _checked_role(actor, org, role)
    username = _clean_username(username)
    display_name, email = _clean_contact(display_name, email)
    password = generate_one_time_password()
    user = User(username=username, display_name=display_name, email=email, must_change_password=True)
    user.set_password(password)
    user.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent request took the name (in any case)
        raise _username_taken(username) from exc
    audit.record(actor=actor, action="accounts.user.create", obj=user, org=org,
                 after=audit.snapshot(user, fields=ACCOUNT_AUDIT_FIELDS))
    _grant_role(actor=actor, user=user, org=org, role=role)
    return user, password


ACCOUNT_REFUSALS = {
    "account_superuser": lambda target: _("Only a system administrator can manage the account of a system "
                                          "administrator."),
    "account_no_roles": lambda target: _("%(username)s holds no role, so only a system administrator can manage "
                                         "this account.") % {"username": target.username},
    "account_out_of_reach": lambda target: _(
        "%(username)s also holds a role outside your area or above your own; only someone who manages all of "
        "their roles can do this.") % {"username": target.username},
}


def _managed_account(actor, user):
    """Lock and return `user` once `actor` may manage the account (policies.account_refusal)."""
    _require_signed_in(actor)
    require(actor, MANAGE)
    target = User.objects.select_for_update().get(pk=user.pk)
    refusal = account_refusal(actor, target, role_holdings([target.pk])[target.pk])
    if refusal == "account_own":
        raise DomainError(_("You cannot do this to your own account. To change your own password, use "
                            "“Change password”."), code="account_own")
    if refusal is not None:
        message = ACCOUNT_REFUSALS.get(refusal)
        raise PermissionDenied(message(target) if message else _("You are not allowed to do this here."))
    return target


@sensitive_variables("password")
@transaction.atomic
def reset_password(*, actor, user):
    """Give `user` a new one-time password (returned, never stored in clear) that they must
    replace at their next sign-in. Their sessions end (the password hash changed) and their
    API tokens are revoked: a reset usually means the password was lost or exposed."""
    target = _managed_account(actor, user)
    password = generate_one_time_password()
    target.set_password(password)
    target.must_change_password = True
    target.save(update_fields=["password", "must_change_password"])
    revoked = ApiToken.objects.live().filter(user=target).update(revoked_at=timezone.now())
    audit.record(actor=actor, action="accounts.user.password_reset", obj=target, org=home_org(target),
                 after={"must_change_password": True, "tokens_revoked": revoked})
    return password


@sensitive_variables("password")
@transaction.atomic
def set_account_active(*, actor, user, active):
    """Disable (`active=False`) or enable an account; returns the one-time password of an
    enabled account, None for a disabled one. A disabled account cannot sign in, its API tokens
    are revoked, and it keeps its roles. Enabling gives it a new one-time password: the old
    password and every session signed in with it stop working, so whoever held the account
    when it was disabled (often why it was) does not get it back."""
    target = _managed_account(actor, user)
    active = bool(active)
    if target.is_active == active:
        if active:
            raise DomainError(_("The account %(username)s is already enabled.") % {"username": target.username},
                              code="account_already_active")
        raise DomainError(_("The account %(username)s is already disabled.") % {"username": target.username},
                          code="account_already_disabled")
    target.is_active = active
    password, revoked = None, 0
    if active:
        password = generate_one_time_password()
        target.set_password(password)
        target.must_change_password = True
        target.save(update_fields=["is_active", "password", "must_change_password"])
    else:
        target.save(update_fields=["is_active"])
        revoked = ApiToken.objects.live().filter(user=target).update(revoked_at=timezone.now())
    audit.record(actor=actor, action="accounts.user.enable" if active else "accounts.user.disable", obj=target,
                 org=home_org(target), before={"is_active": not active},
                 after={"is_active": active, "must_change_password": True} if active
                 else {"is_active": False, "tokens_revoked": revoked})
    return password


# --- API tokens ------------------------------------------------------------------------------
@transaction.atomic
def create_api_token(*, actor, name, expires_at=None):
    """Create a personal API token. Returns (token, raw): the raw value exists only in this
    return value; the database keeps its SHA-256."""
    _require_signed_in(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name, e.g. the program that will use it."),
                          code="token_name_required", field="name")
    if len(name) > 64:
        raise DomainError(_("A token name has at most 64 characters."), code="token_name_too_long", field="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(_("The expiry date must be in the future."), code="token_expiry_past",
                          field="expires_on")
    User.objects.select_for_update().get(pk=actor.pk)  # one token creation per user at a time
    live = ApiToken.objects.live().filter(user=actor)
    if live.count() >= MAX_LIVE_TOKENS:
        raise DomainError(
            _("You already have %(n)d active tokens. Revoke one you no longer use first.") % {"n": MAX_LIVE_TOKENS},
            code="token_limit", field=None)
    if live.filter(name=name).exists():
        raise DomainError(_("You already have an active token named “%(name)s”. Choose another name.")
                          % {"name": name}, code="token_name_taken", field="name")
    raw = ApiToken.generate_raw()
    token = ApiToken(user=actor, name=name, prefix=raw[:8], key_hash=hash_token(raw), expires_at=expires_at)
    token.full_clean()
    token.save()
    audit.record(actor=actor, action="accounts.token.create", obj=token, org=home_org(actor),
                 after=audit.snapshot(token, fields=("user", "name", "prefix", "expires_at")))
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor, token):
    _require_signed_in(actor)
    if token.user_id != actor.pk:
        raise PermissionDenied(_("You can only revoke your own tokens."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise DomainError(_("This token was already revoked."), code="token_already_revoked")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=actor, action="accounts.token.revoke", obj=token, org=home_org(actor),
                 before={"revoked_at": None}, after={"revoked_at": token.revoked_at.isoformat()})
    return token


def authenticate_token(raw) -> User | None:
    """The active user a raw bearer token belongs to, or None (unknown, revoked, expired,
    inactive user). Records the time of use at most once per minute per token."""
    if not raw or not isinstance(raw, str) or len(raw) > RAW_TOKEN_MAX_LENGTH:
        return None
    token = ApiToken.objects.live().select_related("user").filter(key_hash=hash_token(raw.strip())).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        (ApiToken.objects.filter(pk=token.pk)
         .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOKEN_TOUCH_INTERVAL))
         .update(last_used_at=now))
    return token.user


# --- roles ---------------------------------------------------------------------------------
def _checked_role(actor, org, role):
    """The Role `actor` may give on `org`, or the DomainError saying why not."""
    if role not in Role.values:
        raise DomainError(_("Choose a role from the list."), code="role_unknown", field="role")
    role = Role(role)
    if not org.is_active:
        raise DomainError(_("%(org)s is no longer active; roles cannot be given on it.") % {"org": org.name},
                          code="org_inactive")
    if not may_assign(actor, role, org):
        raise DomainError(_("You cannot give the role “%(role)s”: it is above your own role here.")
                          % {"role": role.label}, code="role_above_own", field="role")
    if not role_fits_org(role, org):
        levels = pgettext("list separator", ", ").join(str(level.label) for level in sorted(ROLE_LEVELS[role]))
        raise DomainError(_("The role “%(role)s” can only be given on: %(levels)s.")
                          % {"role": role.label, "levels": levels}, code="role_level_mismatch", field="role")
    return role


@transaction.atomic
def assign_role(*, actor, user, org, role):
    """Give `user` the `role` on `org` (and so over its subtree). An account that holds no role
    at all is a system administrator's to place: otherwise a cadre could give it a role in their
    own area and then reset its password (accounts they open themselves get their first role
    in `create_account`)."""
    require(actor, MANAGE, org)
    if not actor.is_superuser and not RoleAssignment.objects.filter(user=user).exists():
        raise DomainError(ACCOUNT_REFUSALS["account_no_roles"](user), code="account_no_roles", field="username")
    return _grant_role(actor=actor, user=user, org=org, role=role)


def _grant_role(*, actor, user, org, role):
    require(actor, MANAGE, org)
    role = _checked_role(actor, org, role)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise DomainError(_("The account %(username)s is disabled; enable it before giving it a role.")
                          % {"username": user.username}, code="user_inactive", field="username")
    if RoleAssignment.objects.filter(user=user, org=org, role=role).exists():
        raise DomainError(_("%(username)s already has the role “%(role)s” at %(org)s.")
                          % {"username": user.username, "role": role.label, "org": org.name},
                          code="role_exists", field="username")
    assignment = RoleAssignment(user=user, org=org, role=role)
    assignment.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:  # a concurrent request made the same assignment
        raise DomainError(_("%(username)s already has the role “%(role)s” at %(org)s.")
                          % {"username": user.username, "role": role.label, "org": org.name},
                          code="role_exists", field="username") from exc
    audit.record(actor=actor, action="accounts.role.assign", obj=assignment, org=org,
                 after=audit.snapshot(assignment, fields=("user", "org", "role")))
    user.forget_roles()
    return assignment


@transaction.atomic
def remove_role(*, actor, assignment):
    require(actor, MANAGE, assignment.org)
    locked = RoleAssignment.objects.select_for_update().select_related("user", "org").filter(pk=assignment.pk).first()
    if locked is None:
        raise DomainError(_("This role was already removed."), code="role_gone")
    if locked.user_id == actor.pk:
        raise DomainError(_("You cannot remove your own role. Ask another manager to do it."),
                          code="role_own")
    if not may_assign(actor, locked.role, locked.org):
        raise DomainError(_("You cannot remove the role “%(role)s”: it is above your own role here.")
                          % {"role": locked.get_role_display()}, code="role_above_own")
    before = audit.snapshot(locked, fields=("user", "org", "role"))
    audit.record(actor=actor, action="accounts.role.remove", obj=locked, org=locked.org, before=before)
    locked.delete()
    return locked


# --- second factor (TOTP) ------------------------------------------------------------------------
def _throttled_error(device):
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    until = (info or {}).get("locked_until")
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 60
    return DomainError(_("Too many wrong codes. Wait %(seconds)d seconds, then try again.") % {"seconds": seconds},
                       code="otp_throttled", field="code")


@transaction.atomic
def start_totp_setup(*, actor):
    """Create (or reuse) the unconfirmed authenticator of an administrator."""
    _require_signed_in(actor)
    if not actor.is_administrator:
        raise PermissionDenied(_("Only administrators set up a second factor."))
    User.objects.select_for_update().get(pk=actor.pk)
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise DomainError(_("Two-step verification is already set up for your account."), code="otp_exists")
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=_("Authenticator app"), confirmed=False)
    return device


def confirm_totp_device(*, actor, token):
    """Confirm the pending authenticator with a code from it. Wrong codes count towards the
    device's throttle (committed even though the call fails)."""
    _require_signed_in(actor)
    verified = False
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update()
                  .filter(user=actor, confirmed=False).order_by("pk").first())
        if device is None:
            raise DomainError(_("There is no set-up in progress. Start again."), code="otp_no_setup")
        error = _throttled_error(device)
        if error:
            raise error
        verified = device.verify_token(token)
        if verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=actor, confirmed=False).exclude(pk=device.pk).delete()
            audit.record(actor=actor, action="accounts.otp.enable", obj=device, org=home_org(actor),
                         object_type="otp_totp.TOTPDevice", after={"name": device.name, "confirmed": True})
    if not verified:
        raise DomainError(_("That code is not right. Check the clock of your phone and enter the current "
                            "6-digit code."), code="otp_wrong_code", field="code")
    return device


def verify_second_factor(*, actor, token):
    """Check a code against the user's confirmed authenticator; returns the device that
    accepted it (the view then marks the session verified with django_otp.login)."""
    _require_signed_in(actor)
    device = TOTPDevice.objects.filter(user=actor, confirmed=True).order_by("pk").first()
    if device is None:
        raise DomainError(_("Your account has no authenticator yet. Set one up first."), code="otp_no_device")
    error = _throttled_error(device)
    if error:
        raise error
    accepted = django_otp.verify_token(actor, device.persistent_id, token)
    if accepted is None:
        raise DomainError(_("That code is not right. Check the clock of your phone and enter the current "
                            "6-digit code."), code="otp_wrong_code", field="code")
    return accepted
