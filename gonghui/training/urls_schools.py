from django.urls import path

from .views import schools as views

urlpatterns = [
    path("schools/", views.school_list, name="school_list"),
    path("schools/export/", views.school_export, name="school_export"),
    path("schools/new/", views.school_create, name="school_create"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school_edit"),
    path("schools/<int:pk>/<slug:step>/", views.school_step, name="school_step"),
    path("teachers/", views.teacher_list, name="teacher_list"),
    path("teachers/export/", views.teacher_export, name="teacher_export"),
    path("teachers/new/", views.teacher_create, name="teacher_create"),
    path("teachers/<int:pk>/", views.teacher_detail, name="teacher_detail"),
    path("teachers/<int:pk>/edit/", views.teacher_edit, name="teacher_edit"),
    path("teachers/<int:pk>/<slug:step>/", views.teacher_step, name="teacher_step"),
]
