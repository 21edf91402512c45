from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    name = "gonghui.competitions"
    label = "competitions"
    verbose_name = _("Competitions and skills")

    def ready(self):
        # Each area registers its own audit labels, due-soon sources and tasks.
        from .wiring import activities, contests, labour

        labour.ready()
        activities.ready()
        contests.ready()
