"""URLs of the `stats` area."""

from django.urls import path

from .views import stats as views

urlpatterns = [
    path("stats/", views.appeal_stats, name="appeal_stats"),
    path("stats/export/", views.appeal_stats_export, name="appeal_stats_export"),
]
