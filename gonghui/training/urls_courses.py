from django.urls import path

from .views import courses as views

urlpatterns = [
    path("courses/", views.course_list, name="course_list"),
    path("courses/export/", views.course_export, name="course_export"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/enterprises/", views.enterprise_options, name="course_enterprise_options"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:pk>/sessions/add/", views.session_add, name="session_add"),
    path("courses/<int:pk>/sessions/<int:session_pk>/", views.session_edit, name="session_edit"),
    path("courses/<int:pk>/<slug:step>/", views.course_step, name="course_step"),
]
