from django.urls import path

from .views import activities as views

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/export/", views.activity_export, name="activity_export"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/participants/", views.participant_add, name="activity_participant_add"),
    path("activities/<int:pk>/participants/<int:participant_pk>/remove/", views.participant_remove,
         name="activity_participant_remove"),
]
