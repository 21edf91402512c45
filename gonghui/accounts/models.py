import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core import pii
from gonghui.core.scoping import ScopePaths, collapse_paths

from .roles import ADMIN_ROLES, Role, role_grants


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    # Set when someone else chose the password (a new account, a reset): the middleware sends
    # the user to the password change page until they pick their own.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # The mobile number a member-portal login uses (gonghui/portal, phone + password or SMS code):
    # encrypted, a keyed hash for lookup and uniqueness, a masked copy for display (gonghui.core.pii).
    phone_enc = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, default="")
    phone_masked = models.CharField(_("mobile"), max_length=11, blank=True)
    phone_verified_at = models.DateTimeField(_("mobile verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # "Wang" and "wang" would be two accounts that people cannot tell apart.
            models.UniqueConstraint(
                Lower("username"), name="unique_username_ci",
                violation_error_message=_("This username is already taken (upper and lower case count as "
                                          "the same letter)."),
            ),
            # One login per mobile number; accounts without one (most cadres) do not collide.
            models.UniqueConstraint(
                fields=["phone_hash"], condition=~Q(phone_hash=""), name="unique_user_phone",
                violation_error_message=_("This mobile number already belongs to another account."),
            ),
        ]

    def __str__(self):
        return self.display_name or self.username

    # --- mobile (clear value only on purpose: sending an SMS) ---------------------------------
    def phone(self) -> str:
        return pii.decrypt(self.phone_enc)

    def set_phone(self, number: str):
        self.phone_enc = pii.encrypt(number)
        self.phone_hash = pii.lookup_hash(number)
        self.phone_masked = pii.mask_phone(number)

    # --- scope ---------------------------------------------------------------------------
    def _assignments(self):
        """(role, org path) pairs, loaded once per user object (i.e. once per request)."""
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = list(
                self.role_assignments.filter(org__is_active=True).values_list("role", "org__path")
            )
            self._role_cache = cached
        return cached

    def scope_paths(self, action: str) -> ScopePaths:
        paths = collapse_paths(path for role, path in self._assignments() if role_grants(role, action))
        return ScopePaths(paths, self.__dict__.setdefault("_cover_memo", {}))

    def can(self, action: str, org=None) -> bool:
        """May this user perform `action` on something belonging to `org` (None: anywhere)?"""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        paths = self.scope_paths(action)
        if org is None:
            return bool(paths)
        return any(org.path.startswith(path) for path in paths)

    def can_any(self, action: str, orgs) -> bool:
        return any(self.can(action, org) for org in orgs)

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or any(role in ADMIN_ROLES for role, _path in self._assignments())

    def forget_roles(self):
        self._role_cache = None
        self._cover_memo = {}


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments",
                             verbose_name=_("user"))
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="role_assignments",
                            verbose_name=_("organisation"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_lookups = ("org",)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "role"], name="unique_role_per_org"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.org}"


def hash_token(raw: str) -> str:
    # Tokens are 256-bit random strings, so a fast hash is enough (no brute force possible).
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the raw value is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(pgettext_lazy("API token", "name"), max_length=64)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate_raw():
        return secrets.token_urlsafe(32)
