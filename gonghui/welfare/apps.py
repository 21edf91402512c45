from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "gonghui.welfare"
    label = "welfare"
    verbose_name = _("Welfare and assistance")

    def ready(self):
        # Each area registers its own audit labels, due-soon sources and tasks.
        from .wiring import campaigns, hardship, mutualaid

        mutualaid.ready()
        campaigns.ready()
        hardship.ready()
