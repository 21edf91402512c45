from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "gonghui.voice"
    label = "voice"
    verbose_name = _("Workers' voice")

    def ready(self):
        # Each area registers its own audit labels, due-soon sources, member pages and tasks.
        from .wiring import appeals, intake, stats, surveys

        appeals.ready()
        intake.ready()
        surveys.ready()
        stats.ready()
