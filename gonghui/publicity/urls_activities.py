"""URLs of the `activities` area (theme activities)."""

from django.urls import path

from .views import activities as views

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/export/", views.activity_export, name="activity_export"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/stats/", views.activity_stats, name="activity_stats"),
    path("activities/stats/export/", views.activity_stats_export, name="activity_stats_export"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/submit/", views.activity_submit, name="activity_submit"),
    path("activities/<int:pk>/review/", views.activity_review, name="activity_review"),
    path("activities/<int:pk>/photos/", views.activity_photo_add, name="activity_photo_add"),
    path("activities/<int:pk>/photos/<int:photo_pk>/", views.activity_photo, name="activity_photo"),
    path("activities/<int:pk>/photos/<int:photo_pk>/delete/", views.activity_photo_delete,
         name="activity_photo_delete"),
]
