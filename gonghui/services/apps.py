from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "gonghui.services"
    label = "services"
    verbose_name = _("Worker services")

    def ready(self):
        # Each area registers its own audit labels, due-soon sources and tasks.
        from .wiring import benefits, centres, events, facilities, venues

        centres.ready()
        facilities.ready()
        benefits.ready()
        venues.ready()
        events.ready()
