from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    name = "gonghui.congress"
    label = "congress"
    verbose_name = _("Workers' congresses and proposals")

    def ready(self):
        # Each area registers its own audit labels, due-soon sources and calendar hooks.
        from .wiring import bodies, proposals, status

        bodies.ready()
        proposals.ready()
        status.ready()
