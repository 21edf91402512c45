from django.urls import path

from . import views

app_name = "innovation"

urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("export/", views.suggestion_export, name="export"),
    path("new/", views.suggestion_create, name="create"),
    path("<int:pk>/", views.suggestion_detail, name="detail"),
    path("<int:pk>/<slug:step>/", views.suggestion_step, name="step"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/export/", views.project_export, name="project_export"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/<slug:step>/", views.project_step, name="project_step"),
]
