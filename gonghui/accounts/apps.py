from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountsConfig(AppConfig):
    name = "gonghui.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Words for this app's audit codes (gonghui/core/audit_labels.py): core cannot import us.
        from gonghui.core.audit_labels import (
            register_action_labels,
            register_field_labels,
            register_name_fields,
            register_object_labels,
        )

        register_action_labels({
            "accounts.user.create": pgettext_lazy("audit action", "Account created"),
            "accounts.user.enable": pgettext_lazy("audit action", "Account enabled"),
            "accounts.user.disable": pgettext_lazy("audit action", "Account disabled"),
            "accounts.user.password_reset": pgettext_lazy("audit action", "Password reset"),
            "accounts.password.change": pgettext_lazy("audit action", "Password changed"),
            "accounts.role.assign": pgettext_lazy("audit action", "Role granted"),
            "accounts.role.remove": pgettext_lazy("audit action", "Role withdrawn"),
            "accounts.token.create": pgettext_lazy("audit action", "API token created"),
            "accounts.token.revoke": pgettext_lazy("audit action", "API token revoked"),
            "accounts.otp.enable": pgettext_lazy("audit action", "Two-factor sign-in turned on"),
        }, group=_("Accounts"))
        register_object_labels({"otp_totp.TOTPDevice": _("authenticator app")})
        register_field_labels("accounts.User", {"tokens_revoked": _("API tokens revoked")})
        # Account ids in snapshots (role grants, tokens) are shown by username, as the actor is.
        register_name_fields({"accounts.User": "username"})
