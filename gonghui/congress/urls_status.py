"""The yearly status pages (congress held, 厂务公开) and the statistics; included by urls.py
under `congress:`."""

from django.urls import path

from .views import disclosures, stats, status

urlpatterns = [
    path("status/", status.status_list, name="status"),
    path("status/export/", status.status_export, name="status_export"),
    path("disclosures/", disclosures.disclosure_list, name="disclosure_list"),
    path("disclosures/export/", disclosures.disclosure_export, name="disclosure_export"),
    path("disclosures/<int:enterprise_id>/<int:year>/", disclosures.disclosure_checklist,
         name="disclosure_checklist"),
    path("disclosures/<int:pk>/delete/", disclosures.disclosure_delete, name="disclosure_delete"),
    path("stats/", stats.stats, name="stats"),
    path("stats/export/", stats.stats_export, name="stats_export"),
]
