"""URLs of the `appeals` area."""

from django.urls import path

from .views import appeals as views

urlpatterns = [
    path("appeals/", views.appeal_list, name="appeal_list"),
    path("appeals/export/", views.appeal_export, name="appeal_export"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/reveal/", views.appeal_reveal, name="appeal_reveal"),
    path("appeals/<int:pk>/files/<int:file_id>/", views.appeal_attachment, name="appeal_attachment"),
    path("appeals/<int:pk>/move/<slug:kind>/", views.appeal_move, name="appeal_move"),
    path("appeals/<int:pk>/<slug:step>/", views.appeal_step, name="appeal_step"),
]
