"""Every write to accounts: passwords, API tokens, role assignments, second-factor devices.

Keyword-only, `actor=` first; each validates, runs atomically and writes the audit trail.
"""

import datetime

import django_otp
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.policies import require

from .models import ApiToken, RoleAssignment, User, hash_token
from .policies import MANAGE, ROLE_LEVELS, may_assign, role_fits_org
from .roles import Role

MAX_LIVE_TOKENS = 10
# last_used_at is written at most this often per token, so API traffic does not write per call.
TOKEN_TOUCH_INTERVAL = datetime.timedelta(minutes=1)
RAW_TOKEN_MAX_LENGTH = 128


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
    """Set a new password after Django's validators accept it (the caller checked the old one)."""
    _require_signed_in(actor)
    password_validation.validate_password(new_password, user=actor)
    user = User.objects.select_for_update().get(pk=actor.pk)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    actor.password = user.password
    audit.record(actor=actor, action="accounts.password.change", obj=user, org=home_org(user))
    return user


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
@transaction.atomic
def assign_role(*, actor, user, org, role):
    """Give `user` the `role` on `org` (and so over its subtree)."""
    require(actor, MANAGE, org)
    if role not in Role.values:
        raise DomainError(_("Choose a role from the list."), code="role_unknown", field="role")
    role = Role(role)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise DomainError(_("The account %(username)s is disabled; enable it before giving it a role.")
                          % {"username": user.username}, code="user_inactive", field="username")
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
