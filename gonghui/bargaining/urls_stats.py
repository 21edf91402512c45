"""Coverage statistics and the Excel exports; included by urls.py under `bargaining:`."""

from django.urls import path

from . import views_stats

urlpatterns = [
    path("stats/", views_stats.stats, name="stats"),
    path("stats/export/", views_stats.stats_export, name="stats_export"),
    path("export/", views_stats.agreement_export, name="export"),
]
