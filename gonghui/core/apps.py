from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Core's own audit codes; the other apps register theirs the same way in their ready().
        from .audit_labels import register_action_labels

        register_action_labels({
            "core.seed_demo": pgettext_lazy("audit action", "Demo data generated"),
        }, group=_("System"))
