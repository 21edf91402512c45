from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    name = "gonghui.honours"
    label = "honours"
    verbose_name = _("Honours and model workers")

    def ready(self):
        # Each area registers its own audit labels, due-soon sources and tasks.
        from .wiring import awards, leaders, modelworkers, rewards

        awards.ready()
        modelworkers.ready()
        leaders.ready()
        rewards.ready()
