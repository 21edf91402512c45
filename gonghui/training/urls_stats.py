from django.urls import path

from .views import stats as views

urlpatterns = [
    path("stats/", views.stats, name="stats"),
    path("stats/export/", views.stats_export, name="stats_export"),
    path("targets/", views.target_list, name="target_list"),
    path("targets/export/", views.target_export, name="target_export"),
    path("targets/new/", views.target_edit, name="target_create"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
]
