from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gonghui.reports"
    label = "reports"
    verbose_name = _("Reports and statistics")

    def ready(self):
        # Each area registers its own audit labels, due-soon sources, member pages and tasks.
        from .wiring import annual, dashboard, rollups

        rollups.ready()
        dashboard.ready()
        annual.ready()
