"""URLs of the `studies` area."""

from django.urls import path

from .views import studies as views

urlpatterns = [
    path("studies/", views.study_list, name="study_list"),
    path("studies/export/", views.study_export, name="study_export"),
    path("studies/new/", views.study_create, name="study_create"),
    path("studies/stats/", views.study_stats, name="study_stats"),
    path("studies/stats/export/", views.study_stats_export, name="study_stats_export"),
    path("studies/my/", views.my_studies, name="my_studies"),
    path("studies/my/<int:pk>/", views.my_study_detail, name="my_study_detail"),
    path("studies/my/<int:pk>/materials/<int:material_id>/", views.my_study_material, name="my_study_material"),
    path("studies/checkin/<int:pk>/", views.study_checkin, name="study_checkin"),
    path("studies/<int:pk>/", views.study_detail, name="study_detail"),
    path("studies/<int:pk>/edit/", views.study_edit, name="study_edit"),
    path("studies/<int:pk>/attendance/", views.study_attendance, name="study_attendance"),
    path("studies/<int:pk>/attendance/rotate/", views.study_rotate, name="study_rotate"),
    path("studies/<int:pk>/invitees/<int:invitee_id>/remove/", views.study_uninvite, name="study_uninvite"),
    path("studies/<int:pk>/materials/<int:material_id>/", views.study_material, name="study_material"),
    path("studies/<int:pk>/materials/<int:material_id>/delete/", views.study_material_delete,
         name="study_material_delete"),
    path("studies/<int:pk>/<slug:step>/", views.study_step, name="study_step"),
]
