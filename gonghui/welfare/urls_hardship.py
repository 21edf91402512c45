from django.urls import path

from .views import hardship as views

urlpatterns = [
    path("hardship/", views.file_list, name="file_list"),
    path("hardship/export/", views.file_export, name="file_export"),
    path("hardship/new/", views.file_create, name="file_create"),
    path("hardship/<int:pk>/", views.file_detail, name="file_detail"),
    path("hardship/<int:pk>/reveal/", views.file_reveal, name="file_reveal"),
    path("hardship/<int:pk>/remove/<slug:part>/<int:line_id>/", views.file_remove_line, name="file_remove_line"),
    path("hardship/<int:pk>/<slug:step>/", views.file_step, name="file_step"),
]
