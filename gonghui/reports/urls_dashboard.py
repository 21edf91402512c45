"""Pages of the `dashboard` area; included by urls.py under `reports:`."""

from django.urls import path

from .views import dashboard as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/export/", views.dashboard_export, name="dashboard_export"),
    path("dashboard/refresh/", views.dashboard_refresh, name="dashboard_refresh"),
]
