from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "gonghui.publicity"
    label = "publicity"
    verbose_name = _("Publicity and education")

    def ready(self):
        # Each area registers its own audit labels, due-soon sources, member pages and tasks.
        from .wiring import activities, articles, studies

        articles.ready()
        activities.ready()
        studies.ready()
