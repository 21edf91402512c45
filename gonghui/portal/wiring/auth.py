"""Registrations of the `auth` area: audit labels, the deploy check of the SMS backend."""

ACTION_CODES = ("portal.account.signup", "portal.account.code_login", "portal.account.password_reset")


def ready():
    from django.core import checks
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import register_action_labels, register_field_labels

    from ..sms import check_backend
    from ..tasks import auth as tasks  # noqa: F401 — registers the purge task with Celery

    register_action_labels({
        "portal.account.signup": pgettext_lazy("audit action", "Signed up on the member portal"),
        "portal.account.code_login": pgettext_lazy("audit action", "Signed in with an SMS code"),
        "portal.account.password_reset": pgettext_lazy("audit action", "Password reset with an SMS code"),
    }, group=_("Member portal"))
    register_field_labels("accounts.User", {"tokens_revoked": _("API tokens revoked")})
    checks.register(check_backend, checks.Tags.security, deploy=True)
