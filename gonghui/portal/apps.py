from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "gonghui.portal"
    label = "portal"
    verbose_name = _("Member portal")

    def ready(self):
        # Each area registers its own audit labels, due-soon sources, member pages and tasks.
        from .wiring import auth, home, joins

        auth.ready()
        joins.ready()
        home.ready()
