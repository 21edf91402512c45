from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrassrootsConfig(AppConfig):
    name = "gonghui.grassroots"
    label = "grassroots"
    verbose_name = _("Grassroots building")

    def ready(self):
        # Each area registers its own audit labels, due-soon sources and calendar hooks.
        from .wiring import committees, elections, foundings, harmony, homes, liaison

        committees.ready()
        foundings.ready()
        elections.ready()
        liaison.ready()
        homes.ready()
        harmony.ready()
