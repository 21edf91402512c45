from django.urls import path

from .views import attendance as views

urlpatterns = [
    path("sessions/<int:session_pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("sessions/<int:session_pk>/attendance/rotate/", views.session_rotate, name="session_rotate"),
    path("checkin/<int:session_pk>/", views.checkin, name="checkin"),
    path("courses/<int:course_pk>/scores/", views.course_scores, name="course_scores"),
    path("courses/<int:course_pk>/completion/", views.course_complete, name="course_complete"),
    path("courses/<int:course_pk>/certificates/issue/", views.course_issue, name="course_issue"),
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/export/", views.certificate_export, name="certificate_export"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("my/certificates/<int:pk>/pdf/", views.my_certificate_pdf, name="my_certificate_pdf"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
]
