from django.urls import path

from .views import attendance as views

urlpatterns = [
    path("attendance/sessions/<int:session_pk>/", views.session_attendance, name="session_attendance"),
    path("attendance/sessions/<int:session_pk>/rotate/", views.session_rotate, name="session_rotate"),
    path("checkin/<int:session_pk>/", views.checkin, name="checkin"),
    path("attendance/courses/<int:course_pk>/scores/", views.course_scores, name="course_scores"),
    path("attendance/courses/<int:course_pk>/completion/", views.course_complete, name="course_complete"),
    path("attendance/courses/<int:course_pk>/certificates/", views.course_issue, name="course_issue"),
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/export/", views.certificate_export, name="certificate_export"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("my/certificates/<int:pk>/pdf/", views.my_certificate_pdf, name="my_certificate_pdf"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
]
