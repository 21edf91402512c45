"""Pages of the `rollups` area; included by urls.py under `reports:`."""

from django.urls import path

from .views import rollups as views

urlpatterns = [
    path("rollups/", views.rollup_list, name="rollup_list"),
    path("rollups/refresh/", views.rollup_refresh, name="rollup_refresh"),
    path("rollups/export/", views.rollup_export, name="rollup_export"),
    path("rollups/<int:pk>/", views.rollup_detail, name="rollup_detail"),
]
