"""Models of the `auth` area: the SMS one-time codes of the member portal.

A code is stored only as a keyed hash (HMAC under SECRET_KEY, bound to the number and the
purpose), the number only as its PII lookup hash: the table holds nothing a reader could use to
sign in or to learn who asked. Rows double as the ledger the send limits count (per number, per
client address) and are purged after `code_retention_days` (tasks/auth.py).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["CodePurpose", "SmsCode"]


class CodePurpose(models.TextChoices):
    LOGIN = "LOGIN", pgettext_lazy("SMS code purpose", "Sign in")
    SIGNUP = "SIGNUP", pgettext_lazy("SMS code purpose", "Sign up")
    RESET = "RESET", pgettext_lazy("SMS code purpose", "Password reset")


class SmsCode(models.Model):
    phone_hash = models.CharField(max_length=64)
    purpose = models.CharField(_("purpose"), max_length=8, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64)
    # The client address that asked (the per-address limit); None outside a request.
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        indexes = [
            # the live code of a number and purpose; the per-number limits
            models.Index(fields=["phone_hash", "created_at"], name="smscode_phone_idx"),
            models.Index(fields=["ip", "created_at"], name="smscode_ip_idx"),
            models.Index(fields=["created_at"], name="smscode_created_idx"),  # the purge
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")),
                                   name="smscode_expires_after_sent"),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.created_at:%Y-%m-%d %H:%M}"

    def is_live(self, now=None) -> bool:
        return self.used_at is None and self.expires_at > (now or timezone.now())
