from django.urls import path

from .views import enrolment as views

urlpatterns = [
    path("enrolments/", views.enrolment_list, name="enrolment_list"),
    path("enrolments/export/", views.enrolment_export, name="enrolment_export"),
    path("enrolments/new/", views.enrolment_create, name="enrolment_create"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:pk>/cancel/", views.enrolment_cancel, name="enrolment_cancel"),
    path("my/", views.my_courses, name="my_courses"),
    path("my/courses/<int:course_pk>/enrol/", views.my_enrol, name="my_enrol"),
    path("my/enrolments/<int:pk>/cancel/", views.my_cancel, name="my_cancel"),
]
